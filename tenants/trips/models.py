"""疗休养: the school's rules (one row, audited), batches (destination, dates, places, cost per person),
members' applications, the ranked selection with the office's final word, confirmations, replacements."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class TripRules(models.Model):
    """The school's 疗休养 rules (one row; every change is in the audit log)."""

    min_service_years = models.PositiveSmallIntegerField("最低工龄（年）", default=5)
    rotation_years = models.PositiveSmallIntegerField("轮换年限（年内不重复参加）", default=3)
    prefer_front_line = models.BooleanField("一线教职工优先", default=True)
    prefer_model_workers = models.BooleanField("劳动模范优先", default=True)
    prefer_award_winners = models.BooleanField("获评先进者优先", default=True)
    award_years = models.PositiveSmallIntegerField("获评先进的年限（近几年）", default=3)
    updated_by = models.CharField("修改人", max_length=150, blank=True)
    updated = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "疗休养规则"
        verbose_name_plural = "疗休养规则"


class TripBatch(models.Model):
    """一批疗休养: where, when, how many places, what it costs the union per person."""

    class Status(models.TextChoices):
        OPEN = "open", "报名中"
        SELECTING = "selecting", "遴选中"
        CONFIRMED = "confirmed", "名单已确定"
        TRAVELLED = "travelled", "已出行"
        CANCELLED = "cancelled", "已取消"

    title = models.CharField("批次名称", max_length=100)
    destination = models.CharField("目的地", max_length=100)
    starts_on = models.DateField("出发日期")
    ends_on = models.DateField("返回日期")
    places = models.PositiveIntegerField("名额")
    cost_per_person = models.DecimalField("人均费用（元）", max_digits=10, decimal_places=2)
    applications_open_on = models.DateField("报名开始")
    applications_close_on = models.DateField("报名截止")
    note = models.CharField("说明", max_length=500, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    ledger_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="收支记录", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "疗休养批次"
        verbose_name_plural = "疗休养批次"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class TripApplication(models.Model):
    """A member's application to one batch, and what became of it."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已申请"
        SELECTED = "selected", "已入选（待确认）"
        CONFIRMED = "confirmed", "已确认参加"
        DECLINED = "declined", "已放弃"
        NOT_SELECTED = "not_selected", "未入选"
        WITHDRAWN = "withdrawn", "已撤回"

    batch = models.ForeignKey(TripBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="applications")
    member = models.ForeignKey("members.Member", verbose_name="会员", on_delete=models.PROTECT,
                               related_name="trip_applications")
    status = models.CharField("状态", max_length=14, choices=Status.choices, default=Status.APPLIED,
                              db_index=True)
    note = models.CharField("申请说明", max_length=300, blank=True)
    decision_reason = models.CharField("遴选说明", max_length=300, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    offered_at = models.DateTimeField("入选时间", null=True, blank=True)
    is_replacement = models.BooleanField("替补入选", default=False)

    class Meta:
        verbose_name = "疗休养申请"
        verbose_name_plural = "疗休养申请"
        ordering = ["batch_id", "applied_at", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "member"], name="one_trip_application_per_batch")]

    def __str__(self):
        return f"{self.member.name} · {self.batch.title}"
