from rest_framework import serializers

from api.listed import ListedCharField
from api.serializers import ModelSerializer, Serializer, listed_or
from tenants.members.models import Member
from tenants.trips.models import TripApplication, TripBatch, TripRules

AMOUNT_HELP = "元，最多两位小数，如 3000.00"


class TripRulesSerializer(ModelSerializer):
    """疗休养规则（每校一份，修改记入操作日志）"""

    class Meta:
        model = TripRules
        fields = ["min_service_years", "rotation_years", "prefer_front_line", "prefer_model_workers",
                  "prefer_award_winners", "award_years", "updated_by", "updated"]
        read_only_fields = ["updated_by", "updated"]
        extra_kwargs = {name: {"required": False} for name in fields}


class TripBatchSerializer(ModelSerializer):
    """疗休养批次"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    holding = serializers.SerializerMethodField(label="已入选人数（含待确认）")

    class Meta:
        model = TripBatch
        fields = ["id", "title", "destination", "starts_on", "ends_on", "places", "holding", "cost_per_person",
                  "applications_open_on", "applications_close_on", "note", "status", "status_label",
                  "ledger_entry", "created"]
        read_only_fields = fields

    def get_holding(self, batch) -> int:
        from tenants.trips.selectors import holding_count

        # annotated by the list (selectors.batches_with_holding)
        return listed_or(batch, "holding_taken", lambda: holding_count(batch))


class TripBatchInputSerializer(Serializer):
    title = serializers.CharField(label="批次名称", max_length=100)
    destination = serializers.CharField(label="目的地", max_length=100)
    starts_on = serializers.DateField(label="出发日期")
    ends_on = serializers.DateField(label="返回日期")
    places = serializers.CharField(label="名额", max_length=10)
    cost_per_person = serializers.CharField(label="人均费用", max_length=20, help_text=AMOUNT_HELP)
    applications_open_on = serializers.DateField(label="报名开始")
    applications_close_on = serializers.DateField(label="报名截止")
    note = serializers.CharField(label="说明", max_length=500, required=False, allow_blank=True)


class TripPlacesSerializer(Serializer):
    places = serializers.CharField(label="名额", max_length=10)


class TripReasonSerializer(Serializer):
    reason = serializers.CharField(label="原因 / 说明", max_length=300, required=False, allow_blank=True,
                                   default="")


class TripApplicationSerializer(ModelSerializer):
    """疗休养申请"""

    # the list reads these names as plain columns (selectors.applications_listed)
    member_name = ListedCharField(source="member.name", read_only=True, label="会员姓名")
    branch_name = ListedCharField(source="member.branch.name", read_only=True, label="分工会")
    batch_title = ListedCharField(source="batch.title", read_only=True, label="批次名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")

    class Meta:
        model = TripApplication
        fields = ["id", "batch", "batch_title", "member", "member_name", "branch_name", "status", "status_label",
                  "note", "decision_reason", "is_replacement", "applied_at", "offered_at"]
        read_only_fields = fields


class TripApplicationInputSerializer(Serializer):
    batch = serializers.PrimaryKeyRelatedField(label="批次", queryset=TripBatch.objects.all())
    member = serializers.PrimaryKeyRelatedField(label="会员（不填：本人）", queryset=Member.objects.all(),
                                                required=False, allow_null=True)
    note = serializers.CharField(label="申请说明", max_length=300, required=False, allow_blank=True, default="")


class TripRankingRowSerializer(Serializer):
    application = serializers.IntegerField(source="application.id", label="申请编号")
    member = serializers.IntegerField(source="application.member_id", label="会员编号")
    member_name = serializers.CharField(source="application.member.name", label="会员姓名")
    branch_name = serializers.CharField(source="application.member.branch.name", label="分工会")
    status = serializers.CharField(source="application.status", label="状态")
    rank = serializers.IntegerField(label="排序（不符合条件为 0）")
    priorities = serializers.ListField(child=serializers.CharField(), label="优先条件")
    service_years = serializers.IntegerField(label="工龄（年）")
    service_estimated = serializers.BooleanField(label="工龄按入会日期估算")
    last_trip_year = serializers.IntegerField(allow_null=True, label="上次疗休养年份")
    problems = serializers.ListField(child=serializers.CharField(), label="不符合的规则")
    explanation = serializers.CharField(label="排序说明")
