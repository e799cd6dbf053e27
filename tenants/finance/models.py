"""The school union's books. Amounts are yuan as Decimal with two places, never floats."""
from django.db import models
from django.utils import timezone


class IncomeCategory(models.TextChoices):
    DUES = "dues", "会费收入"
    ALLOCATION = "allocation", "拨缴经费收入"
    HIGHER_SUBSIDY = "higher_subsidy", "上级补助收入"
    ADMIN_SUBSIDY = "admin_subsidy", "行政补助收入"
    OTHER_INCOME = "other_income", "其他收入"


class ExpenseCategory(models.TextChoices):
    ACTIVITIES = "activities", "职工活动支出"
    RIGHTS = "rights", "维权支出"
    OPERATIONS = "operations", "业务支出"
    CAPITAL = "capital", "资本性支出"
    SUBSIDY_OUT = "subsidy_out", "补助下级支出"
    OTHER_EXPENSE = "other_expense", "其他支出"


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        INCOME = "income", "收入"
        EXPENSE = "expense", "支出"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已审批"
        REJECTED = "rejected", "已退回"

    kind = models.CharField("收支", max_length=8, choices=Kind.choices)
    category = models.CharField("科目", max_length=20,
                                choices=IncomeCategory.choices + ExpenseCategory.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    occurred_on = models.DateField("日期")
    description = models.CharField("摘要", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    # Entries written by the platform carry the key of what produced them, so writing twice is a no-op.
    source_ref = models.CharField("来源", max_length=100, null=True, blank=True, unique=True)
    recorded_by = models.CharField("记账人", max_length=150)
    created = models.DateTimeField("记账时间", default=timezone.now)

    class Meta:
        verbose_name = "收支记录"
        verbose_name_plural = "收支记录"
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"{self.occurred_on} {self.get_category_display()} {self.amount}"
