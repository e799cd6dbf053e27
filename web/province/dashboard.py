"""Provincial site: the dashboard (数据看板) — the region's figures per school as charts.

The figures are shared.stats.selectors.dashboard_charts: members, new members and congress rates
as of the last roll-up (nightly at 02:00, at the end of demo seeding and when `make run` starts
without a fresh one — see shared/stats/management/commands/rollup_stats.py), subsidy money and
honours live from the province's own tables. Each chart is drawn by web/static/web/
province-dashboard.js from JSON on the page (json_script: the CSP allows no inline script), is
also a table on the page, and downloads as .xlsx through tenants/xlsx.py.
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from api.files import xlsx_response
from shared.stats import export
from shared.stats.selectors import dashboard_chart, dashboard_charts, dashboard_years, last_rollup, stale_schools
from shared.stats.services import dashboard, rollup_request
from tenants.accounts.roles import Role
from tenants.freshness import PUBLIC, remembered
from tenants.text import ascii_int
from web.base import ProvincePage
from web.templatetags.ui import yuan
from web.todo import Todo, counted_many

ADMIN = frozenset({Role.PROVINCE_ADMIN})


def chosen_year(request) -> tuple[int, list[int]]:
    """The year asked for when the dashboard has it; otherwise this year (as a list filter treats a
    value outside its choices)."""
    years = dashboard_years()
    asked = (request.GET.get("year") or request.POST.get("year") or "").strip()
    year = ascii_int(asked, max_digits=4)
    year = year if year in years else timezone.localdate().year
    return year, years


def shown(value, fmt: str) -> str:
    """A figure as the tables show it: ¥1,234.50, 87.5%, 240, and — where a school has none."""
    if value is None:
        return "—"
    if fmt == "money":
        return yuan(value)
    if fmt == "percent":
        return f"{value}%"
    return str(value)


def _cells_html(cells) -> str:
    return SafeString("".join(f'<td class="numeric" data-label="{conditional_escape(cell["name"])}">'
                              f'{conditional_escape(cell["text"])}</td>' for cell in cells))


class Dashboard(ProvincePage):
    template_name = "web/province/dashboard/dashboard.html"
    title = "数据看板"
    roles = ADMIN

    def get(self, request):
        year, years = chosen_year(request)
        # the same for every provincial officer who may open it, and all of it from the province's
        # tables: computed again after a provincial write (a roll-up, a subsidy, an honour), or a minute
        figures = remembered(f"dashboard:{year}", schemas=(PUBLIC,), compute=lambda: self.figures(year))
        return self.render_page(year=year, years=years, **figures)

    @staticmethod
    def figures(year: int) -> dict:
        charts = dashboard_charts(year=year)
        for chart in charts:
            for cell in [c for row in chart.rows for c in row["cells"]] + chart.totals:
                cell["text"] = shown(cell["value"], cell["format"])
            # the tables' figure cells, drawn here: a template loop over every school × figure of
            # every chart was a large part of the page's time
            for row in chart.rows:
                row["cells_html"] = _cells_html(row["cells"])
            chart.totals_html = _cells_html(chart.totals)
        by_key = {chart.key: chart for chart in charts}
        this_year = year == timezone.localdate().year
        stale = list(stale_schools()) if this_year else []
        counters = [
            ("schools", "参与统计的学校", sum(1 for v in by_key["members"].series[-1].values if v is not None), ""),
            ("members", "在会会员", by_key["members"].series[-1].total or 0, ""),
            ("new-members", f"{year} 年新入会", by_key["new-members"].series[0].total or 0, ""),
            ("allocated", "补助已核定", by_key["subsidies"].series[0].total, "money"),
            ("disbursed", "补助已拨付", by_key["subsidies"].series[1].total, "money"),
            ("awarded", "获得荣誉", by_key["honours"].series[1].total, ""),
            ("care", f"{year} 年慰问金额", by_key["care"].series[1].total, "money"),
            ("activities", f"{year} 年活动参与人次", by_key["activities"].series[1].total, ""),
        ]
        figures_html = render_to_string("web/province/dashboard/figures.html", {
            "year": year, "charts": charts, "chart_data": {c.key: c.data() for c in charts},
            "counters": [{"key": k, "label": label, "text": shown(value or 0, fmt)}
                         for k, label, value, fmt in counters]})
        return dict(figures_html=figures_html, last_rollup=last_rollup(year=year), stale=stale, this_year=this_year)


class ChartExport(ProvincePage):
    """One chart's table as .xlsx (the same rows as on the page)."""

    roles = ADMIN

    def get(self, request, key):
        year, _ = chosen_year(request)
        chart = dashboard_chart(year=year, key=key)
        if chart is None:
            raise Http404("没有这张图表")
        return xlsx_response(export.chart_workbook(chart, year), f"{year}年{chart.title}.xlsx")


class FullExport(ProvincePage):
    """Every school's roll-up row of the year, as GET /api/v1/stats/export/ gives it."""

    roles = ADMIN

    def get(self, request):
        year, _ = chosen_year(request)
        return xlsx_response(export.workbook(dashboard(year=year)), f"{year}年各校工会统计.xlsx")


class Refresh(ProvincePage):
    """立即重新统计: the nightly job now (one background task per school), as POST /api/v1/stats/refresh/."""

    roles = ADMIN
    http_method_names = ["post"]

    def post(self, request):
        year, _ = chosen_year(request)
        self.call_service(lambda: rollup_request(year=year),
                          success="已开始重新统计各校数据，通常一两分钟内完成，请稍后刷新本页。")
        return redirect(f"{reverse('province:dashboard')}?year={year}")


urlpatterns = [
    path("", Dashboard.as_view(), name="dashboard"),
    path("refresh/", Refresh.as_view(), name="dashboard-refresh"),
    path("export/all.xlsx", FullExport.as_view(), name="dashboard-export-all"),
    path("export/<slug:key>.xlsx", ChartExport.as_view(), name="dashboard-export"),
]


def workbench_counters(user) -> dict:
    return {"stale": stale_schools()} if user.has_role(Role.PROVINCE_ADMIN) else {}


def workbench_todos(user, found: dict | None = None) -> list:
    """Active schools whose figures missed the nightly roll-up (the worker or beat is not running,
    or a school was just opened): the dashboard shows them as of an older time."""
    if not user.has_role(Role.PROVINCE_ADMIN):
        return []
    found = counted_many(workbench_counters(user)) if found is None else found
    count, stale = found["stale"]
    if not count:
        return []
    url = reverse("province:dashboard")
    return [Todo("stats_stale", "统计数据未更新的学校", count, url, urgent=True,
                 items=[{"text": school.name if school.rolled_up_at else f"{school.name}（尚未统计）", "url": url,
                         "when": school.rolled_up_at} for school in stale])]
