"""The API of the hardship register (困难教职工档案) (issue #10).

Confidential: only the union office (union_admin) and the 帮扶专干 (care_officer) may call it;
everyone else of the school gets 403. Lists carry name, branch, level and review dates only; the
detail (household, incomes, reviews) is read through the audited service, one audit record per read.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.filters import YES_NO, IdFilter
from api.params import validated
from api.permissions import UnionAdmin, role_required
from api.serializers.hardship import (
    HardshipCaseInputSerializer,
    HardshipCaseListSerializer,
    HardshipCaseSerializer,
    HardshipLevelSerializer,
    HardshipReasonSerializer,
    HardshipReviewInputSerializer,
    HardshipReviewSerializer,
)
from tenants.accounts.roles import HARDSHIP_READERS
from tenants.hardship import services
from tenants.hardship.models import HardshipCase, HardshipLevel
from tenants.hardship.selectors import cases_listed, levels, overdue_q, search_q
from tenants.members.models import Member

HardshipReader = role_required(*sorted(HARDSHIP_READERS))
CONFIDENTIAL = "仅校工会管理员和帮扶专干可用，其他人一律 403。"


class HardshipCaseFilter(filters.FilterSet):
    level = IdFilter(field_name="level_id", help_text="困难等级编号")
    branch = IdFilter(field_name="member__branch_id", help_text="分工会编号")
    status = filters.ChoiceFilter(choices=HardshipCase.Status.choices, help_text="状态：active 在册，closed 已脱困")
    review_overdue = filters.ChoiceFilter(choices=YES_NO, method="filter_overdue",
                                          help_text="true：复核已逾期的在册档案；false：其余")
    search = filters.CharFilter(method="search_cases", max_length=100, help_text="姓名或工号开头")

    class Meta:
        model = HardshipCase
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value in ("", None):
            return queryset
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)

    def search_cases(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(search_q(value)) if value else queryset


@extend_schema(tags=["困难教职工档案"])
@extend_schema_view(
    list=extend_schema(summary="困难等级列表", description=CONFIDENTIAL),
    retrieve=extend_schema(summary="困难等级详情", description=CONFIDENTIAL),
    create=extend_schema(summary="新增困难等级", description="仅校工会管理员。名称重复为 409。"),
    partial_update=extend_schema(summary="修改困难等级（改名、排序、停用）", description="仅校工会管理员。"),
)
class HardshipLevelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           mixins.UpdateModelMixin, SchoolViewSet):
    queryset = HardshipLevel.objects.none()
    serializer_class = HardshipLevelSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"
    search_fields = ["name"]

    def get_permissions(self):
        return [HardshipReader()] if self.action in ("list", "retrieve") else [UnionAdmin()]

    def base_queryset(self):
        return levels()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.level_create(by=self.request.user, name=data["name"],
                                                    sort_order=data.get("sort_order"))

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.level_update(by=self.request.user, level=serializer.instance,
                                                    name=data.get("name"), sort_order=data.get("sort_order"),
                                                    is_active=data.get("is_active"))


@extend_schema(tags=["困难教职工档案"])
@extend_schema_view(
    list=extend_schema(summary="困难档案列表",
                       description=CONFIDENTIAL + "只含姓名、分工会、等级和复核日期（不含家庭成员与收入）；"
                                                  "复核逾期的排在前面。"),
)
class HardshipCaseViewSet(mixins.ListModelMixin, SchoolViewSet):
    queryset = HardshipCase.objects.none()
    serializer_class = HardshipCaseListSerializer
    filterset_class = HardshipCaseFilter
    lookup_value_regex = r"\d+"
    permission_classes = [HardshipReader]

    def base_queryset(self):
        return cases_listed()

    def _case(self, pk) -> HardshipCase:
        case = HardshipCase.objects.select_related("member", "level").filter(pk=pk).first()
        if case is None:
            raise exceptions.NotFound("没有这份困难档案。")
        return case

    @extend_schema(summary="困难档案详情", responses={200: HardshipCaseSerializer},
                   description=CONFIDENTIAL + "含家庭成员、收入、年度复核和帮扶记录；每次读取都写入审计记录（读取人、时间）。")
    def retrieve(self, request, pk=None):
        try:
            case = services.case_read(by=request.user, case_id=pk)
        except HardshipCase.DoesNotExist:
            raise exceptions.NotFound("没有这份困难档案。")
        response = Response(HardshipCaseSerializer(case, context=self.get_serializer_context()).data)
        # a confidential file must not stay in a browser's or proxy's cache after the audited read
        add_never_cache_headers(response)
        return response

    @extend_schema(summary="建立困难档案", request=HardshipCaseInputSerializer,
                   responses={201: HardshipCaseListSerializer,
                              400: OpenApiResponse(description="会员不存在或已离会、收入不合规等，指明字段"),
                              409: OpenApiResponse(description="该会员已有在册的困难档案")},
                   description="每位会员同时只能有一份在册档案。家庭成员含本人；月收入为元，最多两位小数。")
    def create(self, request):
        data = validated(request, HardshipCaseInputSerializer)
        member = Member.objects.filter(pk=data["member"]).first()
        if member is None:
            raise ValidationError({"member": f"本校没有编号为 {data['member']} 的会员。"})
        case = services.case_register(by=request.user, member=member, level=data["level"], cause=data["cause"],
                                      cause_detail=data["cause_detail"], registered_on=data["registered_on"],
                                      household=[dict(row) for row in data["household"]])
        return Response(HardshipCaseListSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="记录年度复核", request=HardshipReviewInputSerializer,
                   responses={201: HardshipReviewSerializer,
                              409: OpenApiResponse(description="档案已脱困（已关闭），不能复核")},
                   description="维持或调整等级时下次复核日期为复核日期后一年；脱困销档须填复核意见。")
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        data = validated(request, HardshipReviewInputSerializer)
        review = services.case_review(by=request.user, case=self._case(pk), **data)
        return Response(HardshipReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="脱困销档（须填原因）", request=HardshipReasonSerializer,
                   responses={200: HardshipCaseListSerializer, 409: OpenApiResponse(description="状态不允许")})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = validated(request, HardshipReasonSerializer)
        case = services.case_close(by=request.user, case=self._case(pk), reason=data["reason"])
        return Response(HardshipCaseListSerializer(case).data)

    @extend_schema(summary="重新纳入（须填原因）", request=HardshipReasonSerializer,
                   responses={200: HardshipCaseListSerializer,
                              409: OpenApiResponse(description="状态不允许，或该会员已有另一份在册档案")})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = validated(request, HardshipReasonSerializer)
        case = services.case_reopen(by=request.user, case=self._case(pk), reason=data["reason"])
        return Response(HardshipCaseListSerializer(case).data)


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("hardship/levels", HardshipLevelViewSet, basename="hardship-level")
    router.register("hardship/cases", HardshipCaseViewSet, basename="hardship-case")
