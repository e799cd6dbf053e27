from rest_framework import serializers

from api.listed import ListedCharField, ListedRows
from api.serializers import ModelSerializer, Serializer

from api.serializers.files import SubmissionFileSerializer

from shared.honours.models import HonourCampaign, HonourKind, HonourRecord, ModelWorkerCare, Nomination, Objection


class CampaignSerializer(ModelSerializer):
    """荣誉推荐活动"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="荣誉类别")
    is_collective = serializers.BooleanField(read_only=True, label="集体荣誉（推荐集体而非个人）")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")

    class Meta:
        model = HonourCampaign
        fields = ["id", "kind", "kind_label", "is_collective", "year", "title", "deadline", "default_quota", "status",
                  "status_label", "publicity_starts_on", "publicity_ends_on"]
        read_only_fields = ["status", "publicity_starts_on", "publicity_ends_on"]


class SchoolCampaignSerializer(CampaignSerializer):
    """荣誉推荐活动（含本校名额）"""

    my_quota = serializers.SerializerMethodField(label="本校名额")
    my_used = serializers.SerializerMethodField(label="本校已用")

    class Meta(CampaignSerializer.Meta):
        fields = CampaignSerializer.Meta.fields + ["my_quota", "my_used"]
        read_only_fields = fields

    def get_my_quota(self, campaign) -> int:
        return campaign.school_quota  # annotated by campaigns_for_school()

    def get_my_used(self, campaign) -> int:
        return campaign.school_used


class QuotaSerializer(Serializer):
    """学校名额"""

    school = serializers.SlugField(label="学校站点标识")
    quota = serializers.IntegerField(label="名额", min_value=0, max_value=100)


class ObjectionSerializer(ModelSerializer):
    """公示异议"""

    class Meta:
        model = Objection
        fields = ["id", "content", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_by", "recorded_at"]
        list_serializer_class = ListedRows


class NominationSerializer(ModelSerializer):
    """荣誉推荐"""

    # the list reads these names as plain columns (shared.honours.selectors.nominations_listed)
    school_name = ListedCharField(source="school.name", read_only=True, label="推荐学校")
    campaign_title = ListedCharField(source="campaign.title", read_only=True, label="推荐活动")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    objections = ObjectionSerializer(many=True, read_only=True, label="公示异议")
    attachments = SubmissionFileSerializer(many=True, read_only=True, label="事迹材料附件")
    name = serializers.CharField(read_only=True, label="推荐对象（个人姓名或集体名称）")
    is_collective = serializers.BooleanField(read_only=True, label="集体荣誉")

    class Meta:
        model = Nomination
        fields = ["id", "campaign", "campaign_title", "school", "school_name", "name", "is_collective",
                  "nominee_name", "gender", "birth_date", "title", "post", "unit_name", "leader_name", "leader_post",
                  "deeds", "status", "status_label", "submitted_by", "submitted_at",
                  "review_comment", "decision_note", "objections", "attachments"]
        read_only_fields = ["school", "status", "submitted_by", "submitted_at", "review_comment", "decision_note"]


class NominationInputSerializer(Serializer):
    """推荐人选。个人荣誉填写姓名、性别、出生日期（职称、职务可选）；集体荣誉（五一劳动奖状、工人先锋号）
    填写集体名称、负责人姓名和负责人职务，不填个人信息。"""

    campaign = serializers.PrimaryKeyRelatedField(label="推荐活动", queryset=HonourCampaign.objects.all())
    nominee_name = serializers.CharField(label="姓名（个人荣誉）", max_length=50, required=False, allow_blank=True,
                                         default="")
    gender = serializers.ChoiceField(label="性别（个人荣誉）", choices=[("male", "男"), ("female", "女")],
                                     required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(label="出生日期（个人荣誉）", required=False, allow_null=True, default=None)
    title = serializers.CharField(label="职称（个人荣誉）", max_length=50, required=False, allow_blank=True, default="")
    post = serializers.CharField(label="职务（个人荣誉）", max_length=100, required=False, allow_blank=True, default="")
    unit_name = serializers.CharField(label="集体名称（集体荣誉）", max_length=100, required=False, allow_blank=True,
                                      default="")
    leader_name = serializers.CharField(label="负责人姓名（集体荣誉）", max_length=50, required=False,
                                        allow_blank=True, default="")
    leader_post = serializers.CharField(label="负责人职务（集体荣誉）", max_length=100, required=False,
                                        allow_blank=True, default="")
    deeds = serializers.CharField(label="事迹材料", max_length=20000)


class ReviewSerializer(Serializer):
    """评审"""

    passed = serializers.BooleanField(label="是否通过")
    comment = serializers.CharField(label="评审意见", max_length=2000, required=False, allow_blank=True, default="")


class PublicitySerializer(Serializer):
    """公示期"""

    starts_on = serializers.DateField(label="公示开始")
    ends_on = serializers.DateField(label="公示结束")


class HonourDecisionSerializer(Serializer):
    """决定"""

    award = serializers.BooleanField(label="是否授予")
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class HonourRecordSerializer(ModelSerializer):
    """荣誉获得者"""

    school_name = serializers.CharField(source="school.name", read_only=True, label="学校")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="荣誉")
    is_collective = serializers.BooleanField(read_only=True, label="集体荣誉（person_name 为集体名称）")

    class Meta:
        model = HonourRecord
        fields = ["id", "school", "school_name", "person_name", "kind", "kind_label", "is_collective", "year",
                  "nomination"]
        read_only_fields = fields


class ObjectionInputSerializer(Serializer):
    """公示异议"""

    content = serializers.CharField(label="异议内容", max_length=5000)


class CareInputSerializer(Serializer):
    """劳模关爱"""

    kind = serializers.ChoiceField(label="类别", choices=ModelWorkerCare.Kind.choices)
    given_on = serializers.DateField(label="日期")
    amount = serializers.DecimalField(label="金额（元）", max_digits=10, decimal_places=2, min_value=0, default=0)
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class CareSerializer(ModelSerializer):
    """劳模关爱"""

    class Meta:
        model = ModelWorkerCare
        fields = ["id", "record", "kind", "given_on", "amount", "note", "recorded_by"]
        read_only_fields = ["recorded_by"]


HONOUR_KINDS = HonourKind.choices
