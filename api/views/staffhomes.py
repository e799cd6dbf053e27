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
from api.filters import CriterionFilter, HomeApplicationFilter, ProvinceHomeApplicationFilter, YearListFilter
from api.params import validated
from api.permissions import ProvinceAdmin, ProvinceStaff, UnionAdmin
from api.scoping import current_school
from api.serializers.staffhomes import (
    CriterionInputSerializer,
    CriterionSerializer,
    HomeApplicationInputSerializer,
    HomeApplicationSerializer,
    HomeDecisionSerializer,
    InspectionSerializer,
    ReviewInputSerializer,
    RoundSerializer,
    SchoolHomeApplicationSerializer,
)
from shared.staffhomes import selectors
from shared.staffhomes import services as s
from shared.staffhomes.models import Criterion, HomeApplication, Round


def applications_queryset(action=None, *, reviews=True):
    if action == "list":
        return selectors.applications_listed(HomeApplication.objects.all(), reviews=reviews)
    return HomeApplication.objects.select_related("school", "round").prefetch_related("reviews", "inspections",
                                                                                      "materials")


class CriterionViews(mixins.ListModelMixin):
    queryset = Criterion.objects.all()
    serializer_class = CriterionSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = CriterionFilter

    def base_queryset(self):
        return Criterion.objects.order_by("round_id", "order", "id")


@extend_schema(tags=["先进教职工之家"])
@extend_schema_view(list=extend_schema(summary="建家标准（?round= 某一评选年度的）"))
class SchoolCriterionViewSet(CriterionViews, SchoolViewSet):
    dangerously_unscoped = "建家标准由自治区统一制定，全区每一所学校都按它自评。"

    def base_queryset(self):
        return super().base_queryset().exclude(round__status=Round.Status.DRAFT)


@extend_schema(tags=["先进教职工之家（省级）"])
@extend_schema_view(
    list=extend_schema(summary="建家标准（?round= 某一评选年度的）"),
    create=extend_schema(summary="新增建家标准（评选年度筹备中）", request=CriterionInputSerializer,
                         responses={201: CriterionSerializer}),
    partial_update=extend_schema(summary="修改建家标准（评选年度筹备中）"),
    destroy=extend_schema(summary="删除建家标准（评选年度筹备中）"))
class ProvinceCriterionViewSet(CriterionViews, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                               mixins.DestroyModelMixin, ProvinceViewSet):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        # Listing: whoever sees the round pages (admin and reviewers); judges have no business here.
        return [(ProvinceStaff if self.action == "list" else ProvinceAdmin)()]

    def create(self, request, *args, **kwargs):
        criterion = s.criterion_create(by=request.user, **validated(request, CriterionInputSerializer))
        return Response(CriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = s.criterion_update(criterion=serializer.instance, by=self.request.user,
                                                 **serializer.validated_data)

    def perform_destroy(self, instance):
        s.criterion_delete(criterion=instance, by=self.request.user)


@extend_schema(tags=["先进教职工之家（省级）"])
@extend_schema_view(list=extend_schema(summary="评选年度"),
                    create=extend_schema(summary="新建评选年度（筹备中，带上一年度的建家标准）"),
                    partial_update=extend_schema(summary="修改评选年度（筹备中）"))
class ProvinceRoundViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ProvinceViewSet):
    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        return [(ProvinceStaff if self.action == "list" else ProvinceAdmin)()]

    def perform_create(self, serializer):
        serializer.instance = s.round_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = s.round_update(round=serializer.instance, by=self.request.user,
                                             **serializer.validated_data)

    @extend_schema(summary="开始申报（筹备中 → 申报中；此后建家标准固定）", request=None, responses=RoundSerializer,
                   description="没有建家标准或申报截止已过时 409；非筹备中的年度 409 并说明当前状态。")
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return Response(RoundSerializer(s.round_open(round=self.get_object(), by=request.user)).data)

    @extend_schema(summary="截止申报（申报中 → 评审中；截止时间前也可提前截止）", request=None, responses=RoundSerializer,
                   description="此后学校不能再申报，评审和确认继续。非申报中的年度 409 并说明当前状态。")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(RoundSerializer(s.round_close(round=self.get_object(), by=request.user)).data)

    @extend_schema(summary="公布名单（本年度所有申报均已确认或不予确认后）", request=None, responses=RoundSerializer,
                   description="评审中（或申报中，先截止申报）→ 已公布名单：此后不再接受申报，确认结果不再改变。"
                               "尚有未决定的申报时 409；已公布的年度 409 并说明当前状态。")
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
        return applications_queryset(self.action)

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
        rows = selectors.confirmed_homes(year=year).prefetch_related("reviews", "inspections", "materials")
        return self.paginated(rows.select_related("school", "round"), HomeApplicationSerializer)

    @extend_schema(summary="某年度需复查的称号（默认今年）", responses=HomeApplicationSerializer(many=True),
                   description="确认年度 + 复查年限到期的称号，以及更早到期、此前尚未复查的；同一单位后来再次确认的不列。"
                               "确认后记录的实地检查（复查年度 1 月 1 日及以后）即为复查。")
    @action(detail=False, methods=["get"], url_path="due-for-recheck", filterset_class=YearListFilter)
    def due_for_recheck(self, request):
        year = self.filter_values()["year"] or timezone.localdate().year
        rows = selectors.due_for_recheck(year=year).prefetch_related("reviews", "inspections", "materials")
        return self.paginated(rows.select_related("school", "round"), HomeApplicationSerializer)


@extend_schema(tags=["先进教职工之家"])
@extend_schema_view(list=extend_schema(summary="评选年度"))
class SchoolRoundViewSet(mixins.ListModelMixin, SchoolViewSet):
    dangerously_unscoped = "评选年度由自治区开启，面向全区每一所学校（筹备中的不列出）。"
    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    permission_classes = [IsAuthenticated]

    def base_queryset(self):
        return Round.objects.exclude(status=Round.Status.DRAFT)


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
        # the school's answer leaves out the reviewers' scores (SchoolHomeApplicationSerializer)
        return applications_queryset(self.action, reviews=False)

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
