from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer, listed_or

from shared.subsidies.models import Application, Programme
from tenants.finance.models import LedgerEntry


class ProgrammeSerializer(ModelSerializer):
    """补助项目"""

    rule_label = serializers.CharField(source="get_rule_display", read_only=True, label="分配办法")
    allocated = serializers.SerializerMethodField(label="已核定合计")

    class Meta:
        model = Programme
        fields = ["id", "year", "title", "purpose", "pool", "allocated", "opens_at", "closes_at", "rule", "rule_label",
                  "base_amount", "per_member_amount", "report_due_on"]

    def get_allocated(self, programme) -> str:
        from shared.subsidies.services import allocated_total

        # annotated by programmes_with_allocated()
        return str(listed_or(programme, "allocated_sum", lambda: allocated_total(programme)))


class SchoolProgrammeSerializer(ProgrammeSerializer):
    """补助项目（学校看不到其他学校的核定金额）"""

    class Meta(ProgrammeSerializer.Meta):
        fields = [f for f in ProgrammeSerializer.Meta.fields if f != "allocated"]


class BudgetLineSerializer(Serializer):
    item = serializers.CharField(label="项目", max_length=100)
    amount = serializers.DecimalField(label="金额", max_digits=12, decimal_places=2, min_value=0)


class SubsidyApplicationSerializer(ModelSerializer):
    """补助申请"""

    school_name = serializers.CharField(source="school.name", read_only=True, label="申报学校")
    programme_title = serializers.CharField(source="programme.title", read_only=True, label="补助项目")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    suggested_amount = serializers.SerializerMethodField(label="按办法测算金额")
    suggested_basis = serializers.SerializerMethodField(label="测算方法")

    class Meta:
        model = Application
        fields = ["id", "programme", "programme_title", "school", "school_name", "project", "amount_requested",
                  "budget_lines", "member_count", "status", "status_label", "allocated_amount", "suggested_amount",
                  "suggested_basis", "decision_note", "disbursed_at", "income_recorded_at", "report_text",
                  "amount_used", "reported_at", "submitted_by", "submitted_at"]
        read_only_fields = fields

    def get_suggested_amount(self, application) -> str:
        from shared.subsidies.services import suggested_amount

        return str(suggested_amount(application))

    def get_suggested_basis(self, application) -> str:
        from shared.subsidies.services import suggestion

        return suggestion(application).basis


class SubsidyApplicationInputSerializer(Serializer):
    """申报补助"""

    programme = serializers.PrimaryKeyRelatedField(label="补助项目", queryset=Programme.objects.all())
    project = serializers.CharField(label="项目名称", max_length=200)
    amount_requested = serializers.DecimalField(label="申请金额（元）", max_digits=12, decimal_places=2, min_value=0)
    budget_lines = BudgetLineSerializer(label="预算明细", many=True, required=False, default=list)


class AllocateSerializer(Serializer):
    """核定"""

    amount = serializers.DecimalField(label="核定金额（不填则按办法测算）", max_digits=12, decimal_places=2,
                                      min_value=0, required=False, allow_null=True)
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class RejectSerializer(Serializer):
    """不予补助"""

    reason = serializers.CharField(label="原因", max_length=2000, required=False, allow_blank=True, default="")


class ReportSerializer(Serializer):
    """使用情况报告"""

    report_text = serializers.CharField(label="使用情况", max_length=10000)
    amount_used = serializers.DecimalField(label="已使用金额（元）", max_digits=12, decimal_places=2, min_value=0)


class LedgerEntrySerializer(ModelSerializer):
    """收支记录"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="收支")
    category_label = serializers.CharField(source="get_category_display", read_only=True, label="科目")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "kind_label", "category", "category_label", "amount", "occurred_on", "description",
                  "status", "status_label", "source_ref", "recorded_by", "created"]
        read_only_fields = fields
