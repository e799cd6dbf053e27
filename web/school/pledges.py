"""Pages of 十件实事: the year's pledges to staff, public to every member with their progress (issue #12, point 3).

Every signed-in person of the school reads the list (number, title, owner, status, progress and the
latest progress notes as text); the union office also sees how many files each note carries and
follows the task's page. The 我的 portal shows a summary card linking here.
"""
from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.workplan import calendar as cal
from tenants.workplan.calendar import TASK_TONES, is_overdue, owner_label, task_url
from tenants.workplan.models import Plan, TaskNote
from tenants.workplan.report import pledge_summary, pledges_of
from web.base import SchoolPage
from web.school import Section
from web.todo import Todo

OFFICE = frozenset({Role.UNION_ADMIN})
NOTES_SHOWN = 3


def pledge_years() -> list[int]:
    return list(Plan.objects.filter(tasks__is_pledge=True).distinct().order_by("-year").values_list("year", flat=True))


def default_year(years: list[int]) -> int:
    return cal.default_year(years)


def pledge_rows(year: int, *, office: bool):
    """The year's pledges numbered 1…n, each with its latest notes (text; the files only for the office)."""
    notes = TaskNote.objects.order_by("-written_at", "-id")
    if office:
        notes = notes.prefetch_related("attachments")
    rows = list(pledges_of(year).prefetch_related(Prefetch("notes", queryset=notes, to_attr="pledge_notes")))
    today = timezone.localdate()
    for number, task in enumerate(rows, start=1):
        task.pledge_number = number
        task.owner_name = owner_label(task)
        task.tone = TASK_TONES[task.status]
        task.shown_progress = 100 if task.status == "done" else task.progress
        task.latest_notes = task.pledge_notes[:NOTES_SHOWN]
        task.is_late = is_overdue(task, today)
        task.url = task_url(task) if office else ""
    return rows


class Pledges(SchoolPage):
    template_name = "web/pledges/pledges.html"
    title = "十件实事"

    def get(self, request):
        years = pledge_years()
        # a malformed ?year= is ignored (the rule is the calendar's; the API refuses it)
        year = cal.year_or_default(request.GET.get("year", ""), years)
        office = request.user.has_role(*OFFICE)
        return self.render_page(year=year, years=sorted(set(years) | {year}, reverse=True),
                                pledges=pledge_rows(year, office=office), summary=pledge_summary(year),
                                is_office=office)


urlpatterns = [path("", Pledges.as_view(), name="pledges")]


def workbench_todos(user) -> list[Todo]:
    return []


def portal_sections(user, member) -> list:
    """十件实事 on 我的: how the year's pledges are going, for everyone (member record or not)."""
    years = pledge_years()
    if not years:
        return []
    summary = pledge_summary(default_year(years))
    if summary is None:
        return []
    return [Section(template="web/pledges/_portal.html", context={"summary": summary})]
