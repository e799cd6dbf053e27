"""The API of care standards, visits, life events and batch visits (issue #10).

The union office (union_admin) and the 帮扶专干 (care_officer) use all of it; a branch chair reports
life events and reads the visits and events of their own branch; anyone else is refused (403), and
another school's records do not exist here (404).
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
from api.serializers.audit import AuditRecordSerializer
from api.serializers.care import (
    BatchPreviewResultSerializer,
    BatchPreviewSerializer,
    CareBatchInputSerializer,
    CareBatchSerializer,
    CareFiguresSerializer,
    CareSettingsSerializer,
    CareStandardInputSerializer,
    CareStandardSerializer,
    CareVisitInputSerializer,
    CareVisitSerializer,
    LifeEventInputSerializer,
    LifeEventSerializer,
    ReasonSerializer,
)
from tenants.accounts.roles import FINANCE_READERS, Role
from tenants.audit.selectors import audit_records
from tenants.care import selectors as q
from tenants.care import services as s
from tenants.care.models import LIFE_EVENT_KINDS, CareBatch, CareKind, CareStandard, CareVisit, LifeEvent

Office = role_required(Role.UNION_ADMIN, Role.CARE_OFFICER)
OfficeOrChair = role_required(Role.UNION_ADMIN, Role.CARE_OFFICER, Role.BRANCH_CHAIR)
UnionAdminOnly = role_required(Role.UNION_ADMIN)
# the books' readers follow an entry's source_id to its visit (read only), as on the pages
VisitReaders = role_required(Role.UNION_ADMIN, Role.CARE_OFFICER, Role.BRANCH_CHAIR, *FINANCE_READERS)


# --- filters --------------------------------------------------------------------------------------

class StandardFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=CareKind.choices, help_text="慰问类型")

    class Meta:
        model = CareStandard
        fields = []


class VisitFilter(filters.FilterSet):
    year = YearFilter(field_name="visited_on", lookup_expr="year", help_text="年度")
    kind = filters.ChoiceFilter(choices=CareKind.choices, help_text="慰问类型")
    status = filters.ChoiceFilter(choices=CareVisit.Status.choices, help_text="状态")
    branch = IdFilter(field_name="member__branch_id", help_text="分工会编号")
    member = IdFilter(field_name="member_id", help_text="会员编号")
    batch = IdFilter(field_name="batch_id", help_text="批量慰问编号")

    class Meta:
        model = CareVisit
        fields = []


class LifeEventFilter(filters.FilterSet):
    year = YearFilter(field_name="occurred_on", lookup_expr="year", help_text="年度")
    kind = filters.ChoiceFilter(choices=LIFE_EVENT_KINDS, help_text="事项")
    status = filters.ChoiceFilter(choices=LifeEvent.Status.choices, help_text="状态")
    branch = IdFilter(field_name="member__branch_id", help_text="分工会编号")
    member = IdFilter(field_name="member_id", help_text="会员编号")

    class Meta:
        model = LifeEvent
        fields = []


class BatchFilter(filters.FilterSet):
    year = YearFilter(field_name="visited_on", lookup_expr="year", help_text="年度")
    kind = filters.ChoiceFilter(choices=CareKind.choices, help_text="慰问类型")

    class Meta:
        model = CareBatch
        fields = []


def _history(view, obj):
    records = audit_records(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    return view.paginated(records.order_by("at", "id"), AuditRecordSerializer)


# --- standards ------------------------------------------------------------------------------------

@extend_schema(tags=["帮扶慰问"])
@extend_schema_view(
    list=extend_schema(summary="慰问标准（各类型的全部版本，新版本在前）"),
    retrieve=extend_schema(summary="慰问标准版本详情"),
    create=extend_schema(summary="设置慰问标准（自生效日期起的新版本；旧慰问保留原标准）",
                         request=CareStandardInputSerializer, responses={201: CareStandardSerializer},
                         description="只有校工会管理员可以设置；同一类型同一生效日期已有版本：409。"),
)
class CareStandardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = CareStandard.objects.order_by("kind", "-effective_from", "-id")
    serializer_class = CareStandardSerializer
    filterset_class = StandardFilter

    def get_permissions(self):
        if self.action in ("create",) or (self.action == "care_settings" and self.request.method == "PATCH"):
            return [UnionAdminOnly()]
        return [Office()]

    def create(self, request, *args, **kwargs):
        standard = s.standard_set(by=request.user, **validated(request, CareStandardInputSerializer))
        return Response(CareStandardSerializer(standard).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="慰问设置（报告后几天未慰问即提醒校工会）", request=CareSettingsSerializer,
                   responses=CareSettingsSerializer, methods=["GET", "PATCH"], filters=False)
    @action(detail=False, methods=["get", "patch"], url_path="settings", filterset_class=None)
    def care_settings(self, request):
        if request.method == "PATCH":
            s.care_settings_update(by=request.user, **validated(request, CareSettingsSerializer))
        return Response({"reminder_days": s.care_settings().reminder_days})


# --- visits ---------------------------------------------------------------------------------------

@extend_schema(tags=["帮扶慰问"])
@extend_schema_view(
    list=extend_schema(summary="慰问记录",
                       description="校工会和帮扶专干看到全部；分工会主席只看到本分工会会员的慰问。"),
    retrieve=extend_schema(summary="慰问记录详情"),
    create=extend_schema(
        summary="登记慰问", request=CareVisitInputSerializer, responses={201: CareVisitSerializer},
        description="标准以内：登记并立即写入收支记录（待审批）。超出标准：须填写原因，状态为待审批，"
                    "由登记人以外的校工会管理员批准后入账。已退会/转出的会员、金额超过两位小数或为负、"
                    "已结账年度：400/409，不写入任何记录。"),
)
class CareVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = CareVisit.objects.none()
    serializer_class = CareVisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["visited_on", "amount", "created"]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "history"):
            return [VisitReaders()]
        if self.action in ("approve", "reject"):
            return [UnionAdminOnly()]
        return [Office()]

    def base_queryset(self):
        if self.action == "list":
            return q.visits_listed(self.request.user)
        return q.visits_visible_to(self.request.user).order_by("-visited_on", "-id")

    def create(self, request, *args, **kwargs):
        visit = s.visit_record(by=request.user, **validated(request, CareVisitInputSerializer))
        return Response(CareVisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="批准超标准慰问（写入收支记录）", request=ReasonSerializer, responses=CareVisitSerializer,
                   description="登记人本人不能批准：403；不是待审批状态：409。")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        visit = s.visit_decide(visit=self.get_object(), by=request.user, approve=True,
                               **validated(request, ReasonSerializer))
        return Response(CareVisitSerializer(visit).data)

    @extend_schema(summary="不批准超标准慰问（须写明原因）", request=ReasonSerializer, responses=CareVisitSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        visit = s.visit_decide(visit=self.get_object(), by=request.user, approve=False,
                               **validated(request, ReasonSerializer))
        return Response(CareVisitSerializer(visit).data)

    @extend_schema(summary="办理过程（登记、报批、审批）", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        return _history(self, self.get_object())

    @extend_schema(summary="慰问统计：本年度按类型、按分工会的次数和金额（已登记和已批准的慰问）",
                   parameters=[OpenApiParameter("year", int, description="年度（默认今年）")],
                   responses=CareFiguresSerializer, filters=False)
    @action(detail=False, methods=["get"], filterset_class=VisitFilter)
    def figures(self, request):
        year = self.filter_values().get("year") or timezone.localdate().year
        return Response(CareFiguresSerializer(q.care_figures(int(year))).data)


# --- life events ----------------------------------------------------------------------------------

@extend_schema(tags=["帮扶慰问"])
@extend_schema_view(
    list=extend_schema(summary="待慰问事项（分工会报告的住院、生育等；会员退休）",
                       description="校工会和帮扶专干看到全部；分工会主席只看到本分工会的。"),
    retrieve=extend_schema(summary="待慰问事项详情"),
    create=extend_schema(summary="报告待慰问事项（分工会主席只能报告本分工会会员）", request=LifeEventInputSerializer,
                         responses={201: LifeEventSerializer}),
)
class LifeEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = LifeEvent.objects.none()
    serializer_class = LifeEventSerializer
    filterset_class = LifeEventFilter

    def get_permissions(self):
        return [Office()] if self.action == "close" else [OfficeOrChair()]

    def base_queryset(self):
        if self.action == "list":
            return q.events_listed(self.request.user)
        return q.events_visible_to(self.request.user).order_by("-reported_at", "-id")

    def create(self, request, *args, **kwargs):
        event = s.life_event_report(by=request.user, **validated(request, LifeEventInputSerializer))
        return Response(LifeEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="关闭（不再慰问，须写明原因）", request=ReasonSerializer, responses=LifeEventSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        event = s.life_event_close(event=self.get_object(), by=request.user, **validated(request, ReasonSerializer))
        return Response(LifeEventSerializer(event).data)

    @extend_schema(summary="办理过程", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        return _history(self, self.get_object())


# --- batches --------------------------------------------------------------------------------------

@extend_schema(tags=["帮扶慰问"])
@extend_schema_view(
    list=extend_schema(summary="批量慰问"),
    retrieve=extend_schema(summary="批量慰问详情"),
    create=extend_schema(summary="登记批量慰问（每人一条慰问记录，全批一条收支记录）", request=CareBatchInputSerializer,
                         responses={201: CareBatchSerializer},
                         description="节日慰问、送温暖、生日可选全体在会会员、指定分工会、工会小组或会员；"
                                     "人均金额超出标准：400。"),
)
class CareBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = CareBatch.objects.none()
    serializer_class = CareBatchSerializer
    filterset_class = BatchFilter
    permission_classes = [Office]

    def base_queryset(self):
        return q.batches_listed(self.request.user)

    def create(self, request, *args, **kwargs):
        batch = s.batch_record(by=request.user, **validated(request, CareBatchInputSerializer))
        return Response(CareBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="预览人数（不写入）", request=BatchPreviewSerializer, responses=BatchPreviewResultSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        return Response({"count": s.batch_members(**validated(request, BatchPreviewSerializer)).count()})


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("care/standards", CareStandardViewSet, basename="care-standard")
    router.register("care/visits", CareVisitViewSet, basename="care-visit")
    router.register("care/life-events", LifeEventViewSet, basename="care-life-event")
    router.register("care/batches", CareBatchViewSet, basename="care-batch")
