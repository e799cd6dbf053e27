"""Serializers of the hardship register. Lists show only name, branch, level and review dates;
the household and incomes are in the detail, whose every read is audited."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.listed import ListedCharField, ListedIntegerField
from api.serializers import ModelSerializer, Serializer
from tenants.hardship.aid import aid_given
from tenants.hardship.models import Cause, HardshipCase, HardshipLevel, HardshipReview, HouseholdMember


class HardshipLevelSerializer(ModelSerializer):
    """困难等级"""

    class Meta:
        model = HardshipLevel
        fields = ["id", "name", "sort_order", "is_active"]
        # Duplicates are the service's to refuse (409 in Chinese), not the serializer's.
        extra_kwargs = {"name": {"validators": []}, "sort_order": {"required": False},
                        "is_active": {"required": False}}


class HardshipCaseListSerializer(ModelSerializer):
    """困难档案（列表：不含家庭成员与收入）"""

    # the list reads these as plain columns (hardship.selectors.cases_listed)
    member_name = ListedCharField(source="member.name", read_only=True, label="姓名")
    branch = ListedIntegerField(source="member.branch_id", read_only=True, label="分工会编号")
    branch_name = ListedCharField(source="member.branch.name", read_only=True, label="分工会")
    level_name = ListedCharField(source="level.name", read_only=True, label="困难等级")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    review_overdue = serializers.BooleanField(read_only=True, label="复核已逾期")

    class Meta:
        model = HardshipCase
        fields = ["id", "member", "member_name", "branch", "branch_name", "level", "level_name", "status",
                  "status_label", "registered_on", "next_review_on", "closed_on", "review_overdue"]
        read_only_fields = fields


class HouseholdMemberSerializer(ModelSerializer):
    """家庭成员"""

    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "age", "occupation", "monthly_income"]
        read_only_fields = fields


class HardshipReviewSerializer(ModelSerializer):
    """年度复核"""

    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True, label="复核结论")
    level_before_name = serializers.CharField(source="level_before.name", read_only=True, label="原等级")
    level_after_name = serializers.CharField(source="level_after.name", read_only=True, label="复核后等级")

    class Meta:
        model = HardshipReview
        fields = ["id", "reviewed_on", "reviewer_name", "outcome", "outcome_label", "level_before",
                  "level_before_name", "level_after", "level_after_name", "note", "next_review_on", "recorded_at"]
        read_only_fields = fields


class AidGivenSerializer(Serializer):
    """一条帮扶记录（慰问或互助金）"""

    kind = serializers.ChoiceField(choices=[("care_visit", "慰问"), ("aid_claim", "互助金")], label="类型")
    kind_label = serializers.CharField(label="类型名称")
    id = serializers.IntegerField(label="记录编号（/api/v1/care/visits/ 或 /api/v1/mutual-aid/claims/）")
    text = serializers.CharField(label="摘要")
    date = serializers.DateField(label="日期")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, label="金额（元）")


class HardshipCaseSerializer(HardshipCaseListSerializer):
    """困难档案（详情：每次读取都写入审计记录）"""

    member_employee_number = serializers.CharField(source="member.employee_number", read_only=True, label="工号")
    cause_label = serializers.CharField(source="get_cause_display", read_only=True, label="致困原因")
    household = HouseholdMemberSerializer(many=True, read_only=True, label="家庭成员")
    reviews = HardshipReviewSerializer(many=True, read_only=True, label="年度复核")
    aid = serializers.SerializerMethodField(label="帮扶记录")

    class Meta(HardshipCaseListSerializer.Meta):
        fields = [*HardshipCaseListSerializer.Meta.fields, "member_employee_number", "cause", "cause_label",
                  "cause_detail", "household_size", "household_income", "per_capita_income", "household",
                  "reviews", "aid", "created_by", "created_at"]
        read_only_fields = fields


    @extend_schema_field(AidGivenSerializer(many=True))
    def get_aid(self, case) -> list[dict]:
        return AidGivenSerializer(aid_given(case.member), many=True).data


class HouseholdInputSerializer(Serializer):
    """一位家庭成员（含本人）"""

    name = serializers.CharField(label="姓名", allow_blank=True)
    relation = serializers.CharField(label="与本人关系", allow_blank=True)
    age = serializers.IntegerField(label="年龄")
    occupation = serializers.CharField(label="职业或状况", required=False, allow_blank=True, default="")
    monthly_income = serializers.CharField(label="月收入（元，最多两位小数）")


class HardshipCaseInputSerializer(Serializer):
    member = serializers.IntegerField(label="会员编号")
    level = serializers.IntegerField(label="困难等级编号")
    cause = serializers.ChoiceField(label="致困原因", choices=Cause.choices)
    cause_detail = serializers.CharField(label="致困情况说明（原因为“其他”时必填）", required=False, allow_blank=True,
                                         default="")
    registered_on = serializers.DateField(label="建档日期（默认今天）", required=False, allow_null=True, default=None)
    household = HouseholdInputSerializer(many=True, label="家庭成员（含本人）")


class HardshipReviewInputSerializer(Serializer):
    outcome = serializers.ChoiceField(label="复核结论", choices=HardshipReview.Outcome.choices)
    level = serializers.IntegerField(label="新的困难等级编号（调整等级时）", required=False, allow_null=True, default=None)
    note = serializers.CharField(label="复核意见（脱困销档时必填）", required=False, allow_blank=True, default="")
    reviewed_on = serializers.DateField(label="复核日期（默认今天）", required=False, allow_null=True, default=None)


class HardshipReasonSerializer(Serializer):
    reason = serializers.CharField(label="原因", required=False, allow_blank=True, default="")
