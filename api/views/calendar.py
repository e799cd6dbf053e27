"""The API of 行事历 and 十件实事 (issue #12, points 2 and 3).

- `calendar/` (everyone of the school): the year's entries — the school's tasks and the provincial
  circulars' points sent to this school, with this school's own report — filtered like the page.
- `calendar-report/` (the union office; a branch chair or department 经办人: their own tasks):
  one row per plan year; `calendar-report/<year>/` the year-end report, `…/<year>/xlsx/` the .xlsx.
- `pledges/` (everyone): the 十件实事 with progress and their latest notes (text only).
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import xlsx_response
from api.scoping import current_school
from api.serializers.calendar import CalendarEntrySerializer, PledgeSerializer, ReportSerializer, ReportYearSerializer
from tenants.workplan import calendar as cal
from tenants.workplan.models import Plan, Task
from tenants.workplan.report import pledges_listed, pledges_of, report_scope, report_xlsx, report_years, year_report


def _year_param(request) -> int | None:
    """?year=: None when not given; a malformed one is refused (400 naming `year`) by the rule the pages share."""
    return cal.parse_year(request.query_params.get("year", ""))


def _report_scope(request):
    """The report's rule (tenants.workplan.report), the refusal's Chinese reason kept in the 403."""
    try:
        return report_scope(request.user)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


CALENDAR_PARAMS = [
    OpenApiParameter("year", int, description="年度（默认：今年有计划则今年，否则最近一年）"),
    OpenApiParameter("owner", str, description="负责方：me（仅我负责的）、d<部门编号>、b<分工会编号>、m<会员编号>"),
    OpenApiParameter("source", str, enum=["school", "province"], description="来源：本校 / 省级"),
    OpenApiParameter("status", str, enum=[*Task.Status.values, "overdue"], description="状态（overdue：已逾期）"),
    OpenApiParameter("month", int, description="月份 1–12；0 为全年（不填：全部）"),
]


@extend_schema(tags=["行事历"])
@extend_schema_view(list=extend_schema(summary="行事历：本年度任务与发给本校的省级通知要点（全校会员）",
                                       parameters=CALENDAR_PARAMS, responses=CalendarEntrySerializer(many=True)))
class CalendarViewSet(mixins.ListModelMixin, SchoolViewSet):
    queryset = Task.objects.order_by("order", "id")
    serializer_class = CalendarEntrySerializer

    def list(self, request, *args, **kwargs):
        year = _year_param(request)  # None: calendar_entries finds the default year
        values = {name: request.query_params.get(name, "") for name in ("owner", "source", "status")}
        month = cal.parse_month(request.query_params.get("month", ""))
        cal.parse_owner(values["owner"], request.user)
        if values["source"] not in ("", "school", "province"):
            raise ValidationError({"source": "来源应为 school（本校）或 province（省级）。"})
        if values["status"] not in ("", "overdue", *Task.Status.values):
            raise ValidationError({"status": "状态应为未开始、推进中、已完成、已取消或已逾期之一。"})
        entries = cal.calendar_entries(school=current_school(request), year=year, user=request.user, **values)
        if month is not None:
            entries = [e for e in entries if (e.month or 0) == month]
        entries.sort(key=lambda e: (e.month or 13, e.source != "school"))
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(CalendarEntrySerializer(page, many=True).data)


@extend_schema(tags=["行事历"])
@extend_schema_view(
    list=extend_schema(summary="各年度工作计划的完成情况（校工会；分工会主席、承办部门经办人：本人负责的任务）",
                       responses=ReportYearSerializer(many=True)),
    retrieve=extend_schema(summary="年终报告：按章节、按负责方的完成情况，未完成任务及最近进展，十件实事",
                           responses=ReportSerializer),
)
class CalendarReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = Plan.objects.order_by("-year")
    serializer_class = ReportYearSerializer
    lookup_field = "year"
    lookup_value_regex = r"[0-9]{4}"

    def _report(self, year):
        report = year_report(int(year), user=_report_scope(self.request))
        if report is None:
            raise Http404("这一年没有工作计划")
        return report

    def list(self, request, *args, **kwargs):
        # every year's totals in two queries (year_report would read each year's whole plan)
        rows = report_years(self.get_queryset(), user=_report_scope(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReportYearSerializer(page, many=True).data)

    def retrieve(self, request, *args, year=None, **kwargs):
        return Response(ReportSerializer(self._report(year)).data)

    @extend_schema(summary="年终报告导出（.xlsx：汇总、任务明细、十件实事）",
                   responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, year=None):
        report = self._report(year)
        own = "（本人负责）" if report["scope"] == "own" else ""
        return xlsx_response(report_xlsx(report), f"{year}年度工作计划完成情况{own}.xlsx")


@extend_schema(tags=["十件实事"])
@extend_schema_view(
    list=extend_schema(summary="十件实事及进展（全校会员）",
                       parameters=[OpenApiParameter("year", int, description="年度（不填：各年度）")]),
    retrieve=extend_schema(summary="一件实事及最近进展"),
)
class PledgeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = Task.objects.filter(is_pledge=True).order_by("-plan__year", "order", "id")
    serializer_class = PledgeSerializer

    def base_queryset(self):
        year = _year_param(self.request)
        rows = pledges_of(year) if year is not None else report_tasks_all()
        return pledges_listed(rows) if self.action == "list" else rows


def report_tasks_all():
    from django.db.models import Prefetch

    from tenants.workplan.models import TaskNote

    return (Task.objects.filter(is_pledge=True)
            .select_related("plan", "owner_department", "owner_branch", "owner_member")
            .prefetch_related(Prefetch("notes", queryset=TaskNote.objects.order_by("-written_at", "-id"),
                                       to_attr="notes_newest_first"))
            .order_by("-plan__year", "order", "id"))


def register(router) -> None:
    """Registers this area's viewsets on the school host's router."""
    router.register("calendar", CalendarViewSet, basename="calendar")
    router.register("calendar-report", CalendarReportViewSet, basename="calendar-report")
    router.register("pledges", PledgeViewSet, basename="pledge")
