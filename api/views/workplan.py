"""The API of the school's year plan (工作要点) and its tasks (issue #12, points 1 and 8).

Who reads: everyone signed in at the school reads every plan and task, with its progress notes and
their attachments — a plan is a public document inside the school (tasks of the 十件实事 are even
shown to every member on the portal). Who writes: the union office imports or writes the plan,
adds and edits tasks (owner, month, due date); a task's owner (its department's handlers, its
branch's chair, the person) or the office moves it (start, complete, reopen) and writes progress
notes; only the office cancels and restores. Another school's plan does not exist here (404).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import download
from api.filters import IdFilter, YearFilter, YesNoFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from api.serializers.workplan import (
    ImportInputSerializer,
    NoteInputSerializer,
    PlanInputSerializer,
    PlanSerializer,
    PreviewInputSerializer,
    PreviewSerializer,
    TaskInputSerializer,
    TaskNoteSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
    TransitionSerializer,
)
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.workplan import selectors as q
from tenants.workplan import services as s
from tenants.workplan.models import Plan, Task, TaskAttachment

Office = role_required(Role.UNION_ADMIN)
TAGS = ["工作计划"]


class PlanFilter(filters.FilterSet):
    year = YearFilter(field_name="year", help_text="年度")

    class Meta:
        model = Plan
        fields = []


class TaskFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id", help_text="工作计划编号")
    year = YearFilter(field_name="plan__year", help_text="计划年度")
    status = filters.ChoiceFilter(choices=Task.Status.choices, help_text="状态")
    origin = filters.ChoiceFilter(choices=Task.Origin.choices, help_text="来源")
    month = filters.ChoiceFilter(choices=[(str(m), f"{m}月") for m in range(1, 13)], field_name="month",
                                 help_text="月份 1–12")
    pledge = YesNoFilter(lookup="is_pledge", help_text="是否十件实事")
    owner = filters.CharFilter(method="by_owner", max_length=30,
                               help_text="负责方：department:<编号>、branch:<编号>、member:<编号>，none 为未指定")
    mine = filters.ChoiceFilter(choices=[("true", "是"), ("false", "否")], method="only_mine",
                                help_text="true：只看我负责的任务（经办部门、担任主席的分工会、本人）")

    class Meta:
        model = Task
        fields = []

    def by_owner(self, queryset, name, value):
        if value == "none" or q.parse_owner(value):
            return q.tasks_of(owner=value).filter(pk__in=queryset.values("pk"))
        raise ValidationError({"owner": "负责方应写作 department:<编号>、branch:<编号>、member:<编号> 或 none。"})

    def only_mine(self, queryset, name, value):
        if value in ("", None):
            return queryset
        mine = q.tasks_owned_by(self.request.user).values("pk")
        return queryset.filter(pk__in=mine) if value == "true" else queryset.exclude(pk__in=mine)


class ReadForAllWriteForOffice:
    def get_permissions(self):
        return [IsAuthenticated()] if self.action in ("list", "retrieve") else [Office()]


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary="年度工作计划列表", description="本校所有人可读：工作计划是校内公开的文件。"),
    retrieve=extend_schema(summary="工作计划详情"),
    create=extend_schema(summary="手工编写工作计划（每年一份；已有则 400，指明 year）", request=PlanInputSerializer,
                         responses={201: PlanSerializer}),
)
class PlanViewSet(ReadForAllWriteForOffice, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, SchoolViewSet):
    queryset = Plan.objects.none()
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def base_queryset(self):
        return q.plans_with_counts(q.plans()) if self.action == "list" else q.plans()

    def create(self, request, *args, **kwargs):
        plan = s.plan_create(by=request.user, **validated(request, PlanInputSerializer))
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="识别工作要点通知（不保存）：粘贴 text，或上传 file（.docx / 带文字层的 PDF）",
                   description="返回识别出的章节、要点和行事历，供核对修改后用 import 保存。不是工作要点的文本 400（text 或 file 说明原因）。",
                   request={"application/json": PreviewInputSerializer, "multipart/form-data": {
                       "type": "object", "properties": {"text": {"type": "string"},
                                                        "file": {"type": "string", "format": "binary"}}}},
                   responses=PreviewSerializer)
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser],
            filterset_class=None)
    def preview(self, request):
        upload = request.FILES.get("file")
        if upload is not None:
            preview = s.plan_preview(upload=upload)
        else:
            preview = s.plan_preview(text=validated(request, PreviewInputSerializer)["text"])
        return Response(PreviewSerializer(preview).data)

    @extend_schema(summary="保存为年度工作计划：每条要点、行事历每项工作成为一项任务（每年一份；已有则 400，指明 year）",
                   request=ImportInputSerializer, responses={201: PlanSerializer})
    @action(detail=False, methods=["post"], url_path="import", filterset_class=None)
    def import_plan(self, request):
        data = validated(request, ImportInputSerializer)
        plan = s.plan_import(by=request.user, **{**data, "points": [dict(p) for p in data["points"]],
                                                 "calendar": [dict(c) for c in data["calendar"]]})
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary="计划任务列表", description="本校所有人可读；mine=true 只看本人负责的（经办部门、担任主席的分工会、本人）。"),
    retrieve=extend_schema(summary="任务详情（actions：当前用户可执行的操作）"),
    create=extend_schema(summary="添加任务（校工会）", request=TaskInputSerializer, responses={201: TaskSerializer}),
    partial_update=extend_schema(summary="修改任务：负责方、月份、完成期限等（校工会）", request=TaskUpdateSerializer,
                                 responses=TaskSerializer),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Task.objects.none()
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        return [Office()] if self.action in ("create", "partial_update") else [IsAuthenticated()]

    def base_queryset(self):
        rows = q.tasks().order_by("plan__year", "order", "id")
        return q.tasks_listed(rows, self.request.user) if self.action == "list" else rows

    def _answer(self, task, code=status.HTTP_200_OK):
        return Response(TaskSerializer(q.tasks().get(pk=task.pk), context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        data = validated(request, TaskInputSerializer)
        plan = Plan.objects.filter(pk=data.pop("plan")).first()
        if plan is None:
            raise ValidationError({"plan": "没有这份工作计划。"})
        return self._answer(s.task_create(by=request.user, plan=plan, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = TaskUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(s.task_update(by=request.user, task=self.get_object(), **serializer.validated_data))

    @extend_schema(summary="变更状态：start 开始推进、complete 标记完成、reopen 重新打开（负责方或校工会）；"
                           "cancel 取消、restore 恢复（校工会）", request=TransitionSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def transition(self, request, pk=None):
        data = validated(request, TransitionSerializer)
        return self._answer(s.task_move(by=request.user, task=self.get_object(), **data))

    @extend_schema(methods=["get"], summary="进展记录（含附件）", responses=TaskNoteSerializer(many=True), filters=False)
    @extend_schema(methods=["post"], summary="填写进展（负责方或校工会）：text、progress，附件 files（可多个）",
                   request={"multipart/form-data": {"type": "object", "properties": {
                       "text": {"type": "string"}, "progress": {"type": "integer"},
                       "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}},
                       "application/json": NoteInputSerializer},
                   responses={201: TaskNoteSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, MultiPartParser, FormParser],
            filterset_class=None)
    def notes(self, request, pk=None):
        task = self.get_object()
        if request.method == "GET":
            return self.paginated(q.notes_of(task), TaskNoteSerializer)
        data = validated(request, NoteInputSerializer)
        note = s.task_note_add(by=request.user, task=task, files=request.FILES.getlist("files"), **data)
        return Response(TaskNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载进展附件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)", filterset_class=None)
    def attachment(self, request, pk=None, attachment_id=None):
        return download(TaskAttachment.objects.filter(note__task=self.get_object()), attachment_id)

    @extend_schema(summary="状态变更记录", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        records = audit_records(target_type="workplan.task", target_id=str(self.get_object().pk),
                                action="transition")
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)


def register(router) -> None:
    """Registers this area's viewsets on the school host's router."""
    router.register("workplan/plans", PlanViewSet, basename="workplan-plan")
    router.register("workplan/tasks", TaskViewSet, basename="workplan-task")
