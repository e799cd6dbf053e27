"""Pages of 行事历: the year's tasks month by month, the school's and the province's circular points; the year-end report (issue #12, point 2).

Everyone signed in at the school reads the calendar (who owns what is no secret inside the union);
a provincial point links to the school's own page for that circular (the union office's). The
year-end report is the office's; a branch chair or a department's 经办人 reads it for the tasks they
own. The rules are tenants.workplan.calendar's and .report's.
"""
from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone

from tenants.workplan import calendar as cal
from tenants.workplan.report import REPORT_OFFICE, can_read_report, report_scope, report_xlsx, year_report
from web.base import SchoolPage
from web.todo import Todo, counted_many

OFFICE = REPORT_OFFICE


def _year(request, years: list[int]) -> int:
    """?year= when it is a year; else (not given or malformed: ignored) this year if it has a plan,
    else the latest plan's. The rule is tenants.workplan.calendar's, the API's too."""
    return cal.year_or_default(request.GET.get("year", ""), years)


def _years(year: int) -> list[int]:
    years = set(cal.years_with_plans()) | {timezone.localdate().year, year}
    return sorted(years, reverse=True)


class Calendar(SchoolPage):
    template_name = "web/calendar/calendar.html"
    title = "行事历"

    def get(self, request):
        year = _year(request, cal.years_with_plans())
        values = {name: request.GET.get(name, "") for name in ("owner", "source", "status")}
        entries = cal.calendar_entries(school=request.tenant, year=year, user=request.user, **values)
        months = cal.by_month(entries, year)
        opened = request.GET.get("month", "")
        for month in months:
            month.opened = (str(month.number) == opened) if opened else month.current
        return self.render_page(
            year=year, years=_years(year), months=months, values=values, filtered=any(values.values()),
            owner_choices=cal.owner_choices(year), source_choices=cal.SOURCES, status_choices=cal.STATUS_FILTERS,
            count=len(entries), overdue=sum(e.overdue for e in entries),
            can_report=can_read_report(request.user), is_office=request.user.has_role(*OFFICE))


class Report(SchoolPage):
    template_name = "web/calendar/report.html"
    title = "年度工作计划完成情况"

    def get(self, request):
        scope = report_scope(request.user)
        year = _year(request, cal.years_with_plans())
        report = year_report(year, user=scope)
        if request.GET.get("export") == "xlsx":
            if report is None:
                raise Http404("这一年没有工作计划")
            from api.files import xlsx_response

            own = "（本人负责）" if scope is not None else ""
            return xlsx_response(report_xlsx(report), f"{year}年度工作计划完成情况{own}.xlsx")
        return self.render_page(year=year, years=_years(year), report=report, own_only=scope is not None)


urlpatterns = [
    path("", Calendar.as_view(), name="calendar"),
    path("report/", Report.as_view(), name="calendar-report"),
]


def workbench_counters(user) -> dict:
    if not user.has_role(*OFFICE):
        return {}
    today = timezone.localdate()
    # the items show the title, owner and due date
    return {"late": cal.overdue_tasks(today).filter(plan__year__gte=today.year - 1).only(
        "id", "title", "due_on", "month", "plan__year", "owner_department__name", "owner_branch__name",
        "owner_member__name")}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    """The union office's overview: every overdue task of the school (urgent). A person's own tasks
    are the work plan's todo (我负责的任务), not repeated here."""
    if not user.has_role(*OFFICE):
        return []
    today = timezone.localdate()
    found = counted_many(workbench_counters(user)) if found is None else found
    count, late = found["late"]
    if not count:
        return []
    return [Todo(key="calendar-overdue", label="全校逾期未完成的计划任务", count=count, urgent=True,
                 url=reverse("school:calendar") + f"?year={today.year}&status=overdue",
                 items=[{"text": f"{t.title[:40]}（{cal.owner_label(t)}）", "url": cal.task_url(t),
                         "when": t.due_on or cal.month_end(t.plan.year, t.month)} for t in late])]
