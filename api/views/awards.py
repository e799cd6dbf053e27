"""The API of the school's award campaigns, nominations, 公示 and objections (issue #11).

The union office (union_admin) runs campaigns, reviews, starts the 公示, records and resolves
objections, publishes the final list and forwards winners to a provincial campaign; a branch chair
reads campaigns, nominates for the branches they chair and reads those nominations; anyone else is
refused (403); a member reads their own honours, the 公示 and final lists (awards/publicity/), raises
an objection during a 公示 (POST awards/objections/) and reads the objections they raised. Another school's records do not exist here (404).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.filters import IdFilter, YearFilter
from api.params import validated
from api.permissions import role_required
from api.scoping import current_school
from api.serializers.awards import (
    AwardCampaignInputSerializer,
    AwardCampaignSerializer,
    AwardFiguresSerializer,
    AwardHonourSerializer,
    AwardNominationInputSerializer,
    AwardNominationSerializer,
    AwardObjectionSerializer,
    BranchQuotaSerializer,
    ForwardInputSerializer,
    MemberObjectionInputSerializer,
    ObjectionInputSerializer,
    PublicityCampaignSerializer,
    PublicizeInputSerializer,
    QuotaInputSerializer,
    ReasonInputSerializer,
    ResolutionInputSerializer,
    ReviewInputSerializer,
)
from tenants.accounts.roles import Role
from tenants.awards import selectors as q
from tenants.awards import services as s
from tenants.awards.models import AwardCampaign, AwardKind, AwardNomination, AwardObjection

Office = role_required(Role.UNION_ADMIN)
OfficeOrChair = role_required(Role.UNION_ADMIN, Role.BRANCH_CHAIR)


class CampaignFilter(filters.FilterSet):
    year = YearFilter(field_name="year", help_text="年度")
    kind = filters.ChoiceFilter(choices=AwardKind.choices, help_text="类别")
    status = filters.ChoiceFilter(choices=AwardCampaign.Status.choices, help_text="状态")

    class Meta:
        model = AwardCampaign
        fields = []


class NominationFilter(filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", help_text="评选编号")
    branch = IdFilter(field_name="branch_id", help_text="分工会编号")
    member = IdFilter(field_name="member_id", help_text="会员编号")
    status = filters.ChoiceFilter(choices=AwardNomination.Status.choices, help_text="状态")

    class Meta:
        model = AwardNomination
        fields = []


class ObjectionFilter(filters.FilterSet):
    campaign = IdFilter(field_name="nomination__campaign_id", help_text="评选编号")
    nomination = IdFilter(field_name="nomination_id", help_text="推荐编号")
    status = filters.ChoiceFilter(choices=AwardObjection.Status.choices, help_text="状态")

    class Meta:
        model = AwardObjection
        fields = []


class HonourFilter(filters.FilterSet):
    year = YearFilter(field_name="campaign__year", help_text="年度")
    member = IdFilter(field_name="member_id", help_text="会员编号")

    class Meta:
        model = AwardNomination
        fields = []


@extend_schema(tags=["评先评优"])
@extend_schema_view(
    list=extend_schema(summary="评先评优列表（校工会与分工会主席）"), retrieve=extend_schema(summary="评选详情"),
    create=extend_schema(summary="发起评选（公示少于 5 个工作日：400）", request=AwardCampaignInputSerializer,
                         responses={201: AwardCampaignSerializer}),
)
class AwardCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = AwardCampaign.objects.order_by("-year", "-id")
    serializer_class = AwardCampaignSerializer
    filterset_class = CampaignFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve", "quotas") and self.request.method == "GET":
            return [OfficeOrChair()]
        return [Office()]

    def base_queryset(self):
        return q.campaigns_visible_to(self.request.user).order_by("-year", "-id")

    def create(self, request, *args, **kwargs):
        campaign = s.campaign_create(by=request.user, **validated(request, AwardCampaignInputSerializer))
        return Response(AwardCampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="各分工会名额（GET）；设置某分工会名额（POST）", request=QuotaInputSerializer,
                   responses=BranchQuotaSerializer(many=True), methods=["GET", "POST"])
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def quotas(self, request, pk=None):
        campaign = self.get_object()
        if request.method == "POST":
            s.campaign_set_quota(campaign=campaign, by=request.user, **validated(request, QuotaInputSerializer))
        return Response(BranchQuotaSerializer(q.branch_quotas(campaign), many=True).data)

    @extend_schema(summary="截止推荐、进入审核", request=None, responses=AwardCampaignSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        return Response(AwardCampaignSerializer(s.campaign_start_review(campaign=self.get_object(),
                                                                        by=request.user)).data)

    @extend_schema(summary="公示（按工作日计算结束日期；少于 5 个工作日：400）", request=PublicizeInputSerializer,
                   responses=AwardCampaignSerializer)
    @action(detail=True, methods=["post"])
    def publicize(self, request, pk=None):
        campaign = s.campaign_publicize(campaign=self.get_object(), by=request.user,
                                        **validated(request, PublicizeInputSerializer))
        return Response(AwardCampaignSerializer(campaign).data)

    @extend_schema(summary="公布最终名单（公示期满且异议全部处理后）", request=None, responses=AwardCampaignSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        return Response(AwardCampaignSerializer(s.campaign_finalise(campaign=self.get_object(),
                                                                    by=request.user)).data)

    @extend_schema(summary="历年评选与获评数", responses=AwardFiguresSerializer, filters=False)
    @action(detail=False, methods=["get"], filterset_class=None)
    def figures(self, request):
        return Response(AwardFiguresSerializer({"years": q.awards_per_year()}).data)


def _nomination_response(nomination, code=status.HTTP_200_OK):
    return Response(AwardNominationSerializer(nomination).data, status=code)


@extend_schema(tags=["评先评优"])
@extend_schema_view(
    list=extend_schema(summary="推荐列表（校工会：全部；分工会主席：本分工会）"), retrieve=extend_schema(summary="推荐详情"),
    create=extend_schema(summary="推荐（超出名额或重复：409；他分工会会员：400）", request=AwardNominationInputSerializer,
                         responses={201: AwardNominationSerializer}),
)
class AwardNominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             SchoolViewSet):
    queryset = AwardNomination.objects.order_by("campaign_id", "branch__name", "id")
    serializer_class = AwardNominationSerializer
    filterset_class = NominationFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "withdraw"):
            return [OfficeOrChair()]
        return [Office()]

    def base_queryset(self):
        rows = q.nominations_listed if self.action == "list" else q.nominations_visible_to
        return rows(self.request.user).order_by("campaign_id", "branch__name", "id")

    def create(self, request, *args, **kwargs):
        data = validated(request, AwardNominationInputSerializer)
        nomination = s.nomination_submit(by=request.user, **data)
        return _nomination_response(nomination, status.HTTP_201_CREATED)

    @extend_schema(summary="审核通过", request=ReviewInputSerializer, responses=AwardNominationSerializer)
    @action(detail=True, methods=["post"], url_path="pass")
    def pass_(self, request, pk=None):
        return _nomination_response(s.nomination_review(nomination=self.get_object(), by=request.user, passed=True,
                                                        **validated(request, ReviewInputSerializer)))

    @extend_schema(summary="审核不通过（须填写原因）", request=ReviewInputSerializer, responses=AwardNominationSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request, pk=None):
        return _nomination_response(s.nomination_review(nomination=self.get_object(), by=request.user, passed=False,
                                                        **validated(request, ReviewInputSerializer)))

    @extend_schema(summary="撤回推荐（推荐中）", request=ReasonInputSerializer, responses=AwardNominationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return _nomination_response(s.nomination_withdraw(nomination=self.get_object(), by=request.user,
                                                          **validated(request, ReasonInputSerializer)))

    @extend_schema(summary="记录公示异议（公示期间）", request=ObjectionInputSerializer,
                   responses={201: AwardObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        objection = s.objection_record(nomination=self.get_object(), by=request.user,
                                       **validated(request, ObjectionInputSerializer))
        return Response(AwardObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="推荐至省级荣誉推荐活动（最终名单中的获评者）", request=ForwardInputSerializer,
                   responses=AwardNominationSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        from shared.honours.models import HonourCampaign

        pk_ = validated(request, ForwardInputSerializer)["provincial_campaign"]
        campaign = HonourCampaign.objects.filter(pk=pk_).first()
        if campaign is None:
            raise ValidationError({"provincial_campaign": "没有这项省级推荐活动。"})
        return _nomination_response(s.nomination_forward(nomination=self.get_object(), by=request.user,
                                                         provincial_campaign=campaign,
                                                         school=current_school(request)))


@extend_schema(tags=["评先评优"])
@extend_schema_view(list=extend_schema(summary="评先评优公示与最终名单（全校会员）"),
                    retrieve=extend_schema(summary="一项评选的公示（只有通过审核的人选的姓名与分工会）"))
class AwardPublicityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """公示 is a notice to the school: every signed-in user of the school reads the campaigns in 公示
    (the nominees who passed review: name and branch) and the final lists — nothing else."""

    queryset = AwardCampaign.objects.order_by("-year", "-id")
    serializer_class = PublicityCampaignSerializer
    filterset_class = CampaignFilter

    def base_queryset(self):
        rows = q.publicity_campaigns()
        return q.with_public_nominees(rows) if self.action == "list" else rows


@extend_schema(tags=["评先评优"])
@extend_schema_view(list=extend_schema(summary="公示异议（校工会：全部；会员：本人提出的）"),
                    retrieve=extend_schema(summary="异议详情"),
                    create=extend_schema(summary="对公示中的人选提出异议（公示期外：409；内容为空：400）",
                                         request=MemberObjectionInputSerializer,
                                         responses={201: AwardObjectionSerializer}))
class AwardObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            SchoolViewSet):
    queryset = AwardObjection.objects.order_by("recorded_at", "id")
    serializer_class = AwardObjectionSerializer
    filterset_class = ObjectionFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create"):
            return super().get_permissions()
        return [Office()]

    def base_queryset(self):
        rows = q.objections_listed if self.action == "list" else q.objections_visible_to
        return rows(self.request.user).order_by("recorded_at", "id")

    def create(self, request, *args, **kwargs):
        objection = s.objection_record(by=request.user, **validated(request, MemberObjectionInputSerializer))
        return Response(AwardObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    def _resolve(self, request, upheld: bool):
        objection = s.objection_resolve(objection=self.get_object(), by=request.user, upheld=upheld,
                                        **validated(request, ResolutionInputSerializer))
        return Response(AwardObjectionSerializer(objection).data)

    @extend_schema(summary="异议成立（撤销该推荐，处理意见即原因）", request=ResolutionInputSerializer,
                   responses=AwardObjectionSerializer)
    @action(detail=True, methods=["post"])
    def uphold(self, request, pk=None):
        return self._resolve(request, True)

    @extend_schema(summary="异议不成立", request=ResolutionInputSerializer, responses=AwardObjectionSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._resolve(request, False)


@extend_schema(tags=["评先评优"])
@extend_schema_view(list=extend_schema(summary="校级荣誉（会员本人；校工会：全部）"),
                    retrieve=extend_schema(summary="荣誉详情"))
class AwardHonourViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = AwardNomination.objects.order_by("-campaign__year", "-id")
    serializer_class = AwardHonourSerializer
    filterset_class = HonourFilter

    def base_queryset(self):
        rows = q.school_honours_listed if self.action == "list" else q.school_honours_visible_to
        return rows(self.request.user)


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("awards/campaigns", AwardCampaignViewSet, basename="award-campaign")
    router.register("awards/nominations", AwardNominationViewSet, basename="award-nomination")
    router.register("awards/objections", AwardObjectionViewSet, basename="award-objection")
    router.register("awards/publicity", AwardPublicityViewSet, basename="award-publicity")
    router.register("awards/honours", AwardHonourViewSet, basename="award-honour")
