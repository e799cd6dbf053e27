"""The union's books: entries, budget lines, budget vs actual, closed years."""
from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer
from tenants.finance.models import Budget, ClosedYear, LedgerEntry
from tenants.finance.services import entry_version


class BooksEntrySerializer(ModelSerializer):
    """收支记录"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="收支")
    category_label = serializers.CharField(source="get_category_display", read_only=True, label="科目")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    source_type_label = serializers.CharField(source="get_source_type_display", read_only=True, label="来源类型")
    version = serializers.SerializerMethodField(label="版本（审批时带上，防止批准读取后被修改的记录）")

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "kind_label", "category", "category_label", "amount", "occurred_on", "description",
                  "status", "status_label", "source_type", "source_type_label", "source_id", "source_ref",
                  "recorded_by", "created", "version"]
        read_only_fields = fields


    def get_version(self, entry) -> str:
        return entry_version(entry)


class BooksEntryInputSerializer(Serializer):
    """记一笔 / 修改收支。金额按文本读取：最多两位小数，0.01 至 99,999,999.99 元。"""

    kind = serializers.CharField(label="收支（income 收入 / expense 支出）", max_length=20)
    category = serializers.CharField(label="科目", max_length=20)
    amount = serializers.CharField(label="金额（元）", max_length=40)
    occurred_on = serializers.DateField(label="日期")
    description = serializers.CharField(label="摘要", max_length=2000, allow_blank=True)


class BooksApproveSerializer(Serializer):
    """审批通过"""

    version = serializers.CharField(label="读取记录时的 version（可选；不一致时 409）", max_length=16, required=False,
                                    allow_blank=True, default="")


class BooksRejectSerializer(Serializer):
    """退回"""

    reason = serializers.CharField(label="原因", max_length=2000, required=False, allow_blank=True, default="")


class BooksResubmitSerializer(Serializer):
    """重新提交"""

    reason = serializers.CharField(label="说明", max_length=300, required=False, allow_blank=True, default="")


class BudgetSerializer(ModelSerializer):
    """年度预算"""

    category_label = serializers.CharField(source="get_category_display", read_only=True, label="科目")

    class Meta:
        model = Budget
        fields = ["id", "year", "category", "category_label", "amount", "updated_by", "updated"]
        read_only_fields = fields


class BudgetGridSerializer(Serializer):
    """编制一个年度的预算：amounts 为 {科目: 金额}；金额留空即取消该科目的预算。任何一项有误则全部不保存。"""

    year = serializers.IntegerField(label="年度")
    amounts = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True, max_length=40),
                                    label="各科目预算金额（元）", allow_empty=True)


class YearQuerySerializer(Serializer):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class SummaryRowSerializer(Serializer):
    kind = serializers.CharField(label="收支")
    category = serializers.CharField(label="科目")
    label = serializers.CharField(label="科目名称")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, label="预算数")
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, label="决算数（已审批）")
    entries = serializers.IntegerField(label="已审批笔数")
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True, label="预算完成 %")
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, label="预算余额")
    pending = serializers.DecimalField(max_digits=14, decimal_places=2, label="待审批金额")
    pending_count = serializers.IntegerField(label="待审批笔数")


class SummaryTotalSerializer(Serializer):
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, label="预算合计")
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, label="决算合计")
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True, label="预算完成 %")
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, label="预算余额")
    pending = serializers.DecimalField(max_digits=14, decimal_places=2, label="待审批金额")
    pending_count = serializers.IntegerField(label="待审批笔数")
    entries = serializers.IntegerField(label="已审批笔数")


class SummaryTotalsSerializer(Serializer):
    income = SummaryTotalSerializer(label="收入合计")
    expense = SummaryTotalSerializer(label="支出合计")


class BooksSummarySerializer(Serializer):
    """预算执行情况（只计已审批的收支）"""

    year = serializers.IntegerField(label="年度")
    closed = serializers.BooleanField(label="已结账")
    income = SummaryRowSerializer(many=True, label="收入科目")
    expense = SummaryRowSerializer(many=True, label="支出科目")
    totals = SummaryTotalsSerializer(label="合计")
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, label="收支结余（收入 − 支出）")
    budget_balance = serializers.DecimalField(max_digits=14, decimal_places=2, label="预算结余")


class ClosedYearSerializer(ModelSerializer):
    """已结账年度"""

    class Meta:
        model = ClosedYear
        fields = ["id", "year", "closed_by", "closed_at", "note"]
        read_only_fields = fields


class ClosedYearInputSerializer(Serializer):
    """年终结账：该年度没有待审批的收支时才能结账；结账后该年度不再记账、修改、审批或编制预算。"""

    year = serializers.IntegerField(label="年度")
    note = serializers.CharField(label="说明", max_length=300, required=False, allow_blank=True, default="")
