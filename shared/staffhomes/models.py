"""先进教职工之家 / 小家: yearly confirmation against configurable criteria, re-checked after some years.

Each round has its own criteria (copied from the round before when it is created): a school's
self-scores and the reviewers' scores are keyed by the criterion ids of their round, so a later
round changing its criteria never changes what an earlier round meant. The criteria are set while
the round is 筹备中 and are fixed once it opens.
"""
from django.db import models
from django.utils import timezone

from shared.storage import provincial_storage
from tenants.models import School


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "筹备中"
        OPEN = "open", "申报中"
        REVIEWING = "reviewing", "评审中"
        CONFIRMED = "confirmed", "已公布名单"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    opens_at = models.DateTimeField("申报开始")
    closes_at = models.DateTimeField("申报截止")
    recheck_years = models.PositiveSmallIntegerField("几年后复查", default=3)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = "评选年度"
        verbose_name_plural = "评选年度"
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    round = models.ForeignKey(Round, verbose_name="评选年度", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("标准", max_length=40)
    description = models.TextField("说明", blank=True)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "建家标准"
        verbose_name_plural = "建家标准"
        ordering = ["round", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="unique_criterion_per_round")]

    def __str__(self):
        return self.name


class HomeApplication(models.Model):
    class Level(models.TextChoices):
        HOME = "home", "先进教职工之家"
        SMALL_HOME = "small_home", "先进教职工小家"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已申报"
        CONFIRMED = "confirmed", "已确认"
        NOT_CONFIRMED = "not_confirmed", "未确认"

    round = models.ForeignKey(Round, verbose_name="评选年度", on_delete=models.PROTECT, related_name="applications")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("类别", max_length=12, choices=Level.choices)
    unit_name = models.CharField("申报单位", max_length=100)
    self_scores = models.JSONField("自评分", default=dict)
    self_assessment = models.TextField("自评报告")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    review_total = models.DecimalField("评审平均分", max_digits=7, decimal_places=2, null=True, blank=True)
    decision_note = models.TextField("确认意见", blank=True)
    recheck_year = models.PositiveSmallIntegerField("复查年度", null=True, blank=True)
    submitted_by = models.CharField("申报人", max_length=150)
    submitted_at = models.DateTimeField("申报时间", default=timezone.now)

    class Meta:
        verbose_name = "建家申报"
        verbose_name_plural = "建家申报"
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "school", "unit_name"], name="unique_home_unit")]

    def __str__(self):
        return f"{self.school.name}{self.unit_name}（{self.get_level_display()}）"


class ReviewScore(models.Model):
    application = models.ForeignKey(HomeApplication, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="reviews")
    reviewer = models.CharField("评审人", max_length=150)
    scores = models.JSONField("评分")
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    comment = models.TextField("意见", blank=True)
    scored_at = models.DateTimeField("评分时间", default=timezone.now)

    class Meta:
        verbose_name = "评审评分"
        verbose_name_plural = "评审评分"
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")]


class Inspection(models.Model):
    application = models.ForeignKey(HomeApplication, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="inspections")
    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    notes = models.TextField("检查情况")

    class Meta:
        verbose_name = "实地检查"
        verbose_name_plural = "实地检查"
        ordering = ["-inspected_on"]


def home_material_path(instance, filename):
    application = instance.application
    return f"staffhomes/{application.school.slug}/{application.pk}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class HomeMaterial(models.Model):
    """Supporting material (photos, minutes, 台账) attached to an application."""

    application = models.ForeignKey(HomeApplication, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="materials")
    file = models.FileField("文件", upload_to=home_material_path, storage=provincial_storage)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
