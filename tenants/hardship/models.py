"""困难教职工档案 (hardship register): levels, cases, household members, yearly reviews.

Confidential: only HARDSHIP_READERS open these records, and every read of a case is audited
(tenants/hardship/services.py case_read).
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.members.models import Member


class HardshipLevel(models.Model):
    """A level of hardship the school uses (特困 / 困难 / 相对困难 by default; the office may add or rename)."""

    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "困难等级"
        verbose_name_plural = "困难等级"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Cause(models.TextChoices):
    ILLNESS = "illness", "本人或家属患重病"
    DISABILITY = "disability", "本人或家属残疾"
    SINGLE_PARENT = "single_parent", "单亲家庭"
    DISASTER = "disaster", "遭受灾害或意外"
    UNEMPLOYMENT = "unemployment", "家属失业或无收入"
    EDUCATION = "education", "子女就学负担重"
    OTHER = "other", "其他"


class HardshipCase(models.Model):
    """One member's hardship file; a member has at most one open (在册) case."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在册"
        CLOSED = "closed", "已脱困"

    member = models.ForeignKey(Member, verbose_name="会员", on_delete=models.PROTECT, related_name="hardship_cases")
    level = models.ForeignKey(HardshipLevel, verbose_name="困难等级", on_delete=models.PROTECT, related_name="cases")
    cause = models.CharField("致困原因", max_length=20, choices=Cause.choices)
    cause_detail = models.TextField("致困情况说明", blank=True)
    registered_on = models.DateField("建档日期")
    next_review_on = models.DateField("下次复核日期", db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    closed_on = models.DateField("脱困日期", null=True, blank=True)
    household_size = models.PositiveSmallIntegerField("家庭人口", default=0)
    household_income = models.DecimalField("家庭月收入合计（元）", max_digits=12, decimal_places=2, default=0)
    per_capita_income = models.DecimalField("家庭人均月收入（元）", max_digits=12, decimal_places=2, default=0)
    created_by = models.CharField("建档人", max_length=150)
    created_at = models.DateTimeField("建档时间", default=timezone.now)

    class Meta:
        verbose_name = "困难教职工档案"
        verbose_name_plural = "困难教职工档案"
        ordering = ["next_review_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(status="active"),
                                    name="one_open_hardship_case_per_member"),
        ]

    def __str__(self):
        return f"困难档案 #{self.pk}"

    @property
    def review_overdue(self) -> bool:
        return self.status == self.Status.ACTIVE and self.next_review_on < timezone.localdate()


class HouseholdMember(models.Model):
    case = models.ForeignKey(HardshipCase, verbose_name="档案", on_delete=models.CASCADE, related_name="household")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与本人关系", max_length=20)
    age = models.PositiveSmallIntegerField("年龄")
    occupation = models.CharField("职业或状况", max_length=60, blank=True)
    monthly_income = models.DecimalField("月收入（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["case_id", "id"]

    def __str__(self):
        return f"家庭成员 #{self.pk}"


class HardshipReview(models.Model):
    """The yearly review (年度复核): keep the level, change it, or close the case."""

    class Outcome(models.TextChoices):
        KEEP = "keep", "维持等级"
        CHANGE = "change", "调整等级"
        CLOSE = "close", "脱困销档"

    case = models.ForeignKey(HardshipCase, verbose_name="档案", on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("复核日期")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reviewer_name = models.CharField("复核人", max_length=150)
    outcome = models.CharField("复核结论", max_length=10, choices=Outcome.choices)
    level_before = models.ForeignKey(HardshipLevel, verbose_name="原等级", on_delete=models.PROTECT, related_name="+")
    level_after = models.ForeignKey(HardshipLevel, verbose_name="复核后等级", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("复核意见", blank=True)
    next_review_on = models.DateField("下次复核日期", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "年度复核"
        verbose_name_plural = "年度复核"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"复核 #{self.pk}"
