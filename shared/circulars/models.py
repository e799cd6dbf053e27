"""Circulars from the province (e.g. the yearly 工作要点), and each school's acknowledgement and report."""
from django.db import models
from django.utils import timezone

from tenants.models import School


class Circular(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发文单位", max_length=100, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    source_text = models.TextField("原文", blank=True)
    calendar = models.JSONField("行事历", default=list, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.CharField("创建人", max_length=150)
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.title


class CircularItem(models.Model):
    """One point of the circular that schools report on (一、… （一）…)."""

    circular = models.ForeignKey(Circular, verbose_name="通知", on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField("顺序")
    section_number = models.CharField("章节", max_length=8)
    section_title = models.CharField("章节标题", max_length=300)
    number = models.CharField("序号", max_length=8, blank=True)
    title = models.TextField("要点")
    body = models.TextField("内容", blank=True)
    due_on = models.DateField("完成期限", null=True, blank=True)

    class Meta:
        verbose_name = "通知要点"
        verbose_name_plural = "通知要点"
        ordering = ["circular_id", "order"]


class CircularRecipient(models.Model):
    """A school the circular was sent to, and whether it acknowledged it."""

    circular = models.ForeignKey(Circular, verbose_name="通知", on_delete=models.CASCADE, related_name="recipients")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.CharField("签收人", max_length=150, blank=True)

    class Meta:
        verbose_name = "通知接收学校"
        verbose_name_plural = "通知接收学校"
        constraints = [models.UniqueConstraint(fields=["circular", "school"], name="unique_recipient")]


class ItemReport(models.Model):
    """How a school carried out one point (贯彻落实)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"

    item = models.ForeignKey(CircularItem, verbose_name="要点", on_delete=models.CASCADE, related_name="reports")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("进展", max_length=12, choices=Status.choices)
    text = models.TextField("落实情况", blank=True)
    updated_by = models.CharField("填报人", max_length=150)
    updated_at = models.DateTimeField("填报时间", default=timezone.now)

    class Meta:
        verbose_name = "落实情况"
        verbose_name_plural = "落实情况"
        constraints = [models.UniqueConstraint(fields=["item", "school"], name="one_report_per_item")]
