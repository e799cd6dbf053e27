"""Honours on both hosts: the province runs campaigns and decides; a school nominates its own."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from drf_spectacular.types import OpenApiTypes
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.files import UPLOAD_REQUEST, download
from api.filters import (
    HonourRecordFilter,
    NominationFilter,
    ProvinceHonourRecordFilter,
    ProvinceNominationFilter,
)
from api.params import validated
from api.permissions import ProvinceAdmin, ProvinceStaff, UnionAdmin
from api.scoping import current_school
from api.serializers.honours import (
    CampaignSerializer,
    CareInputSerializer,
    CareSerializer,
    HonourDecisionSerializer,
    HonourRecordSerializer,
    NominationInputSerializer,
    NominationSerializer,
    ObjectionInputSerializer,
    PublicitySerializer,
    QuotaSerializer,
    ReviewSerializer,
    SchoolCampaignSerializer,
)
from shared.honours import services as s
from shared.honours.models import HonourCampaign, HonourRecord, Nomination, Objection
from shared.honours.selectors import campaigns_for_school, nominations_listed
from tenants.selectors import schools



def nominations_queryset(action=None):
    if action == "list":
        return nominations_listed(Nomination.objects.all())
    return Nomination.objects.select_related("school", "campaign").prefetch_related(
        Prefetch("objections", queryset=Objection.objects.order_by("recorded_at")), "attachments")


# --- provincial host --------------------------------------------------------------------------

@extend_schema(tags=["荣誉推荐（省级）"])
@extend_schema_view(list=extend_schema(summary="推荐活动列表"), retrieve=extend_schema(summary="推荐活动详情"),
                    create=extend_schema(summary="发起推荐活动"))
class ProvinceCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              ProvinceViewSet):
    queryset = HonourCampaign.objects.all()
    serializer_class = CampaignSerializer

    def get_permissions(self):
        return [(ProvinceStaff if self.action in ("list", "retrieve") else ProvinceAdmin)()]

    def perform_create(self, serializer):
        serializer.instance = s.campaign_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(summary="设置某校名额", request=QuotaSerializer, responses=QuotaSerializer)
    @action(detail=True, methods=["post"])
    def quota(self, request, pk=None):
        data = validated(request, QuotaSerializer)
        school = get_object_or_404(schools(), slug=data["school"])
        s.campaign_set_quota(campaign=self.get_object(), school=school, quota=data["quota"], by=request.user)
        return Response(data)

    @extend_schema(summary="截止推荐、进入评审（推荐截止时间之后）", request=None, responses=CampaignSerializer,
                   description="推荐中 → 评审中：此后学校不能再推荐或撤回。截止前 409；不在推荐中时 409 并说明当前状态。"
                               "开始公示时若尚未进入评审，会自动先进入评审。")
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        s.campaign_start_review(campaign=self.get_object(), by=request.user)
        return Response(CampaignSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="开始公示（所有评审通过的推荐）", request=PublicitySerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def publicize(self, request, pk=None):
        s.campaign_publicize(campaign=self.get_object(), by=request.user, **validated(request, PublicitySerializer))
        return Response(CampaignSerializer(self.get_queryset().get(pk=pk)).data)


@extend_schema(tags=["荣誉推荐（省级）"])
@extend_schema_view(list=extend_schema(summary="全区推荐列表"), retrieve=extend_schema(summary="推荐详情"))
class ProvinceNominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProvinceViewSet):
    serializer_class = NominationSerializer
    permission_classes = [ProvinceStaff]
    queryset = Nomination.objects.none()
    filterset_class = ProvinceNominationFilter

    def base_queryset(self):
        return nominations_queryset(self.action)

    def _detail(self, nomination):
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)

    @extend_schema(summary="下载事迹材料附件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<file_id>[0-9]+)")
    def attachment(self, request, pk=None, file_id=None):
        return download(self.get_object().attachments, file_id)

    @extend_schema(summary="评审（通过或不通过；不通过须填意见）", request=ReviewSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._detail(s.nomination_review(nomination=self.get_object(), by=request.user,
                                                **validated(request, ReviewSerializer)))

    @extend_schema(summary="记录公示异议（公示期内）", request=ObjectionInputSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def objections(self, request, pk=None):
        nomination = self.get_object()
        s.objection_record(nomination=nomination, by=request.user, **validated(request, ObjectionInputSerializer))
        return self._detail(nomination)

    @extend_schema(summary="公示期满后决定授予或不授予", request=HonourDecisionSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def decide(self, request, pk=None):
        return self._detail(s.nomination_decide(nomination=self.get_object(), by=request.user,
                                                **validated(request, HonourDecisionSerializer)))


@extend_schema(tags=["荣誉推荐（省级）"])
@extend_schema_view(list=extend_schema(summary="荣誉获得者名录"), retrieve=extend_schema(summary="荣誉获得者详情"))
class ProvinceHonourRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProvinceViewSet):
    serializer_class = HonourRecordSerializer
    permission_classes = [ProvinceStaff]
    queryset = HonourRecord.objects.select_related("school").order_by("-year", "person_name", "id")
    filterset_class = ProvinceHonourRecordFilter
    search_fields = ["person_name"]

    @extend_schema(summary="记录关爱（春节慰问、疗休养…）", request=CareInputSerializer, responses={201: CareSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def care(self, request, pk=None):
        care = s.care_record(record=self.get_object(), by=request.user, **validated(request, CareInputSerializer))
        return Response(CareSerializer(care).data, status=status.HTTP_201_CREATED)


# --- school host (the school's own rows of the shared tables) ----------------------------------

@extend_schema(tags=["荣誉推荐"])
@extend_schema_view(list=extend_schema(summary="推荐活动（含本校名额与已用）"),
                    retrieve=extend_schema(summary="推荐活动详情"))
class SchoolCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Campaigns are provincial and addressed to every school; quotas shown are this school's."""

    dangerously_unscoped = "推荐活动由自治区发起、面向全区每一所学校；各校名额另按本校计算。"
    queryset = HonourCampaign.objects.all()

    def base_queryset(self):
        return campaigns_for_school(current_school(self.request)).order_by("-year", "-id")
    serializer_class = SchoolCampaignSerializer
    permission_classes = [IsAuthenticated]


@extend_schema(tags=["荣誉推荐"])
@extend_schema_view(
    list=extend_schema(summary="本校推荐列表"), retrieve=extend_schema(summary="本校推荐详情"),
    create=extend_schema(summary="推荐人选（名额用完时 409）", request=NominationInputSerializer,
                         responses={201: NominationSerializer}))
class SchoolNominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              SchoolViewSet):
    queryset = Nomination.objects.all()
    school_field = "school"
    serializer_class = NominationSerializer
    permission_classes = [UnionAdmin]
    filterset_class = NominationFilter

    def base_queryset(self):
        return nominations_queryset(self.action)

    def create(self, request, *args, **kwargs):
        nomination = s.nomination_submit(by=request.user, school=current_school(request),
                                         **validated(request, NominationInputSerializer))
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="上传事迹材料附件", request=UPLOAD_REQUEST, responses={201: NominationSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        nomination = self.get_object()
        s.nomination_attach(nomination=nomination, by=request.user, upload=request.FILES.get("file"))
        return Response(NominationSerializer(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载事迹材料附件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<file_id>[0-9]+)")
    def attachment(self, request, pk=None, file_id=None):
        return download(self.get_object().attachments, file_id)

    @extend_schema(summary="撤回推荐（截止前）", request=None, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        nomination = s.nomination_withdraw(nomination=self.get_object(), by=request.user)
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)


@extend_schema(tags=["荣誉推荐"])
@extend_schema_view(list=extend_schema(summary="本校荣誉获得者"))
class SchoolHonourRecordViewSet(mixins.ListModelMixin, SchoolViewSet):
    queryset = HonourRecord.objects.select_related("school").order_by("-year", "person_name", "id")
    school_field = "school"
    serializer_class = HonourRecordSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = HonourRecordFilter


