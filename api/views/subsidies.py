"""Fund subsidies on both hosts (the school's ledger is in api/views/books.py)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.filters import ProvinceSubsidyApplicationFilter, SubsidyApplicationFilter
from api.params import validated
from api.permissions import ProvinceAdmin, UnionAdmin
from api.scoping import current_school
from api.serializers.subsidies import (
    AllocateSerializer,
    SubsidyApplicationInputSerializer,
    SubsidyApplicationSerializer,
    ProgrammeSerializer,
    SchoolProgrammeSerializer,
    RejectSerializer,
    ReportSerializer,
)
from shared.subsidies import services as s
from shared.subsidies.models import Application, Programme
from shared.subsidies.selectors import applications_listed, programmes_with_allocated
from tenants.members.models import Member


def applications_queryset(action=None):
    if action == "list":
        return applications_listed(Application.objects.all())
    return Application.objects.select_related("school", "programme")


@extend_schema(tags=["经费补助（省级）"])
@extend_schema_view(list=extend_schema(summary="补助项目列表"), retrieve=extend_schema(summary="补助项目详情"),
                    create=extend_schema(summary="设立补助项目（资金池）"),
                    partial_update=extend_schema(summary="修改补助项目（资金池不少于已核定合计；已有核定后分配办法不变）"))
class ProvinceProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                               mixins.UpdateModelMixin, ProvinceViewSet):
    queryset = Programme.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return programmes_with_allocated()
    serializer_class = ProgrammeSerializer

    # Like the subsidies pages (web/province/subsidies.py): the provincial admin only.
    permission_classes = [ProvinceAdmin]

    def perform_create(self, serializer):
        serializer.instance = s.programme_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = s.programme_update(programme=serializer.instance, by=self.request.user,
                                                 **serializer.validated_data)


@extend_schema(tags=["经费补助（省级）"])
@extend_schema_view(list=extend_schema(summary="全区补助申请"), retrieve=extend_schema(summary="补助申请详情"))
class ProvinceApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProvinceViewSet):
    queryset = Application.objects.none()
    serializer_class = SubsidyApplicationSerializer
    permission_classes = [ProvinceAdmin]
    filterset_class = ProvinceSubsidyApplicationFilter

    def base_queryset(self):
        return applications_queryset(self.action)

    def _detail(self, application):
        return Response(SubsidyApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(summary="核定补助（合计不超过资金池）", request=AllocateSerializer, responses=SubsidyApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def allocate(self, request, pk=None):
        return self._detail(s.application_allocate(application=self.get_object(), by=request.user,
                                                   **validated(request, AllocateSerializer)))

    @extend_schema(summary="不予补助（须填原因）", request=RejectSerializer, responses=SubsidyApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def reject(self, request, pk=None):
        return self._detail(s.application_reject(application=self.get_object(), by=request.user,
                                                 **validated(request, RejectSerializer)))

    @extend_schema(summary="拨付（学校账上自动记一笔已审批的上级补助收入）", request=None,
                   responses=SubsidyApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def disburse(self, request, pk=None):
        return self._detail(s.application_disburse(application=self.get_object(), by=request.user))

    @extend_schema(summary="重新发送入账任务（学校账上没有收到补助时；不会重复入账）", request=None,
                   responses=SubsidyApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="resend-income", permission_classes=[ProvinceAdmin])
    def resend_income(self, request, pk=None):
        return self._detail(s.application_resend_income(application=self.get_object(), by=request.user))

    @extend_schema(summary="逾期未报告使用情况的申请", responses=SubsidyApplicationSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], url_path="overdue-reports", filterset_class=None)
    def overdue_reports(self, request):
        return self.paginated(s.overdue_reports().select_related("school", "programme"), SubsidyApplicationSerializer)


@extend_schema(tags=["经费补助"])
@extend_schema_view(list=extend_schema(summary="补助项目"), retrieve=extend_schema(summary="补助项目详情"))
class SchoolProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Programmes are provincial and open to every school."""

    dangerously_unscoped = "补助项目由自治区设立、向全区每一所学校开放申报；各校的核定金额不在此列出。"
    queryset = Programme.objects.all()
    serializer_class = SchoolProgrammeSerializer
    permission_classes = [IsAuthenticated]


@extend_schema(tags=["经费补助"])
@extend_schema_view(list=extend_schema(summary="本校补助申请"), retrieve=extend_schema(summary="本校补助申请详情"),
                    create=extend_schema(summary="申报补助", request=SubsidyApplicationInputSerializer,
                                         responses={201: SubsidyApplicationSerializer}))
class SchoolApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                               SchoolViewSet):
    queryset = Application.objects.all()
    school_field = "school"
    serializer_class = SubsidyApplicationSerializer
    permission_classes = [UnionAdmin]
    filterset_class = SubsidyApplicationFilter

    def base_queryset(self):
        return applications_queryset(self.action)

    def create(self, request, *args, **kwargs):
        data = validated(request, SubsidyApplicationInputSerializer)
        application = s.application_submit(
            by=request.user, school=current_school(request),
            member_count=Member.objects.filter(status=Member.Status.ACTIVE).count(), **data)
        return Response(SubsidyApplicationSerializer(self.get_queryset().get(pk=application.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="报告补助使用情况", request=ReportSerializer, responses=SubsidyApplicationSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        application = s.application_report(application=self.get_object(), by=request.user,
                                           **validated(request, ReportSerializer))
        return Response(SubsidyApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)
