"""The API of 疗休养 batches, rules, applications and selection (issue #11).

Everyone of the school reads the batches and the rules; the union office (union_admin) creates
batches, sets the rules and selects. Applications: a member sees and acts on their own, a branch
chair also their branch's, the office all; another school's records do not exist here (404).
"""
from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.filters import IdFilter, YearFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from api.serializers.trips import (
    TripPlacesSerializer,
    TripRankingRowSerializer,
    TripReasonSerializer,
    TripApplicationInputSerializer,
    TripApplicationSerializer,
    TripBatchInputSerializer,
    TripBatchSerializer,
    TripRulesSerializer,
)
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.trips import selectors as q
from tenants.trips import services as s
from tenants.trips.models import TripApplication, TripBatch

Office = role_required(Role.UNION_ADMIN)


class BatchFilter(filters.FilterSet):
    year = YearFilter(field_name="starts_on", lookup_expr="year", help_text="出发年度")
    status = filters.ChoiceFilter(choices=TripBatch.Status.choices, help_text="状态")

    class Meta:
        model = TripBatch
        fields = []


class ApplicationFilter(filters.FilterSet):
    batch = IdFilter(field_name="batch_id", help_text="批次编号")
    member = IdFilter(field_name="member_id", help_text="会员编号")
    status = filters.ChoiceFilter(choices=TripApplication.Status.choices, help_text="状态")

    class Meta:
        model = TripApplication
        fields = []


def _history(view, obj):
    records = audit_records(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    return view.paginated(records.order_by("at", "id"), AuditRecordSerializer)


@extend_schema(tags=["疗休养"])
@extend_schema_view(
    list=extend_schema(summary="疗休养批次（全校可见）"),
    retrieve=extend_schema(summary="疗休养批次详情"),
    create=extend_schema(summary="创建疗休养批次", request=TripBatchInputSerializer,
                         responses={201: TripBatchSerializer},
                         description="只有校工会管理员；名额、人均费用（最多两位小数）、日期有误：400，不写入。"),
)
class TripBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = TripBatch.objects.none()
    serializer_class = TripBatchSerializer
    filterset_class = BatchFilter
    ordering_fields = ["starts_on", "created"]

    def get_permissions(self):
        if self.action in ("list", "retrieve") or (self.action == "rules" and self.request.method == "GET"):
            return [IsAuthenticated()]
        return [Office()]

    def base_queryset(self):
        rows = q.batches_visible_to(self.request.user).order_by("-starts_on", "-id")
        # the list's figures in its query; a step answers with figures read after it, as before
        return q.batches_with_holding(rows) if self.action == "list" else rows

    def create(self, request, *args, **kwargs):
        batch = s.batch_create(by=request.user, **validated(request, TripBatchInputSerializer))
        return Response(TripBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="疗休养规则（最低工龄、轮换年限、优先条件；退休人员不参加）",
                   request=TripRulesSerializer, responses=TripRulesSerializer, methods=["GET", "PATCH"],
                   filters=False)
    @action(detail=False, methods=["get", "patch"], url_path="rules", filterset_class=None)
    def rules(self, request):
        if request.method == "PATCH":
            body = TripRulesSerializer(data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            s.rules_update(by=request.user, **body.validated_data)
        return Response(TripRulesSerializer(q.trip_rules()).data)

    @extend_schema(summary="按规则排序的申请名单（每人的优先条件、工龄、上次疗休养年份）",
                   responses=TripRankingRowSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def ranking(self, request, pk=None):
        return Response(TripRankingRowSerializer(q.ranking(self.get_object()), many=True).data)

    def _step(self, request, service, **extra):
        batch = service(by=request.user, batch=self.get_object(), **extra)
        return Response(TripBatchSerializer(batch).data)

    @extend_schema(summary="截止报名，开始遴选", request=None, responses=TripBatchSerializer)
    @action(detail=True, methods=["post"], url_path="close-applications")
    def close_applications(self, request, pk=None):
        return self._step(request, s.batch_close_applications)

    @extend_schema(summary="按规则排序填满空余名额（入选者收到通知）", request=None,
                   responses=TripApplicationSerializer(many=True), filters=False)
    @action(detail=True, methods=["post"], pagination_class=None)
    def fill(self, request, pk=None):
        chosen = s.selection_fill(by=request.user, batch=self.get_object())
        return Response(TripApplicationSerializer(chosen, many=True).data)

    @extend_schema(summary="修改名额（不少于已入选人数）", request=TripPlacesSerializer, responses=TripBatchSerializer)
    @action(detail=True, methods=["post"])
    def places(self, request, pk=None):
        return self._step(request, s.batch_set_places, **validated(request, TripPlacesSerializer))

    @extend_schema(summary="确定名单（入选者都已确认或放弃）", request=None, responses=TripBatchSerializer,
                   description="还有待确认的入选者或没有人确认参加：409。")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._step(request, s.batch_confirm)

    @extend_schema(summary="登记已出行（费用 = 人均费用 × 参加人数，记入账目待审批）", request=None,
                   responses=TripBatchSerializer, description="出发日期未到：400；年度已结账：409。")
    @action(detail=True, methods=["post"])
    def travel(self, request, pk=None):
        return self._step(request, s.batch_travel)

    @extend_schema(summary="取消批次（须写明原因，已入选者收到通知）", request=TripReasonSerializer,
                   responses=TripBatchSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, s.batch_cancel, **validated(request, TripReasonSerializer))

    @extend_schema(summary="办理过程", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        return _history(self, self.get_object())


@extend_schema(tags=["疗休养"])
@extend_schema_view(
    list=extend_schema(summary="疗休养申请",
                       description="校工会看到全部；分工会主席看到本分工会会员的；其他人只看到自己的。"),
    retrieve=extend_schema(summary="疗休养申请详情"),
    create=extend_schema(
        summary="申请疗休养（本人在报名时间内；分工会主席为本分工会会员；校工会为任何会员）",
        request=TripApplicationInputSerializer, responses={201: TripApplicationSerializer},
        description="不符合规则（工龄、轮换年限、退休）：400，写明哪条规则；已申请过：409；"
                    "不在报名时间内：400。"),
)
class TripApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             SchoolViewSet):
    queryset = TripApplication.objects.none()
    serializer_class = TripApplicationSerializer
    filterset_class = ApplicationFilter
    ordering_fields = ["applied_at"]

    def get_permissions(self):
        if self.action in ("select", "deselect"):
            return [Office()]
        return [IsAuthenticated()]

    def base_queryset(self):
        if self.action == "list":
            return q.applications_listed(self.request.user)
        return q.applications_visible_to(self.request.user).order_by("-applied_at", "-id")

    def create(self, request, *args, **kwargs):
        data = validated(request, TripApplicationInputSerializer)
        member = data.get("member") or getattr(request.user, "member", None)
        if member is None:
            raise ValidationError({"member": "您的账号没有关联会员档案，请选择会员。"})
        application = s.application_submit(by=request.user, batch=data["batch"], member=member, note=data["note"])
        return Response(TripApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    def _step(self, request, service, *, reason=False):
        extra = validated(request, TripReasonSerializer) if reason else {}
        application = service(by=request.user, application=self.get_object(), **extra)
        application.refresh_from_db()
        return Response(TripApplicationSerializer(application).data)

    @extend_schema(summary="确认参加（本人，或校工会代为确认）", request=None, responses=TripApplicationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._step(request, s.application_confirm)

    @extend_schema(summary="放弃名额（按排序的下一位递补并收到通知）", request=TripReasonSerializer,
                   responses=TripApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._step(request, s.application_decline, reason=True)

    @extend_schema(summary="撤回申请", request=None, responses=TripApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, s.application_withdraw)

    @extend_schema(summary="校工会决定入选（须写明理由；名额已满：409）", request=TripReasonSerializer,
                   responses=TripApplicationSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        return self._step(request, s.application_select, reason=True)

    @extend_schema(summary="校工会取消入选（须写明理由）", request=TripReasonSerializer, responses=TripApplicationSerializer)
    @action(detail=True, methods=["post"])
    def deselect(self, request, pk=None):
        return self._step(request, s.application_deselect, reason=True)

    @extend_schema(summary="办理过程（申请、入选、确认、放弃、递补）", responses=AuditRecordSerializer(many=True),
                   filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        return _history(self, self.get_object())


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("trips/batches", TripBatchViewSet, basename="trip-batch")
    router.register("trips/applications", TripApplicationViewSet, basename="trip-application")
