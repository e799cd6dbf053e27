"""The API of health checks, their batches and coverage (issue #11).

The union office (union_admin) organises: the year's check, batches, assignment, moves, attendance,
the union's cost. A member reads only their own assignment and may ask to change batch; a branch
chair reads the coverage of their own branch. Another school's records do not exist here (404).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import UPLOAD_REQUEST, XLSX, xlsx_response
from api.filters import IdFilter, YearFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from api.serializers.healthchecks import (
    AssignResultSerializer,
    AttendanceSerializer,
    CostSerializer,
    CoverageSerializer,
    DecideSerializer,
    HealthCheckAssignmentSerializer,
    HealthCheckBatchInputSerializer,
    HealthCheckBatchSerializer,
    HealthCheckBatchUpdateSerializer,
    HealthCheckInputSerializer,
    HealthCheckSerializer,
    HealthCheckUpdateSerializer,
    MoveSerializer,
    HealthCheckReasonSerializer,
)
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.healthchecks import selectors as q
from tenants.healthchecks import services as s
from tenants.healthchecks.models import Attendance, HealthCheck, HealthCheckAssignment, HealthCheckBatch

UnionAdminOnly = role_required(Role.UNION_ADMIN)
CoverageReaders = role_required(Role.UNION_ADMIN, Role.BRANCH_CHAIR)


class CheckFilter(filters.FilterSet):
    year = YearFilter(field_name="year", help_text="年度")
    status = filters.ChoiceFilter(choices=HealthCheck.Status.choices, help_text="状态")

    class Meta:
        model = HealthCheck
        fields = []


class BatchFilter(filters.FilterSet):
    health_check = IdFilter(field_name="health_check_id", help_text="年度体检编号")

    class Meta:
        model = HealthCheckBatch
        fields = []


class AssignmentFilter(filters.FilterSet):
    health_check = IdFilter(field_name="health_check_id", help_text="年度体检编号")
    year = YearFilter(field_name="health_check__year", help_text="年度")
    batch = IdFilter(field_name="batch_id", help_text="批次编号")
    branch = IdFilter(field_name="member__branch_id", help_text="分工会编号")
    attendance = filters.ChoiceFilter(choices=Attendance.choices, help_text="体检情况")
    unplaced = filters.BooleanFilter(field_name="batch", lookup_expr="isnull", help_text="只看没有批次的")
    requested = filters.BooleanFilter(field_name="requested_batch", lookup_expr="isnull", exclude=True,
                                      help_text="只看有待处理调整申请的")

    class Meta:
        model = HealthCheckAssignment
        fields = []


class CoverageFilter(filters.FilterSet):
    year = YearFilter(field_name="year", help_text="年度（默认今年）")

    class Meta:
        model = HealthCheck
        fields = []


def _history(view, obj):
    records = audit_records(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    return view.paginated(records.order_by("at", "id"), AuditRecordSerializer)


def _coverage_scope(view):
    year = view.filter_values().get("year") or timezone.localdate().year
    user = view.request.user
    branches = None if user.has_role(Role.UNION_ADMIN) else q.coverage_branches_for(user)
    return int(year), branches


@extend_schema(tags=["体检"])
@extend_schema_view(
    list=extend_schema(summary="年度体检"),
    retrieve=extend_schema(summary="年度体检详情"),
    create=extend_schema(summary="新建年度体检（每年一次）", request=HealthCheckInputSerializer,
                         responses={201: HealthCheckSerializer},
                         description="同一年度已有体检：409。"),
    partial_update=extend_schema(summary="修改年度体检（已结束的不能修改）", request=HealthCheckUpdateSerializer,
                                 responses=HealthCheckSerializer),
)
class HealthCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, SchoolViewSet):
    queryset = HealthCheck.objects.order_by("-year")
    serializer_class = HealthCheckSerializer
    filterset_class = CheckFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        rows = self.queryset.all()
        # the list's figures in its query; a step answers with figures read after it, as before
        return q.checks_with_counts(rows) if self.action == "list" else rows

    def get_permissions(self):
        if self.action in ("coverage", "coverage_export"):
            return [CoverageReaders()]
        return [UnionAdminOnly()]

    def create(self, request, *args, **kwargs):
        check = s.health_check_create(by=request.user, **validated(request, HealthCheckInputSerializer))
        return Response(HealthCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        check = s.health_check_update(by=request.user, check=self.get_object(),
                                      **validated(request, HealthCheckUpdateSerializer))
        return Response(HealthCheckSerializer(check).data)

    def _move(self, request, action_name):
        check = s.health_check_move(by=request.user, check=self.get_object(), action=action_name,
                                    **validated(request, HealthCheckReasonSerializer))
        return Response(HealthCheckSerializer(check).data)

    @extend_schema(summary="开始体检（须已设置批次）", request=HealthCheckReasonSerializer, responses=HealthCheckSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_check(self, request, pk=None):
        return self._move(request, "open")

    @extend_schema(summary="结束体检", request=HealthCheckReasonSerializer, responses=HealthCheckSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self._move(request, "finish")

    @extend_schema(summary="重新开放（须写明原因）", request=HealthCheckReasonSerializer, responses=HealthCheckSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._move(request, "reopen")

    @extend_schema(summary="按性别和年龄自动分配批次（已安排的人不动）", request=None,
                   responses=AssignResultSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return Response(s.assign_members(by=request.user, check=self.get_object()))

    @extend_schema(summary="登记工会承担的体检费用（写入收支记录，待审批；可选，只记一次）", request=CostSerializer,
                   responses=HealthCheckSerializer)
    @action(detail=True, methods=["post"], url_path="book-cost")
    def book_cost(self, request, pk=None):
        check = s.health_check_book_cost(by=request.user, check=self.get_object(), **validated(request, CostSerializer))
        return Response(HealthCheckSerializer(check).data)

    @extend_schema(summary="导入体检情况（.xlsx：工号、体检情况、特殊检查；有错误时一行也不导入）",
                   request=UPLOAD_REQUEST, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="attendance-import", parser_classes=[MultiPartParser, FormParser])
    def attendance_import(self, request, pk=None):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "请上传 .xlsx 文件（字段名 file）。"})
        return Response(s.attendance_import(by=request.user, check=self.get_object(), fileobj=upload))

    @extend_schema(summary="下载体检情况导入模板", responses={(200, XLSX): OpenApiTypes.BINARY}, filters=False)
    @action(detail=False, methods=["get"], url_path="attendance-template", filterset_class=None)
    def attendance_template(self, request):
        return xlsx_response(s.attendance_template(), "体检情况导入模板.xlsx")

    @extend_schema(summary="体检覆盖情况：应检、已检人数（合计与各分工会）",
                   description="校工会看全校；分工会主席只看本分工会。",
                   parameters=[OpenApiParameter("year", int, description="年度（默认今年）")],
                   responses=CoverageSerializer, filters=False)
    @action(detail=False, methods=["get"], filterset_class=CoverageFilter)
    def coverage(self, request):
        year, branches = _coverage_scope(self)
        return Response(CoverageSerializer(q.coverage(year, branches)).data)

    @extend_schema(summary="导出覆盖情况与未体检名单（.xlsx，手机号已遮蔽）",
                   parameters=[OpenApiParameter("year", int, description="年度（默认今年）")],
                   responses={(200, XLSX): OpenApiTypes.BINARY}, filters=False)
    @action(detail=False, methods=["get"], url_path="coverage-export", filterset_class=CoverageFilter)
    def coverage_export(self, request):
        year, branches = _coverage_scope(self)
        return xlsx_response(q.coverage_workbook(year, branches), f"{year}年体检覆盖情况.xlsx")

    @extend_schema(summary="办理过程", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        return _history(self, self.get_object())


@extend_schema(tags=["体检"])
@extend_schema_view(
    list=extend_schema(summary="体检批次"),
    retrieve=extend_schema(summary="体检批次详情"),
    create=extend_schema(summary="新增体检批次（日期、地点、性别、年龄范围、名额）", request=HealthCheckBatchInputSerializer,
                         responses={201: HealthCheckBatchSerializer}),
    partial_update=extend_schema(summary="修改体检批次（名额不能少于已安排人数）", request=HealthCheckBatchUpdateSerializer,
                                 responses=HealthCheckBatchSerializer),
)
class HealthCheckBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              mixins.UpdateModelMixin, SchoolViewSet):
    queryset = HealthCheckBatch.objects.order_by("-health_check__year", "date", "id")
    serializer_class = HealthCheckBatchSerializer
    filterset_class = BatchFilter
    permission_classes = [UnionAdminOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        rows = self.queryset.all()
        return q.batches_with_taken(rows) if self.action == "list" else rows

    def create(self, request, *args, **kwargs):
        data = dict(validated(request, HealthCheckBatchInputSerializer))
        batch = s.batch_create(by=request.user, check=data.pop("health_check"), **data)
        return Response(HealthCheckBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        batch = s.batch_update(by=request.user, batch=self.get_object(),
                               **validated(request, HealthCheckBatchUpdateSerializer))
        return Response(HealthCheckBatchSerializer(batch).data)


@extend_schema(tags=["体检"])
@extend_schema_view(
    list=extend_schema(summary="体检安排（校工会看全部；会员只看本人的）"),
    retrieve=extend_schema(summary="体检安排详情"),
)
class HealthCheckAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = HealthCheckAssignment.objects.none()
    serializer_class = HealthCheckAssignmentSerializer
    filterset_class = AssignmentFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve", "request_change", "history"):
            return [IsAuthenticated()]
        return [UnionAdminOnly()]

    def base_queryset(self):
        if self.action == "list":  # a step (move, decide) answers with counts read after it, as before
            rows = q.assignments_listed(self.request.user)
        else:
            rows = q.assignments_visible_to(self.request.user)
        return rows.order_by("-health_check__year", "batch__date", "member__employee_number", "id")

    @extend_schema(summary="调整批次（须写明原因；不能调到另一性别的批次或已满的批次）", request=MoveSerializer,
                   responses=HealthCheckAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = validated(request, MoveSerializer)
        assignment = s.assignment_move(by=request.user, assignment=self.get_object(), batch=data["batch"],
                                       reason=data.get("reason", ""))
        return Response(HealthCheckAssignmentSerializer(assignment).data)

    @extend_schema(summary="登记体检情况（已体检 / 未参加；女教职工特殊检查）", request=AttendanceSerializer,
                   responses=HealthCheckAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        assignment = s.attendance_record(by=request.user, assignment=self.get_object(),
                                         **validated(request, AttendanceSerializer))
        return Response(HealthCheckAssignmentSerializer(assignment).data)

    @extend_schema(summary="会员本人申请调整批次（学校允许时）", request=MoveSerializer,
                   responses=HealthCheckAssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="request-change")
    def request_change(self, request, pk=None):
        data = validated(request, MoveSerializer)
        assignment = s.change_request(by=request.user, assignment=self.get_object(), batch=data["batch"],
                                      reason=data.get("reason", ""))
        return Response(HealthCheckAssignmentSerializer(assignment).data)

    @extend_schema(summary="处理会员的调整申请（同意即调整；不同意须写明原因）", request=DecideSerializer,
                   responses=HealthCheckAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        assignment = s.change_request_decide(by=request.user, assignment=self.get_object(),
                                             **validated(request, DecideSerializer))
        return Response(HealthCheckAssignmentSerializer(assignment).data)

    @extend_schema(summary="调整记录", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        return _history(self, self.get_object())


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("health-checks/batches", HealthCheckBatchViewSet, basename="health-check-batch")
    router.register("health-checks/assignments", HealthCheckAssignmentViewSet, basename="health-check-assignment")
    router.register("health-checks", HealthCheckViewSet, basename="health-check")
