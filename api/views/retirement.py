"""The API of 荣休 ceremonies (issue #11): the union office (union_admin) only."""
from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.filters import YearFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from api.serializers.retirement import (
    CeremonyInputSerializer,
    CeremonySerializer,
    CeremonyUpdateSerializer,
    HonoureeChangeSerializer,
    CeremonyReasonSerializer,
    RetireeSerializer,
)
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.errors import DomainError
from tenants.retirement import selectors as q
from tenants.retirement import services as s
from tenants.retirement.models import Ceremony, Honouree

UnionAdminOnly = role_required(Role.UNION_ADMIN)


class CeremonyFilter(filters.FilterSet):
    year = YearFilter(field_name="year", help_text="年度")
    status = filters.ChoiceFilter(choices=Ceremony.Status.choices, help_text="状态")

    class Meta:
        model = Ceremony
        fields = []


@extend_schema(tags=["荣休"])
@extend_schema_view(
    list=extend_schema(summary="荣休仪式"),
    retrieve=extend_schema(summary="荣休仪式与名单"),
    create=extend_schema(summary="新建荣休仪式（自动列入本年度退休、尚未参加其他仪式的会员）",
                         request=CeremonyInputSerializer, responses={201: CeremonySerializer}),
    partial_update=extend_schema(summary="修改仪式日期、地点、说明（已记录的须先重新修改）",
                                 request=CeremonyUpdateSerializer, responses=CeremonySerializer),
)
class CeremonyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Ceremony.objects.order_by("-year", "-held_on", "-id")
    serializer_class = CeremonySerializer
    filterset_class = CeremonyFilter
    permission_classes = [UnionAdminOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        rows = self.queryset.all()
        # the list fetches every ceremony's honourees at once; a step reads its list after it, as before
        return q.with_honourees(rows) if self.action == "list" else rows

    def create(self, request, *args, **kwargs):
        ceremony = s.ceremony_create(by=request.user, **validated(request, CeremonyInputSerializer))
        return Response(CeremonySerializer(ceremony).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        ceremony = s.ceremony_update(by=request.user, ceremony=self.get_object(),
                                     **validated(request, CeremonyUpdateSerializer))
        return Response(CeremonySerializer(ceremony).data)

    def _done(self, pk):
        return Response(CeremonySerializer(Ceremony.objects.get(pk=pk)).data)

    @extend_schema(summary="补充本年度新退休的会员（移出过的不再列入）", request=None, responses=CeremonySerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        ceremony = self.get_object()
        s.ceremony_refresh(by=request.user, ceremony=ceremony)
        return self._done(ceremony.pk)

    @extend_schema(summary="列入名单（退休会员，须写明原因）", request=HonoureeChangeSerializer,
                   responses=CeremonySerializer)
    @action(detail=True, methods=["post"])
    def add(self, request, pk=None):
        ceremony = self.get_object()
        s.honouree_add(by=request.user, ceremony=ceremony, **validated(request, HonoureeChangeSerializer))
        return self._done(ceremony.pk)

    @extend_schema(summary="移出名单（须写明原因）", request=HonoureeChangeSerializer, responses=CeremonySerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        ceremony = self.get_object()
        data = validated(request, HonoureeChangeSerializer)
        row = Honouree.objects.filter(ceremony=ceremony, member=data["member"]).first()
        if row is None:
            raise DomainError("这位会员不在名单中。", field="member")
        s.honouree_remove(by=request.user, honouree=row, reason=data.get("reason", ""))
        return self._done(ceremony.pk)

    @extend_schema(summary="记录荣休名单（最终名单）", request=CeremonyReasonSerializer, responses=CeremonySerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        ceremony = s.ceremony_move(by=request.user, ceremony=self.get_object(), action="record",
                                   **validated(request, CeremonyReasonSerializer))
        return Response(CeremonySerializer(ceremony).data)

    @extend_schema(summary="重新修改已记录的名单（须写明原因）", request=CeremonyReasonSerializer, responses=CeremonySerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        ceremony = s.ceremony_move(by=request.user, ceremony=self.get_object(), action="reopen",
                                   **validated(request, CeremonyReasonSerializer))
        return Response(CeremonySerializer(ceremony).data)

    @extend_schema(summary="本年度退休会员预览（及其所在仪式）",
                   parameters=[OpenApiParameter("year", int, description="年度（默认今年）")],
                   responses=RetireeSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filterset_class=CeremonyFilter, pagination_class=None)
    def retirees(self, request):
        year = self.filter_values().get("year") or timezone.localdate().year
        return Response(RetireeSerializer(q.preview(int(year)), many=True).data)

    @extend_schema(summary="办理过程", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        records = audit_records(target_type="retirement.ceremony", target_id=str(pk))
        self.get_object()
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("retirement/ceremonies", CeremonyViewSet, basename="retirement-ceremony")
