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


#: every category, income first (the choices of an entry's and a budget line's category)
ALL_CATEGORY_CHOICES = IncomeCategory.choices + ExpenseCategory.choices

#: which categories belong to which kind of entry
CATEGORIES_OF_KIND = {"income": frozenset(IncomeCategory.values), "expense": frozenset(ExpenseCategory.values)}


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        INCOME = "income", "收入"
        EXPENSE = "expense", "支出"

    class Source(models.TextChoices):
        """What produced the entry; with ``source_id`` the books link each entry to its record."""
        MANUAL = "manual", "手工记账"
        SUBSIDY = "subsidy", "上级补助"
        CARE_VISIT = "care_visit", "慰问"
        CARE_BATCH = "care_batch", "批量慰问"
        AID_FEES = "aid_fees", "互助金收缴"
        AID_CLAIM = "aid_claim", "互助金给付"
        ACTIVITY = "activity", "活动"
        TRIP = "trip", "疗休养"
        HEALTH_CHECK = "health_check", "体检"
        AWARD = "award", "评先评优奖励"

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
    source_type = models.CharField("来源类型", max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_id = models.PositiveBigIntegerField("来源记录", null=True, blank=True)
    recorded_by = models.CharField("记账人", max_length=150)
    created = models.DateTimeField("记账时间", default=timezone.now)

    class Meta:
        verbose_name = "收支记录"
        verbose_name_plural = "收支记录"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["occurred_on", "status", "category"], name="ledger_year_status_category"),
                   models.Index(fields=["source_type", "source_id"], name="ledger_source")]

    def __str__(self):
        return f"{self.occurred_on} {self.get_category_display()} {self.amount}"


class Budget(models.Model):
    """The year's budget for one income or expense category (预算)."""

    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("科目", max_length=20, choices=IncomeCategory.choices + ExpenseCategory.choices)
    amount = models.DecimalField("预算金额（元）", max_digits=14, decimal_places=2)
    updated_by = models.CharField("编制人", max_length=150)
    updated = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "年度预算"
        verbose_name_plural = "年度预算"
        ordering = ["-year", "category"]
        constraints = [models.UniqueConstraint(fields=["year", "category"], name="one_budget_per_year_category")]

    def __str__(self):
        return f"{self.year} {self.get_category_display()} {self.amount}"


class ClosedYear(models.Model):
    """A year whose books are closed (年终结账): nothing in it is recorded, changed or approved again."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    closed_by = models.CharField("结账人", max_length=150)
    closed_at = models.DateTimeField("结账时间", default=timezone.now)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "已结账年度"
        verbose_name_plural = "已结账年度"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年度"
