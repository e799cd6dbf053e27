from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.listed import ListedCharField, ListedIntegerField, ListedPrimaryKeyRelatedField, OncePerResponse
from api.serializers import ModelSerializer, Serializer
from tenants.care.models import BATCH_KINDS, LIFE_EVENT_KINDS, CareBatch, CareKind, CareStandard, CareVisit, LifeEvent
from tenants.finance.models import ExpenseCategory
from tenants.members.models import Branch, Group, Member

AMOUNT_HELP = "元，最多两位小数，如 300.00"


class CareStandardSerializer(ModelSerializer):
    """慰问标准（某一类型自某日起的版本）"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="慰问类型名称")
    category_label = serializers.CharField(source="get_category_display", read_only=True, label="支出科目名称")

    class Meta:
        model = CareStandard
        fields = ["id", "kind", "kind_label", "effective_from", "amount_min", "amount_max", "category",
                  "category_label", "note", "set_by", "set_at"]
        read_only_fields = fields


@extend_schema_field(CareStandardSerializer)  # the schema's component stays CareStandard
class OncePerStandard(OncePerResponse, CareStandardSerializer):
    # A visit's standard, written once per response: a page of visits shares a handful of standards
    # (issue #14: serializing the same 11 fields on every row was a third of the list's cost).
    pass


class CareStandardInputSerializer(Serializer):
    kind = serializers.ChoiceField(label="慰问类型", choices=CareKind.choices)
    effective_from = serializers.DateField(label="生效日期")
    amount_min = serializers.CharField(label="标准金额（下限）", max_length=20, help_text=AMOUNT_HELP)
    amount_max = serializers.CharField(label="标准上限（不填则为固定金额）", max_length=20, required=False,
                                       allow_blank=True)
    category = serializers.ChoiceField(label="支出科目（不填按默认）", choices=ExpenseCategory.choices,
                                       required=False, allow_blank=True)
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True)


class CareSettingsSerializer(Serializer):
    reminder_days = serializers.IntegerField(label="报告后几天未慰问即提醒", min_value=1, max_value=90)


class CareVisitSerializer(ModelSerializer):
    """慰问记录"""

    # the list reads the member's and recorder's columns in its own query (care.selectors.visits_listed)
    member_name = ListedCharField(source="member.name", read_only=True, label="会员姓名")
    branch = ListedIntegerField(source="member.branch_id", read_only=True, label="分工会")
    branch_name = ListedCharField(source="member.branch.name", read_only=True, through_empty=True, label="分工会名称")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="慰问类型名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    standard = OncePerStandard(read_only=True)
    recorded_by = ListedCharField(source="recorded_by.username", read_only=True, default="", through_empty=True,
                                  label="登记人")

    class Meta:
        model = CareVisit
        fields = ["id", "member", "member_name", "branch", "branch_name", "kind", "kind_label", "visited_on",
                  "amount", "visitors", "note", "standard", "above_standard", "reason", "status", "status_label",
                  "decision_reason", "life_event", "batch", "ledger_entry", "recorded_by", "created"]
        read_only_fields = fields


class CareVisitInputSerializer(Serializer):
    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all())
    kind = serializers.ChoiceField(label="慰问类型", choices=CareKind.choices)
    visited_on = serializers.DateField(label="慰问日期")
    amount = serializers.CharField(label="金额", max_length=20, help_text=AMOUNT_HELP)
    visitors = serializers.CharField(label="慰问人", max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(label="备注", max_length=500, required=False, allow_blank=True)
    reason = serializers.CharField(label="超标准原因（金额超出标准时必填）", max_length=500, required=False,
                                   allow_blank=True)
    life_event = serializers.PrimaryKeyRelatedField(label="所慰问的待慰问事项", queryset=LifeEvent.objects.all(),
                                                    required=False, allow_null=True)


class ReasonSerializer(Serializer):
    reason = serializers.CharField(label="原因 / 意见", max_length=300, required=False, allow_blank=True)


class LifeEventSerializer(ModelSerializer):
    """待慰问事项"""

    # the list reads the member's and reporter's columns in its own query (care.selectors.events_listed)
    member_name = ListedCharField(source="member.name", read_only=True, label="会员姓名")
    branch = ListedIntegerField(source="member.branch_id", read_only=True, label="分工会")
    branch_name = ListedCharField(source="member.branch.name", read_only=True, through_empty=True, label="分工会名称")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="事项名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    reported_by = ListedCharField(source="reported_by.username", read_only=True, default="", through_empty=True,
                                  label="报告人")

    class Meta:
        model = LifeEvent
        fields = ["id", "member", "member_name", "branch", "branch_name", "kind", "kind_label", "occurred_on",
                  "note", "origin", "status", "status_label", "close_reason", "reported_by", "reported_at"]
        read_only_fields = fields


class LifeEventInputSerializer(Serializer):
    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all())
    kind = serializers.ChoiceField(label="事项", choices=LIFE_EVENT_KINDS)
    occurred_on = serializers.DateField(label="发生日期")
    note = serializers.CharField(label="情况说明", max_length=500, required=False, allow_blank=True)


class CareBatchSerializer(ModelSerializer):
    """批量慰问"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="慰问类型名称")
    scope_label = serializers.CharField(source="get_scope_display", read_only=True, label="范围名称")
    # the list reads the recorder's username in its own query (care.selectors.batches_listed)
    recorded_by = ListedCharField(source="recorded_by.username", read_only=True, default="", through_empty=True,
                                  label="登记人")
    # the list's branches and groups: api.listed. Declared here rather than by setting
    # serializer_related_field, which would keep api.serializers.fastrow from building the fields once
    branches = ListedPrimaryKeyRelatedField(many=True, read_only=True, label="分工会")
    groups = ListedPrimaryKeyRelatedField(many=True, read_only=True, label="工会小组")

    class Meta:
        model = CareBatch
        fields = ["id", "kind", "kind_label", "title", "visited_on", "per_head", "scope", "scope_label", "branches",
                  "groups", "visitors", "count", "total", "standard", "ledger_entry", "recorded_by", "created"]
        read_only_fields = fields


class CareBatchInputSerializer(Serializer):
    kind = serializers.ChoiceField(label="慰问类型", choices=BATCH_KINDS)
    title = serializers.CharField(label="名称", max_length=100)
    visited_on = serializers.DateField(label="慰问日期")
    per_head = serializers.CharField(label="人均金额", max_length=20, help_text=AMOUNT_HELP)
    scope = serializers.ChoiceField(label="范围", choices=CareBatch.Scope.choices)
    branches = serializers.PrimaryKeyRelatedField(label="分工会", queryset=Branch.objects.all(), many=True,
                                                  required=False)
    groups = serializers.PrimaryKeyRelatedField(label="工会小组", queryset=Group.objects.all(), many=True,
                                                required=False)
    members = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all(), many=True,
                                                 required=False)
    visitors = serializers.CharField(label="慰问人", max_length=200, required=False, allow_blank=True)


class BatchPreviewSerializer(Serializer):
    scope = serializers.ChoiceField(label="范围", choices=CareBatch.Scope.choices)
    branches = serializers.PrimaryKeyRelatedField(label="分工会", queryset=Branch.objects.all(), many=True,
                                                  required=False)
    groups = serializers.PrimaryKeyRelatedField(label="工会小组", queryset=Group.objects.all(), many=True,
                                                required=False)
    members = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all(), many=True,
                                                 required=False)


class BatchPreviewResultSerializer(Serializer):
    count = serializers.IntegerField(label="人数")


class FigureRowSerializer(Serializer):
    count = serializers.IntegerField(label="次数")
    amount = serializers.DecimalField(label="金额", max_digits=14, decimal_places=2)


class KindFigureSerializer(FigureRowSerializer):
    kind = serializers.CharField(label="慰问类型")
    label = serializers.CharField(label="慰问类型名称")


class BranchFigureSerializer(FigureRowSerializer):
    branch = serializers.IntegerField(label="分工会")
    name = serializers.CharField(label="分工会名称")


class CareFiguresSerializer(Serializer):
    year = serializers.IntegerField(label="年度")
    totals = FigureRowSerializer(label="合计")
    by_kind = KindFigureSerializer(many=True, label="按类型")
    by_branch = BranchFigureSerializer(many=True, label="按分工会")
