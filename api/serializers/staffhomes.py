from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer

from api.listed import ListedRows
from api.serializers.files import SubmissionFileSerializer

from shared.staffhomes.models import Criterion, HomeApplication, Inspection, ReviewScore, Round


class CriterionSerializer(ModelSerializer):
    """建家标准（每个评选年度各有一套；筹备中可改，开始申报后固定）"""

    class Meta:
        model = Criterion
        fields = ["id", "round", "name", "description", "max_score", "order"]
        read_only_fields = ["round"]


class CriterionInputSerializer(Serializer):
    """新增建家标准"""

    round = serializers.PrimaryKeyRelatedField(label="评选年度", queryset=Round.objects.all())
    name = serializers.CharField(label="标准", max_length=40)
    description = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")
    max_score = serializers.DecimalField(label="满分", max_digits=6, decimal_places=2)
    order = serializers.IntegerField(label="顺序", min_value=0, max_value=999, required=False)


class RoundSerializer(ModelSerializer):
    """评选年度（筹备中 → 申报中 → 评审中 → 已公布名单）"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")

    class Meta:
        model = Round
        fields = ["id", "year", "title", "opens_at", "closes_at", "recheck_years", "status", "status_label"]
        read_only_fields = ["status", "status_label"]


class ReviewSerializer(ModelSerializer):
    class Meta:
        model = ReviewScore
        fields = ["id", "reviewer", "scores", "total", "comment", "scored_at"]
        list_serializer_class = ListedRows


class InspectionSerializer(ModelSerializer):
    """实地检查"""

    class Meta:
        model = Inspection
        fields = ["id", "inspected_on", "inspectors", "notes"]
        list_serializer_class = ListedRows


class HomeApplicationSerializer(ModelSerializer):
    """建家申报"""

    school_name = serializers.CharField(source="school.name", read_only=True, label="学校")
    level_label = serializers.CharField(source="get_level_display", read_only=True, label="类别")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    reviews = ReviewSerializer(many=True, read_only=True, label="评审评分")
    inspections = InspectionSerializer(many=True, read_only=True, label="实地检查")
    materials = SubmissionFileSerializer(many=True, read_only=True, label="申报材料")

    class Meta:
        model = HomeApplication
        fields = ["id", "round", "school", "school_name", "level", "level_label", "unit_name", "self_scores",
                  "self_assessment", "status", "status_label", "review_total", "decision_note", "recheck_year",
                  "submitted_at", "reviews", "inspections", "materials"]
        read_only_fields = fields


class SchoolHomeApplicationSerializer(HomeApplicationSerializer):
    """建家申报（学校看不到评审人的逐项评分）"""

    class Meta(HomeApplicationSerializer.Meta):
        fields = [f for f in HomeApplicationSerializer.Meta.fields if f not in ("reviews", "review_total")]
        read_only_fields = fields


class HomeApplicationInputSerializer(Serializer):
    """申报"""

    round = serializers.PrimaryKeyRelatedField(label="评选年度", queryset=Round.objects.all())
    level = serializers.ChoiceField(label="类别", choices=HomeApplication.Level.choices)
    unit_name = serializers.CharField(label="申报单位", max_length=100)
    self_scores = serializers.DictField(label="自评分 {标准编号: 分数}")
    self_assessment = serializers.CharField(label="自评报告", max_length=20000)


class ReviewInputSerializer(Serializer):
    """评审评分"""

    scores = serializers.DictField(label="评分 {标准编号: 分数}")
    comment = serializers.CharField(label="意见", max_length=2000, required=False, allow_blank=True, default="")


class HomeDecisionSerializer(Serializer):
    """确认"""

    confirm = serializers.BooleanField(label="是否确认")
    note = serializers.CharField(label="意见", max_length=2000, required=False, allow_blank=True, default="")
