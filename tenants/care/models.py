"""帮扶慰问: care standards (versioned by date), visits, life events reported by branches, batch visits."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.finance.models import ExpenseCategory


class CareKind(models.TextChoices):
    CHILDBIRTH = "childbirth", "生育"
    HOSPITAL = "hospital", "生病住院"
    BEREAVEMENT = "bereavement", "直系亲属去世"
    MARRIAGE = "marriage", "结婚"
    RETIREMENT = "retirement", "退休"
    HOLIDAY = "holiday", "节日慰问"
    SUMMER = "summer", "送清凉"
    WINTER = "winter", "送温暖"
    BIRTHDAY = "birthday", "生日"
    HARDSHIP = "hardship", "困难帮扶"
    ILLNESS = "illness", "大病救助"


#: 五必访: the five life events the union always visits
FIVE_VISITS = frozenset({CareKind.CHILDBIRTH, CareKind.HOSPITAL, CareKind.BEREAVEMENT, CareKind.MARRIAGE,
                         CareKind.RETIREMENT})
#: aid that tells who is in hardship or seriously ill: for the union office and its 帮扶专干 only
#: (like the hardship register), never in a branch chair's view
CONFIDENTIAL_KINDS = frozenset({CareKind.HARDSHIP, CareKind.ILLNESS})
#: what a branch chair may report as a life event
LIFE_EVENT_KINDS = [(k.value, k.label) for k in CareKind if k in FIVE_VISITS]
#: what a batch visit may be
BATCH_KINDS = [(k.value, k.label) for k in (CareKind.HOLIDAY, CareKind.SUMMER, CareKind.WINTER, CareKind.BIRTHDAY)]

#: the expense category each kind books to unless the school says otherwise. 五必访, 生日 and 节日慰问
#: are 职工活动支出; 困难帮扶, 送温暖 and 大病救助 are 维权支出; 送清凉 is 劳动保护 (防暑降温) for staff
#: on duty in summer, which union accounting books under 维权支出 (劳动保护费) too.
DEFAULT_CATEGORY = {
    **{kind: ExpenseCategory.ACTIVITIES for kind in FIVE_VISITS},
    CareKind.BIRTHDAY: ExpenseCategory.ACTIVITIES,
    CareKind.HOLIDAY: ExpenseCategory.ACTIVITIES,
    CareKind.HARDSHIP: ExpenseCategory.RIGHTS,
    CareKind.WINTER: ExpenseCategory.RIGHTS,
    CareKind.ILLNESS: ExpenseCategory.RIGHTS,
    CareKind.SUMMER: ExpenseCategory.RIGHTS,
}


class CareStandard(models.Model):
    """慰问标准 of one kind from a date on. A change adds a version; a visit keeps the one it was paid under."""

    kind = models.CharField("慰问类型", max_length=20, choices=CareKind.choices)
    effective_from = models.DateField("生效日期")
    amount_min = models.DecimalField("标准下限（元）", max_digits=10, decimal_places=2)
    amount_max = models.DecimalField("标准上限（元）", max_digits=10, decimal_places=2)
    category = models.CharField("支出科目", max_length=20, choices=ExpenseCategory.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.CharField("设置人", max_length=150)
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "慰问标准"
        verbose_name_plural = "慰问标准"
        ordering = ["kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="one_care_standard_per_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_label}（{self.effective_from} 起）"

    @property
    def amount_label(self) -> str:
        if self.amount_min == self.amount_max:
            return f"{self.amount_max} 元"
        return f"{self.amount_min}–{self.amount_max} 元"


class CareSettings(models.Model):
    """The school's care settings (one row)."""

    reminder_days = models.PositiveSmallIntegerField("慰问提醒天数", default=7)
    updated_by = models.CharField("修改人", max_length=150, blank=True)
    updated = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "慰问设置"
        verbose_name_plural = "慰问设置"


class CareBatch(models.Model):
    """批量慰问: one visit per person, one entry in the books for the total."""

    class Scope(models.TextChoices):
        ALL = "all", "全体在会会员"
        BRANCHES = "branches", "指定分工会"
        GROUPS = "groups", "指定工会小组"
        MEMBERS = "members", "指定会员"

    kind = models.CharField("慰问类型", max_length=20, choices=CareKind.choices)
    title = models.CharField("名称", max_length=100)
    visited_on = models.DateField("慰问日期")
    per_head = models.DecimalField("人均金额（元）", max_digits=10, decimal_places=2)
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    branches = models.ManyToManyField("members.Branch", verbose_name="分工会", blank=True, related_name="+")
    groups = models.ManyToManyField("members.Group", verbose_name="工会小组", blank=True, related_name="+")
    visitors = models.CharField("慰问人", max_length=200, blank=True)
    count = models.PositiveIntegerField("人数")
    total = models.DecimalField("合计金额（元）", max_digits=14, decimal_places=2)
    standard = models.ForeignKey(CareStandard, verbose_name="慰问标准", on_delete=models.PROTECT, related_name="+")
    ledger_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="收支记录", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "批量慰问"
        verbose_name_plural = "批量慰问"
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return self.title


class LifeEvent(models.Model):
    """A member's life event (住院, 生育 …) reported so the union office visits."""

    class Status(models.TextChoices):
        REPORTED = "reported", "待慰问"
        VISITED = "visited", "已慰问"
        CLOSED = "closed", "已关闭"

    class Origin(models.TextChoices):
        BRANCH = "branch", "分工会报告"
        RETIREMENT = "retirement", "会员退休"

    member = models.ForeignKey("members.Member", verbose_name="会员", on_delete=models.PROTECT,
                               related_name="life_events")
    kind = models.CharField("事项", max_length=20, choices=LIFE_EVENT_KINDS)
    occurred_on = models.DateField("发生日期")
    note = models.CharField("情况说明", max_length=500, blank=True)
    origin = models.CharField("来源", max_length=12, choices=Origin.choices, default=Origin.BRANCH)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.REPORTED,
                              db_index=True)
    close_reason = models.CharField("关闭原因", max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField("报告时间", default=timezone.now)
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = "待慰问事项"
        verbose_name_plural = "待慰问事项"
        ordering = ["-reported_at", "-id"]

    def __str__(self):
        return f"{self.member.name} {self.get_kind_display()}"


class CareVisit(models.Model):
    """One visit to one member. Within the standard it is recorded (已登记) and booked at once;
    above it, it waits for the union office's approval (待审批) and is booked when approved."""

    class Status(models.TextChoices):
        RECORDED = "recorded", "已登记"
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    member = models.ForeignKey("members.Member", verbose_name="会员", on_delete=models.PROTECT,
                               related_name="care_visits")
    kind = models.CharField("慰问类型", max_length=20, choices=CareKind.choices)
    visited_on = models.DateField("慰问日期")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    visitors = models.CharField("慰问人", max_length=200, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    standard = models.ForeignKey(CareStandard, verbose_name="慰问标准", on_delete=models.PROTECT,
                                 related_name="visits")
    above_standard = models.BooleanField("超出标准", default=False)
    reason = models.CharField("超标准原因", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RECORDED,
                              db_index=True)
    decision_reason = models.CharField("审批意见", max_length=300, blank=True)
    life_event = models.ForeignKey(LifeEvent, verbose_name="待慰问事项", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="visits")
    batch = models.ForeignKey(CareBatch, verbose_name="批量慰问", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="visits")
    ledger_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="收支记录", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "慰问记录"
        verbose_name_plural = "慰问记录"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on", "kind"], name="care_visit_date_kind")]

    def __str__(self):
        return f"{self.member.name} {self.get_kind_display()} {self.visited_on}"
