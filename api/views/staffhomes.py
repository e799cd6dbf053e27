"""先进教职工之家 on both hosts."""
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.files import UPLOAD_REQUEST, download
from api.filters import HomeApplicationFilter, ProvinceHomeApplicationFilter, YearListFilter
from api.params import validated
from api.permissions import ProvinceAdmin, ProvinceStaff, UnionAdmin
from api.scoping import current_school
from api.serializers.staffhomes import (
    CriterionSerializer,
    HomeApplicationInputSerializer,
    HomeApplicationSerializer,
    HomeDecisionSerializer,
    InspectionSerializer,
    ReviewInputSerializer,
    RoundSerializer,
    SchoolHomeApplicationSerializer,
)
from shared.staffhomes import services as s
from shared.staffhomes.models import Criterion, HomeApplication, Round


def applications_queryset():
    return HomeApplication.objects.select_related("school", "round").prefetch_related("reviews", "inspections",
                                                                                      "materials")


class CriterionViews(mixins.ListModelMixin):
    queryset = Criterion.objects.all()
    serializer_class = CriterionSerializer
    permission_classes = [IsAuthenticated]


@extend_schema(tags=["先进教职工之家"])
@extend_schema_view(list=extend_schema(summary="建家标准"))
class SchoolCriterionViewSet(CriterionViews, SchoolViewSet):
    dangerously_unscoped = "建家标准由自治区统一制定，全区每一所学校都按它自评。"


@extend_schema(tags=["先进教职工之家（省级）"])
@extend_schema_view(list=extend_schema(summary="建家标准"))
class ProvinceCriterionViewSet(CriterionViews, ProvinceViewSet):
    pass


@extend_schema(tags=["先进教职工之家（省级）"])
@extend_schema_view(list=extend_schema(summary="评选年度"), create=extend_schema(summary="开启评选年度"))
class ProvinceRoundViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ProvinceViewSet):
    queryset = Round.objects.all()
    serializer_class = RoundSerializer

    def get_permissions(self):
        return [(ProvinceStaff if self.action == "list" else ProvinceAdmin)()]

    def perform_create(self, serializer):
        serializer.instance = s.round_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(summary="公布名单（本年度所有申报均已确认或不予确认后）", request=None, responses=RoundSerializer,
                   description="申报中 → 已公布名单：此后不再接受申报，确认结果不再改变。尚有未决定的申报时 409；"
                               "已公布的年度 409 并说明当前状态。")
    @action(detail=True, methods=["post"], url_path="publish-list")
    def publish_list(self, request, pk=None):
        return Response(RoundSerializer(s.round_publish_list(round=self.get_object(), by=request.user)).data)


@extend_schema(tags=["先进教职工之家（省级）"])
@extend_schema_view(list=extend_schema(summary="全区建家申报"), retrieve=extend_schema(summary="申报详情"))
class ProvinceHomeApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProvinceViewSet):
    queryset = HomeApplication.objects.none()
    serializer_class = HomeApplicationSerializer
    permission_classes = [ProvinceStaff]
    filterset_class = ProvinceHomeApplicationFilter

    def base_queryset(self):
        return applications_queryset()

    def _detail(self, pk):
        return Response(HomeApplicationSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="下载申报材料", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"materials/(?P<file_id>[0-9]+)")
    def material(self, request, pk=None, file_id=None):
        return download(self.get_object().materials, file_id)

    @extend_schema(summary="评审评分（每项不超过满分）", request=ReviewInputSerializer, responses=HomeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        s.review_submit(application=self.get_object(), by=request.user, **validated(request, ReviewInputSerializer))
        return self._detail(pk)

    @extend_schema(summary="记录实地检查", request=InspectionSerializer, responses=HomeApplicationSerializer)
    @action(detail=True, methods=["post"])
    def inspection(self, request, pk=None):
        s.inspection_record(application=self.get_object(), by=request.user, **validated(request, InspectionSerializer))
        return self._detail(pk)

    @extend_schema(summary="确认或不予确认", request=HomeDecisionSerializer, responses=HomeApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def decide(self, request, pk=None):
        s.application_decide(application=self.get_object(), by=request.user, **validated(request, HomeDecisionSerializer))
        return self._detail(pk)

    @extend_schema(summary="确认名单（按年度；不填为全部年度）", responses=HomeApplicationSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=YearListFilter)
    def confirmed(self, request):
        year = self.filter_values()["year"]
        rows = s.confirmed_list(year=year).prefetch_related("reviews", "inspections", "materials")
        return self.paginated(rows.select_related("school", "round"), HomeApplicationSerializer)

    @extend_schema(summary="到期需复查的称号（默认今年）", responses=HomeApplicationSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="due-for-recheck", filterset_class=YearListFilter)
    def due_for_recheck(self, request):
        year = self.filter_values()["year"] or timezone.localdate().year
        rows = s.due_for_recheck(year=year).prefetch_related("reviews", "inspections", "materials")
        return self.paginated(rows.select_related("school", "round"), HomeApplicationSerializer)


@extend_schema(tags=["先进教职工之家"])
@extend_schema_view(list=extend_schema(summary="评选年度"))
class SchoolRoundViewSet(mixins.ListModelMixin, SchoolViewSet):
    dangerously_unscoped = "评选年度由自治区开启，面向全区每一所学校。"
    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    permission_classes = [IsAuthenticated]


@extend_schema(tags=["先进教职工之家"])
@extend_schema_view(list=extend_schema(summary="本校建家申报"), retrieve=extend_schema(summary="本校申报详情"),
                    create=extend_schema(summary="申报（含自评）", request=HomeApplicationInputSerializer,
                                         responses={201: SchoolHomeApplicationSerializer}))
class SchoolHomeApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                                   SchoolViewSet):
    queryset = HomeApplication.objects.all()
    school_field = "school"
    serializer_class = SchoolHomeApplicationSerializer
    permission_classes = [UnionAdmin]
    filterset_class = HomeApplicationFilter

    def base_queryset(self):
        return applications_queryset()

    def create(self, request, *args, **kwargs):
        application = s.application_submit(by=request.user, school=current_school(request),
                                           **validated(request, HomeApplicationInputSerializer))
        return Response(SchoolHomeApplicationSerializer(self.get_queryset().get(pk=application.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="上传申报材料", request=UPLOAD_REQUEST, responses={201: SchoolHomeApplicationSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        s.material_attach(application=self.get_object(), by=request.user, upload=request.FILES.get("file"))
        return Response(SchoolHomeApplicationSerializer(self.get_queryset().get(pk=pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载申报材料", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"materials/(?P<file_id>[0-9]+)")
    def material(self, request, pk=None, file_id=None):
        return download(self.get_object().materials, file_id)
