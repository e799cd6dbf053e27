"""Statistics: the provincial dashboard (one row per school plus totals) and a school's own rows."""
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceAPIView, SchoolViewSet
from api.files import XLSX, xlsx_response
from api.params import int_param, validated
from api.permissions import ProvinceAdmin
from api.serializers.stats import (
    RefreshResultSerializer,
    RefreshSerializer,
    SchoolStatsSerializer,
    StatsBoardSerializer,
)
from shared.stats import export
from shared.stats.models import SchoolStats
from shared.stats.services import dashboard, rollup_request

YEAR = OpenApiParameter("year", int, description="年度，默认今年")


def _year(request) -> int:
    year = int_param(request, "year") or timezone.localdate().year
    if not 2000 <= year <= 2100:
        from django.core.exceptions import ValidationError

        raise ValidationError({"year": "年度应在 2000 到 2100 之间。"})
    return year


def _board(request) -> dict:
    board = dashboard(year=_year(request))
    return StatsBoardSerializer(board).data


@extend_schema(tags=["统计（省级）"])
class ProvinceStatsView(ProvinceAPIView):
    permission_classes = [ProvinceAdmin]

    @extend_schema(summary="全区统计：每校一行并附合计", parameters=[YEAR], responses=StatsBoardSerializer)
    def get(self, request):
        return Response(_board(request))


@extend_schema(tags=["统计（省级）"])
class ProvinceStatsExportView(ProvinceAPIView):
    permission_classes = [ProvinceAdmin]

    @extend_schema(summary="导出全区统计（.xlsx）", parameters=[YEAR], responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request):
        board = dashboard(year=_year(request))
        return xlsx_response(export.workbook(board), f"{board['year']}年各校工会统计.xlsx")


@extend_schema(tags=["统计（省级）"])
class ProvinceStatsRefreshView(ProvinceAPIView):
    permission_classes = [ProvinceAdmin]

    @extend_schema(summary="立即重新统计（每校一个后台任务）", request=RefreshSerializer,
                   responses={202: RefreshResultSerializer})
    def post(self, request):
        data = validated(request, RefreshSerializer)
        year = data.get("year") or timezone.localdate().year
        rollup_request(year=year)
        return Response({"year": year, "queued": True}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["统计"])
class SchoolStatsViewSet(mixins.ListModelMixin, SchoolViewSet):
    """The school's own rows of the provincial statistics."""

    queryset = SchoolStats.objects.all()
    school_field = "school"
    serializer_class = SchoolStatsSerializer
    permission_classes = [IsAuthenticated]

    def base_queryset(self):
        return SchoolStats.objects.select_related("school").order_by("-year")

