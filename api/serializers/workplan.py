"""Serializers of the year's work plan and its tasks (issue #12)."""
from django.utils import timezone
from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer, listed_or
from tenants.workplan import selectors as q
from tenants.workplan.models import Plan, Task, TaskAttachment, TaskNote
from tenants.workplan.workflow import TASK_FLOW

MAX_ID = 2**31 - 1


class PlanSerializer(ModelSerializer):
    """年度工作计划"""

    source_label = serializers.CharField(source="get_source_display", read_only=True, label="来源名称")
    task_count = serializers.SerializerMethodField(label="任务数")
    done_count = serializers.SerializerMethodField(label="已完成任务数")

    class Meta:
        model = Plan
        fields = ["id", "year", "title", "doc_number", "issuer", "issued_on", "source", "source_label", "created_at",
                  "task_count", "done_count"]
        read_only_fields = fields

    def get_task_count(self, obj) -> int:
        # annotated by the list (selectors.plans_with_counts)
        return listed_or(obj, "task_total", lambda: obj.tasks.count())

    def get_done_count(self, obj) -> int:
        return listed_or(obj, "task_done", lambda: obj.tasks.filter(status=Task.Status.DONE).count())


class PlanInputSerializer(Serializer):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = serializers.CharField(label="标题", max_length=300)
    doc_number = serializers.CharField(label="文号", max_length=60, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(label="发文单位", max_length=100, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(label="成文日期", required=False, allow_null=True, default=None)


class PreviewInputSerializer(Serializer):
    text = serializers.CharField(label="通知全文（或上传 file：.docx / 带文字层的 PDF）", required=False,
                                 allow_blank=True, trim_whitespace=False, default="")


class PointSerializer(Serializer):
    section_number = serializers.CharField(label="章节序号", required=False, allow_blank=True, default="")
    section_title = serializers.CharField(label="章节标题", required=False, allow_blank=True, default="")
    number = serializers.CharField(label="序号", required=False, allow_blank=True, default="")
    title = serializers.CharField(label="要点", required=False, allow_blank=True, default="")
    body = serializers.CharField(label="内容", required=False, allow_blank=True, default="")
    due_on = serializers.DateField(label="完成期限（计划年度内）", required=False, allow_null=True, default=None)


class CalendarLineSerializer(Serializer):
    month = serializers.CharField(label="月份（3月、七-八月）", required=False, allow_blank=True, default="")
    months = serializers.ListField(child=serializers.IntegerField(), label="月份数字", read_only=True)
    tasks = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=500), label="工作安排",
                                  required=False, default=list, max_length=100)


class SectionSerializer(Serializer):
    number = serializers.CharField(label="章节序号", read_only=True)
    title = serializers.CharField(label="章节标题", read_only=True)
    points = PointSerializer(many=True, read_only=True)


class PreviewSerializer(Serializer):
    """识别结果（尚未保存）"""

    title = serializers.CharField(label="计划标题", read_only=True)
    notice_title = serializers.CharField(label="通知标题", read_only=True)
    doc_number = serializers.CharField(label="文号", read_only=True, allow_null=True)
    issuer = serializers.CharField(label="发文单位", read_only=True, allow_null=True)
    issued_on = serializers.DateField(label="成文日期", read_only=True, allow_null=True)
    year = serializers.IntegerField(label="年度（通知所写）", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    points = PointSerializer(many=True, read_only=True)
    calendar = CalendarLineSerializer(many=True, read_only=True)
    calendar_task_count = serializers.IntegerField(label="行事历任务数", read_only=True)
    source = serializers.CharField(label="来源（text/docx/pdf）", read_only=True)
    source_text = serializers.CharField(label="原文", read_only=True)


class ImportInputSerializer(Serializer):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = serializers.CharField(label="标题", required=False, allow_blank=True, default="")
    doc_number = serializers.CharField(label="文号", required=False, allow_blank=True, default="")
    issuer = serializers.CharField(label="发文单位", required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(label="成文日期", required=False, allow_null=True, default=None)
    points = PointSerializer(many=True, label="要点（每条成为一项任务）")
    calendar = CalendarLineSerializer(many=True, label="行事历（每项工作安排成为该月的一项任务）", required=False,
                                      default=list)
    source = serializers.ChoiceField(label="来源", choices=[c for c in Plan.Source.choices if c[0] != "manual"],
                                     default=Plan.Source.TEXT)
    source_text = serializers.CharField(label="原文", required=False, allow_blank=True, trim_whitespace=False,
                                        default="")


class TaskSerializer(ModelSerializer):
    """计划任务"""

    origin_label = serializers.CharField(source="get_origin_display", read_only=True, label="来源名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    owner = serializers.SerializerMethodField(label="负责方（department:3 / branch:2 / member:5）")
    owner_name = serializers.SerializerMethodField(label="负责方名称")
    overdue = serializers.SerializerMethodField(label="是否逾期")
    actions = serializers.SerializerMethodField(label="当前用户可执行的操作")

    class Meta:
        model = Task
        fields = ["id", "plan", "order", "origin", "origin_label", "section_number", "section_title", "number",
                  "title", "body", "owner", "owner_name", "owner_department", "owner_branch", "owner_member",
                  "month", "due_on", "status", "status_label", "progress", "is_pledge", "completed_on", "overdue",
                  "updated_at", "actions"]
        read_only_fields = fields

    def get_owner(self, obj) -> str:
        return q.owner_key(obj)

    def get_owner_name(self, obj) -> str:
        return listed_or(obj, "listed_owner_name", lambda: q.owner_label(obj))  # the office's list: tasks_listed

    def get_overdue(self, obj) -> bool:
        # today read once per answer, not per row (a list's rows share this serializer)
        today = self.__dict__.get("_today")
        if today is None:
            today = self.__dict__["_today"] = timezone.localdate()
        return q.overdue(obj, today=today)

    def get_actions(self, obj) -> list[str]:
        from tenants.workplan.services import is_office, may_work_on

        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return []
        office = is_office(user)
        handles = getattr(obj, "user_handles_department", None)  # annotated by the list
        if handles is not None and obj.owner_department_id and user.is_authenticated:
            allowed = office or handles  # is_task_owner's question for a department's task, answered by the query
        else:
            allowed = may_work_on(user, obj)
        if not allowed:
            return []
        # the same for every row of a status: asked once per status for the page
        by_status = self.__dict__.setdefault("_actions_by_status", {})
        if obj.status not in by_status:
            by_status[obj.status] = [a for a in TASK_FLOW.allowed_actions(state=obj.status, user=user)
                                     if office or a not in ("cancel", "restore")]
        return list(by_status[obj.status])


class TaskInputSerializer(Serializer):
    plan = serializers.IntegerField(label="工作计划编号", min_value=1, max_value=MAX_ID)
    title = serializers.CharField(label="任务", required=False, allow_blank=True, default="")
    body = serializers.CharField(label="内容", required=False, allow_blank=True, default="")
    section_number = serializers.CharField(label="章节序号", required=False, allow_blank=True, default="")
    section_title = serializers.CharField(label="章节标题", required=False, allow_blank=True, default="")
    number = serializers.CharField(label="序号", required=False, allow_blank=True, default="")
    owner_department = serializers.IntegerField(label="负责部门编号", required=False, allow_null=True, default=None,
                                        min_value=1, max_value=MAX_ID)
    owner_branch = serializers.IntegerField(label="负责分工会编号", required=False, allow_null=True, default=None,
                                        min_value=1, max_value=MAX_ID)
    owner_member = serializers.IntegerField(label="负责人（会员编号）", required=False, allow_null=True, default=None,
                                        min_value=1, max_value=MAX_ID)
    month = serializers.IntegerField(label="月份 1–12", required=False, allow_null=True, default=None, min_value=1,
                                     max_value=12)
    due_on = serializers.DateField(label="完成期限（计划年度内）", required=False, allow_null=True, default=None)
    is_pledge = serializers.BooleanField(label="十件实事", required=False, default=False)


class TaskUpdateSerializer(TaskInputSerializer):
    plan = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class TransitionSerializer(Serializer):
    action = serializers.ChoiceField(label="操作", choices=[(a, t.label) for a, t in TASK_FLOW.transitions.items()])
    reason = serializers.CharField(label="原因（重新打开、取消、恢复须填写）", required=False, allow_blank=True,
                                   default="", max_length=1000)


class TaskAttachmentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = TaskAttachment
        fields = ["id", "name", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return f"/api/v1/workplan/tasks/{obj.note.task_id}/attachments/{obj.pk}/"


class TaskNoteSerializer(ModelSerializer):
    """任务进展"""

    written_by_name = serializers.SerializerMethodField(label="填写人")
    attachments = TaskAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TaskNote
        fields = ["id", "task", "text", "progress", "written_by_name", "written_at", "attachments"]
        read_only_fields = fields

    def get_written_by_name(self, obj) -> str:
        user = obj.written_by
        return (getattr(user, "full_name", "") or user.get_username()) if user else ""


class NoteInputSerializer(Serializer):
    text = serializers.CharField(label="进展情况", required=False, allow_blank=True, default="")
    progress = serializers.IntegerField(label="进度（%，0–100）", required=False, allow_null=True, default=None,
                                        min_value=0, max_value=100)
