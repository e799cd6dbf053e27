"""Fund subsidies: the province sets aside a pool, schools apply, the province allocates within it."""
from django.db import models
from django.utils import timezone

from tenants.models import School


class Programme(models.Model):
    class Rule(models.TextChoices):
        MANUAL = "manual", "逐项核定"
        BASE_PLUS_PER_MEMBER = "base_plus_per_member", "基数加按会员人数"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    purpose = models.TextField("用途", blank=True)
    pool = models.DecimalField("资金池（元）", max_digits=14, decimal_places=2)
    opens_at = models.DateTimeField("申报开始")
    closes_at = models.DateTimeField("申报截止")
    rule = models.CharField("分配办法", max_length=24, choices=Rule.choices, default=Rule.MANUAL)
    base_amount = models.DecimalField("基数（元）", max_digits=12, decimal_places=2, default=0)
    per_member_amount = models.DecimalField("每名会员（元）", max_digits=10, decimal_places=2, default=0)
    report_due_on = models.DateField("使用情况报告截止", null=True, blank=True)
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "补助项目"
        verbose_name_plural = "补助项目"
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已申报"
        ALLOCATED = "allocated", "已核定"
        REJECTED = "rejected", "未获补助"
        DISBURSED = "disbursed", "已拨付"
        REPORTED = "reported", "已报告使用情况"

    programme = models.ForeignKey(Programme, verbose_name="补助项目", on_delete=models.PROTECT,
                                  related_name="applications")
    school = models.ForeignKey(School, verbose_name="申报学校", on_delete=models.PROTECT, related_name="+")
    project = models.CharField("项目名称", max_length=200)
    amount_requested = models.DecimalField("申请金额（元）", max_digits=12, decimal_places=2)
    budget_lines = models.JSONField("预算明细", default=list)
    member_count = models.PositiveIntegerField("在会会员数（申报时）", default=0)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    allocated_amount = models.DecimalField("核定金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    decision_note = models.TextField("核定说明", blank=True)
    disbursed_at = models.DateTimeField("拨付时间", null=True, blank=True)
    report_text = models.TextField("使用情况", blank=True)
    amount_used = models.DecimalField("已使用（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    # The school's receipt: its own task wrote the 上级补助收入 entry into its books (its schema).
    income_recorded_at = models.DateTimeField("学校入账时间", null=True, blank=True)
    income_entry_id = models.PositiveBigIntegerField("学校收支记录编号", null=True, blank=True)
    submitted_by = models.CharField("申报人", max_length=150)
    submitted_at = models.DateTimeField("申报时间", default=timezone.now)

    class Meta:
        verbose_name = "补助申请"
        verbose_name_plural = "补助申请"
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "school"], name="one_application_per_school")]

    def __str__(self):
        return f"{self.school.name}：{self.project}"
