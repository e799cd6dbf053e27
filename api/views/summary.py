"""The API of 年度工作总结 (issue #12, point 7): the years a summary can be drafted for, the figures
of one year as JSON, and the draft as .docx — the school's (union office only) and, on the
provincial host, the region's (provincial admin only). Nothing is stored: each call reads the data."""
from __future__ import annotations

import datetime
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.permissions import ProvinceAdmin, UnionAdmin
from api.serializers.summary import SummaryYearSerializer
from shared.stats.models import SchoolStats
from tenants.workplan.models import Plan
from tenants.yearsummary.docx import DOCX, write
from web.school.summary import docx_response

YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度（有数据的年份或最近 5 年）")


def as_json(value):
    """Figures as JSON: amounts and rates as strings (never a float), dates as ISO dates."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


class _YearSummary:
    """What both hosts' endpoints share; the host's class says which years, figures and draft."""

    lookup_field = "year"
    lookup_value_regex = r"[0-9]+"
    serializer_class = SummaryYearSerializer

    def years(self) -> list[int]:
        raise NotImplementedError

    def figures(self, year: int) -> dict:
        raise NotImplementedError

    def draft(self, figures: dict):
        raise NotImplementedError

    def slug(self) -> str:
        return ""

    def _year(self, year) -> int:
        from tenants.yearsummary.figures import check_year

        return check_year(year, self.years())

    def list(self, request):
        from tenants.yearsummary.figures import default_year

        years = self.years()
        default = default_year() if default_year() in years else years[0]
        base = request.build_absolute_uri("/api/v1/summary/")
        rows = [{"year": y, "school_slug": self.slug(), "is_default": y == default,
                 "figures": f"{base}{y}/", "docx": f"{base}{y}/docx/"} for y in years]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SummaryYearSerializer(page, many=True).data)

    def retrieve(self, request, year=None):
        return Response(as_json(self.figures(self._year(year))))

    @extend_schema(summary="年度工作总结初稿（.docx）", parameters=[YEAR],
                   responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def docx(self, request, year=None):
        draft = self.draft(self.figures(self._year(year)))
        return docx_response(write(draft), draft.file_name)


@extend_schema(tags=["年度工作总结"])
@extend_schema_view(
    list=extend_schema(summary="可生成年度工作总结的年度（有数据的年份或最近 5 年）"),
    retrieve=extend_schema(summary="本校某年度工作总结所用的数据", parameters=[YEAR], responses=OpenApiTypes.OBJECT),
)
class SchoolYearSummaryViewSet(_YearSummary, SchoolViewSet):
    # rows are years, not records; the plan of a year is the nearest model (for the OpenAPI generator)
    queryset = Plan.objects.none()
    permission_classes = [UnionAdmin]

    def slug(self) -> str:
        return self.request.tenant.slug

    def years(self) -> list[int]:
        from tenants.yearsummary.figures import summary_years

        return summary_years()

    def figures(self, year: int) -> dict:
        from tenants.yearsummary.figures import school_figures

        return school_figures(self.request.tenant, year)

    def draft(self, figures: dict):
        from tenants.yearsummary.draft import school_draft

        return school_draft(figures)


@extend_schema(tags=["年度工作总结（省级）"])
@extend_schema_view(
    list=extend_schema(summary="可生成全区年度工作总结的年度（有数据的年份或最近 5 年）"),
    retrieve=extend_schema(summary="全区某年度工作总结所用的数据（各校来自统计汇总）", parameters=[YEAR],
                           responses=OpenApiTypes.OBJECT),
)
class ProvinceYearSummaryViewSet(_YearSummary, ProvinceViewSet):
    # rows are years, not records; the schools' figures are the roll-up's (for the OpenAPI generator)
    queryset = SchoolStats.objects.none()
    permission_classes = [ProvinceAdmin]

    def years(self) -> list[int]:
        from shared.yearsummary import region_years

        return region_years()

    def figures(self, year: int) -> dict:
        from shared.yearsummary import region_figures

        return region_figures(year)

    def draft(self, figures: dict):
        from shared.yearsummary import region_draft

        return region_draft(figures)


def register(router) -> None:
    """Registers this area's viewsets on the school host's router."""
    router.register("summary", SchoolYearSummaryViewSet, basename="year-summary")
