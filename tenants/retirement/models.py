"""荣休: the year's retirees (from members' status changes) gathered into a ceremony record."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class Ceremony(models.Model):
    """A 荣休 ceremony: its date, place and, once recorded, the final list of those honoured."""

    class Status(models.TextChoices):
        DRAFT = "draft", "筹备中"
        RECORDED = "recorded", "已记录"

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("名称", max_length=100)
    held_on = models.DateField("仪式日期")
    place = models.CharField("地点", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("创建时间", default=timezone.now)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)

    class Meta:
        verbose_name = "荣休仪式"
        verbose_name_plural = "荣休仪式"
        ordering = ["-year", "-held_on", "-id"]

    def __str__(self):
        return self.title


class Honouree(models.Model):
    """A retiree on a ceremony's list. Taken off the list, the row stays (excluded, with the reason)
    so that gathering the year's retirees again does not put them back."""

    class Source(models.TextChoices):
        STATUS_CHANGE = "status", "本年度退休"
        ADDED = "added", "校工会添加"

    ceremony = models.ForeignKey(Ceremony, verbose_name="荣休仪式", on_delete=models.CASCADE,
                                 related_name="honourees")
    member = models.ForeignKey("members.Member", verbose_name="会员", on_delete=models.PROTECT,
                               related_name="retirement_honours")
    retired_on = models.DateField("退休日期", null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.STATUS_CHANGE)
    reason = models.CharField("添加原因", max_length=300, blank=True)
    excluded = models.BooleanField("已移出名单", default=False)
    exclude_reason = models.CharField("移出原因", max_length=300, blank=True)
    updated = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "荣休人员"
        verbose_name_plural = "荣休人员"
        ordering = ["member__branch_id", "member__employee_number"]
        constraints = [models.UniqueConstraint(fields=["ceremony", "member"], name="one_honour_per_ceremony")]

    def __str__(self):
        return f"{self.member.name}（{self.ceremony.title}）"
