"""Provincial site: the region's draft 年度工作总结 (issue #12, point 7) — the schools' figures from
the statistics roll-up (one row per school, with totals) and the province's own work, shown on the
page and downloaded as .docx. Figures: shared/yearsummary.py."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path

from shared.yearsummary import check_year, default_year, region_draft, region_figures, region_years
from tenants.accounts.roles import Role
from tenants.yearsummary.docx import write
from web.base import ProvincePage
from web.school.summary import docx_response

ADMIN = frozenset({Role.PROVINCE_ADMIN})


class RegionSummary(ProvincePage):
    template_name = "web/summary/region.html"
    title = "年度工作总结"
    roles = ADMIN

    def get(self, request):
        years = region_years()
        try:
            year = check_year(request.GET.get("year", ""), years)
        except ValidationError:
            year = default_year() if default_year() in years else years[0]
        figures = region_figures(year)
        return self.render_page(year=year, years=years, draft=region_draft(figures), figures=figures)


class RegionSummaryDocx(ProvincePage):
    roles = ADMIN

    def get(self, request, year):
        try:
            year = check_year(year, region_years())
        except ValidationError:
            raise Http404("没有这一年的总结")
        draft = region_draft(region_figures(year))
        return docx_response(write(draft), draft.file_name)


urlpatterns = [
    path("", RegionSummary.as_view(), name="summary"),
    path("<int:year>/docx/", RegionSummaryDocx.as_view(), name="summary-docx"),
]


def workbench_todos(user) -> list:
    return []
