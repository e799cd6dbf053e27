"""The API of activities, registrations, teams, check-in (issue #11).

Everyone of the school reads published activities and signs up for themselves; the organiser
(the union office for every activity, a branch chair for their branch's) creates, opens, closes,
confirms, moves, rejects, checks in and records the activity as held with its cost. Another
school's activity does not exist here (404).
"""
from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.filters import IdFilter, YearFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.activities import (
    ActivityInputSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    AttendanceSerializer,
    CheckInSerializer,
    HoldSerializer,
    ActivityReasonSerializer,
    RegistrationSerializer,
    SignUpSerializer,
    TeamInputSerializer,
    TeamSerializer,
    YearFiguresSerializer,
)
from api.serializers.audit import AuditRecordSerializer
from tenants.accounts.roles import Role
from tenants.activities import selectors as q
from tenants.activities import services as s
from tenants.activities.models import Activity, ActivityKind, Registration
from tenants.audit.selectors import audit_records
from tenants.errors import NotAllowed

Organisers = role_required(Role.UNION_ADMIN, Role.BRANCH_CHAIR)


class ActivityFilter(filters.FilterSet):
    year = YearFilter(field_name="starts_at", lookup_expr="year", help_text="年度")
    kind = filters.ChoiceFilter(choices=ActivityKind.choices, help_text="活动类型")
    status = filters.ChoiceFilter(choices=Activity.Status.choices, help_text="状态")
    organiser_branch = IdFilter(field_name="organiser_branch_id", help_text="主办分工会编号")

    class Meta:
        model = Activity
        fields = []


class RegistrationFilter(filters.FilterSet):
    activity = IdFilter(field_name="activity_id", help_text="活动编号")
    status = filters.ChoiceFilter(choices=Registration.Status.choices, help_text="状态")
    branch = IdFilter(field_name="branch_id", help_text="分工会编号")
    member = IdFilter(field_name="member_id", help_text="会员编号")

    class Meta:
        model = Registration
        fields = []


def _quotas(data):
    rows = data.pop("quotas", None)
    return None if rows is None else {row["branch"]: row["places"] for row in rows}


def _registration_data(view, registration):
    return RegistrationSerializer(registration, context=view.get_serializer_context()).data


@extend_schema(tags=["活动报名"])
@extend_schema_view(
    list=extend_schema(summary="活动（草稿只有主办方可见）"),
    retrieve=extend_schema(summary="活动详情"),
    create=extend_schema(summary="发起活动（草稿）", request=ActivityInputSerializer, responses={201: ActivitySerializer},
                         description="校工会可发起任何活动；分工会主席只能发起本分工会的活动（403）。"),
    partial_update=extend_schema(summary="修改活动（增加名额时候补自动递补）", request=ActivityUpdateSerializer,
                                 responses=ActivitySerializer),
)
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Activity.objects.none()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in ("create", "partial_update", "update", "act", "hold", "check_in", "attendance"):
            return [Organisers()]
        return super().get_permissions()

    def base_queryset(self):
        rows = q.activities_visible_to(self.request.user).order_by("-starts_at", "-id")
        # the list's figures in its query; a step answers with figures read after it, as before
        return q.activities_with_figures(rows) if self.action == "list" else rows

    def create(self, request, *args, **kwargs):
        data = dict(validated(request, ActivityInputSerializer))
        activity = s.activity_create(by=request.user, quotas=_quotas(data), **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        data = dict(validated(request, ActivityUpdateSerializer))
        activity = s.activity_update(by=request.user, activity=self.get_object(), quotas=_quotas(data), **data)
        return Response(ActivitySerializer(activity).data)

    @extend_schema(summary="开放报名 / 截止报名 / 重新开放 / 取消活动（取消须写明原因）", request=ActivityReasonSerializer,
                   responses=ActivitySerializer, operation_id="v1_activities_step",
                   parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH,
                                                enum=["open", "close", "reopen", "cancel"])])
    @action(detail=True, methods=["post"], url_path=r"(?P<step>open|close|reopen|cancel)")
    def act(self, request, pk=None, step=None):
        activity = s.activity_act(by=request.user, activity=self.get_object(), action=step,
                                  **validated(request, ActivityReasonSerializer))
        return Response(ActivitySerializer(activity).data)

    @extend_schema(summary="登记已举办与工会实际支出（支出大于零时写入账目：职工活动支出，待审批）",
                   request=HoldSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        activity = s.activity_hold(by=request.user, activity=self.get_object(), **validated(request, HoldSerializer))
        return Response(ActivitySerializer(activity).data)

    @extend_schema(summary="报名（本人；名额已满时进入候补）", request=SignUpSerializer,
                   responses={201: RegistrationSerializer},
                   description="报名未开始或已截止、超出分工会名额、重复报名：409；不符合报名条件（性别、子女年龄、"
                               "婚姻状况、退休）：400；不写入任何记录。")
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        data = dict(validated(request, SignUpSerializer))
        member = data.pop("member", None) or q.member_of(request.user)
        registration = s.registration_create(by=request.user, activity=self.get_object(), member=member, **data)
        return Response(_registration_data(self, registration), status=status.HTTP_201_CREATED)

    @extend_schema(summary="组队报名（分工会主席为本分工会组队；每人每项活动只能在一支队）", request=TeamInputSerializer,
                   responses={201: TeamSerializer})
    @action(detail=True, methods=["post"])
    def teams(self, request, pk=None):
        team = s.team_register(by=request.user, activity=self.get_object(), **validated(request, TeamInputSerializer))
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="签到（扫码、手输签到码或从名单选择）", request=CheckInSerializer,
                   responses=RegistrationSerializer,
                   description="其他活动或其他学校的签到码：400；不是报名成功或已签到：409。")
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        data = validated(request, CheckInSerializer)
        registration = s.check_in(by=request.user, activity=self.get_object(), code=data.get("code", ""),
                                  registration=data.get("registration"))
        return Response(_registration_data(self, registration))

    @extend_schema(summary="出勤：报名、签到、按分工会、未签到名单", responses=AttendanceSerializer, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def attendance(self, request, pk=None):
        activity = self.get_object()
        if not s.can_organise(request.user, activity):
            raise NotAllowed("只有主办方可以查看出勤。")
        return Response({**s.counts(activity), "by_branch": q.attendance_by_branch(activity),
                         "no_shows": [{"registration": r.pk, "member_name": r.member.name, "branch": r.branch.name}
                                      for r in q.no_shows(activity)]})

    @extend_schema(summary="本年度活动统计：举办活动数、参加人次、签到人次、按分工会",
                   parameters=[OpenApiParameter("year", int, description="年度（默认今年）")],
                   responses=YearFiguresSerializer, filters=False)
    @action(detail=False, methods=["get"], filterset_class=ActivityFilter)
    def figures(self, request):
        year = self.filter_values().get("year") or timezone.localdate().year
        return Response(q.year_figures(int(year)))

    @extend_schema(summary="办理过程", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        obj = self.get_object()
        records = audit_records(target_type=obj._meta.label_lower, target_id=str(obj.pk))
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)


@extend_schema(tags=["活动报名"])
@extend_schema_view(
    list=extend_schema(summary="报名（本人的；主办方看到所办活动的，分工会主席还看到本分工会会员的）"),
    retrieve=extend_schema(summary="报名详情（候补位次；签到码只对本人和主办方显示）"),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = Registration.objects.none()
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter

    def base_queryset(self):
        if self.action == "list":
            return q.registrations_listed(self.request.user)
        return q.registrations_visible_to(self.request.user).order_by("-registered_at", "-id")

    @extend_schema(summary="取消报名（本人在取消截止前；名额让给候补第一位）", request=ActivityReasonSerializer,
                   responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        registration = s.registration_cancel(by=request.user, registration=self.get_object(),
                                             **validated(request, ActivityReasonSerializer))
        return Response(_registration_data(self, registration))

    @extend_schema(summary="主办方：确认（有空余名额时）/ 转为候补 / 不予通过（须写明原因）", request=ActivityReasonSerializer,
                   responses=RegistrationSerializer, operation_id="v1_activities_registrations_step",
                   parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH,
                                                enum=["confirm", "demote", "reject"])])
    @action(detail=True, methods=["post"], url_path=r"(?P<step>confirm|demote|reject)")
    def move(self, request, pk=None, step=None):
        registration = s.registration_move(by=request.user, registration=self.get_object(), action=step,
                                           **validated(request, ActivityReasonSerializer))
        return Response(_registration_data(self, registration))


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("activities/registrations", RegistrationViewSet, basename="activity-registration")
    router.register("activities", ActivityViewSet, basename="activity")
