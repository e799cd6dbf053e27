"""The year's work plan (工作要点) of a school union and its tasks, tracked to the end of the year (issue #12).

A plan is the school's own 工作要点 notice, imported (text, .docx, PDF) through the provincial importer
(shared.circulars.importer) or written by hand. Every point and every line of its 行事历 becomes a Task
with an owner (a department, a branch or a person), a month or a due date, a status and progress notes.
Tasks flagged `is_pledge` are the year's 十件实事, listed publicly on the member portal.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenants.members.models import Branch, Department, Member


class Plan(models.Model):
    class Source(models.TextChoices):
        TEXT = "text", "粘贴文本"
        DOCX = "docx", "Word 文件"
        PDF = "pdf", "PDF 文件"
        MANUAL = "manual", "手工编写"

    year = models.PositiveIntegerField("年度", unique=True)
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发文单位", max_length=100, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.MANUAL)
    source_text = models.TextField("原文", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年 {self.title}"


class Task(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    class Origin(models.TextChoices):
        POINT = "point", "工作要点"
        CALENDAR = "calendar", "行事历"
        MANUAL = "manual", "手工添加"

    plan = models.ForeignKey(Plan, verbose_name="工作计划", on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField("顺序", default=0)
    origin = models.CharField("来源", max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    section_number = models.CharField("章节", max_length=8, blank=True)
    section_title = models.CharField("章节标题", max_length=300, blank=True)
    number = models.CharField("序号", max_length=8, blank=True)
    title = models.TextField("任务")
    body = models.TextField("内容", blank=True)
    # the owner is one of: a department (承办部门), a branch (分工会) or a person; none = not assigned yet
    owner_department = models.ForeignKey(Department, verbose_name="负责部门", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="plan_tasks")
    owner_branch = models.ForeignKey(Branch, verbose_name="负责分工会", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="plan_tasks")
    owner_member = models.ForeignKey(Member, verbose_name="负责人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="plan_tasks")
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    due_on = models.DateField("完成期限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NOT_STARTED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    is_pledge = models.BooleanField("十件实事", default=False)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    overdue_reminded_on = models.DateField("逾期提醒日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "计划任务"
        verbose_name_plural = "计划任务"
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_department__isnull=True, owner_branch__isnull=True)
                           | Q(owner_department__isnull=True, owner_member__isnull=True)
                           | Q(owner_branch__isnull=True, owner_member__isnull=True)),
                name="task_has_at_most_one_owner"),
            models.CheckConstraint(condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                                   name="task_month_in_year"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_percent"),
        ]

    def __str__(self):
        return self.title[:60]

    @property
    def owner(self):
        return self.owner_department or self.owner_branch or self.owner_member


class TaskNote(models.Model):
    """A progress note (进展记录) on a task, with optional attachments."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="notes")
    text = models.TextField("进展情况")
    progress = models.PositiveSmallIntegerField("进度（%）", null=True, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField("填写时间", default=timezone.now)

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["task_id", "-written_at", "-id"]


def note_attachment_path(instance, filename):
    return f"workplan/{instance.note.task_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class TaskAttachment(models.Model):
    note = models.ForeignKey(TaskNote, verbose_name="进展记录", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=note_attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "任务附件"
        verbose_name_plural = "任务附件"
        ordering = ["id"]
