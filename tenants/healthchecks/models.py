"""年度体检: one health check a year, its batches (date, place, gender, age range, places), each
eligible member's assignment to a batch, attendance and the women's special checks (女教职工特殊检查)."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class HealthCheck(models.Model):
    """The school's yearly health check (one per year)."""

    class Status(models.TextChoices):
        PLANNING = "planning", "筹备中"
        OPEN = "open", "进行中"
        FINISHED = "finished", "已结束"

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=100)
    provider = models.CharField("体检机构", max_length=100, blank=True)
    notes = models.TextField("说明", blank=True)
    #: the items of the women's special check; blank: this year's check has none
    womens_special_items = models.CharField("女教职工特殊检查项目", max_length=200, blank=True)
    include_retirees = models.BooleanField("退休会员参加", default=False)
    include_contract = models.BooleanField("非编、人事代理会员参加", default=True)
    allow_change_requests = models.BooleanField("允许会员申请调整批次", default=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNING, db_index=True)
    cost = models.DecimalField("工会承担费用（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    ledger_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="收支记录", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "年度体检"
        verbose_name_plural = "年度体检"
        ordering = ["-year"]

    def __str__(self):
        return self.title


class Gender(models.TextChoices):
    ANY = "any", "不限"
    MALE = "male", "男"
    FEMALE = "female", "女"


class HealthCheckBatch(models.Model):
    """A batch: a date and place, for a gender and an age range, with a number of places."""

    health_check = models.ForeignKey(HealthCheck, verbose_name="年度体检", on_delete=models.CASCADE,
                                     related_name="batches")
    name = models.CharField("批次名称", max_length=60)
    date = models.DateField("体检日期")
    time = models.CharField("时间", max_length=40, blank=True)
    place = models.CharField("地点", max_length=100)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, default=Gender.ANY)
    age_min = models.PositiveSmallIntegerField("最小年龄", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("最大年龄", null=True, blank=True)
    places = models.PositiveIntegerField("名额")
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "体检批次"
        verbose_name_plural = "体检批次"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.name}（{self.date:%m月%d日}）"

    @property
    def rule_label(self) -> str:
        parts = [] if self.gender == Gender.ANY else [f"{self.get_gender_display()}"]
        if self.age_min is not None and self.age_max is not None:
            parts.append(f"{self.age_min}–{self.age_max} 岁")
        elif self.age_min is not None:
            parts.append(f"{self.age_min} 岁及以上")
        elif self.age_max is not None:
            parts.append(f"{self.age_max} 岁及以下")
        return "，".join(parts) or "不限"


class Attendance(models.TextChoices):
    PENDING = "pending", "未登记"
    CHECKED = "checked", "已体检"
    ABSENT = "absent", "未参加"


class HealthCheckAssignment(models.Model):
    """One eligible member in this year's check: their batch (none while no batch fits), whether they
    were checked, the women's special check, and a pending request to change batch."""

    health_check = models.ForeignKey(HealthCheck, verbose_name="年度体检", on_delete=models.CASCADE,
                                     related_name="assignments")
    member = models.ForeignKey("members.Member", verbose_name="会员", on_delete=models.PROTECT,
                               related_name="health_check_assignments")
    batch = models.ForeignKey(HealthCheckBatch, verbose_name="批次", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="assignments")
    attendance = models.CharField("体检情况", max_length=10, choices=Attendance.choices, default=Attendance.PENDING,
                                  db_index=True)
    checked_on = models.DateField("体检日期", null=True, blank=True)
    womens_special = models.BooleanField("女教职工特殊检查", default=False)
    special_done = models.BooleanField("特殊检查已完成", default=False)
    move_reason = models.CharField("调整原因", max_length=300, blank=True)
    requested_batch = models.ForeignKey(HealthCheckBatch, verbose_name="申请调整到", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    request_reason = models.CharField("申请原因", max_length=300, blank=True)
    requested_at = models.DateTimeField("申请时间", null=True, blank=True)
    updated = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "体检安排"
        verbose_name_plural = "体检安排"
        ordering = ["batch__date", "member__branch_id", "member__employee_number"]
        constraints = [models.UniqueConstraint(fields=["health_check", "member"], name="one_health_check_per_member")]

    def __str__(self):
        return f"{self.member.name} {self.health_check.year}年体检"
