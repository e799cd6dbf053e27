"""行事历, read side: the year's tasks month by month, with the provincial circulars' points sent to
this school (issue #12, point 2).

A task sits in its `month`, or else the month of its `due_on`; a task with neither sits under 全年.
A task is overdue when it is neither done nor cancelled and its due date (or, without one, the end
of its month) has passed. A provincial point sits in the month of its 完成期限 (without one: 全年),
and a line of the circular's own 行事历 in its first month; each shows THIS school's report only.
"""
from __future__ import annotations

import calendar as _calendar
import datetime
import json
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tenants.compiled_once import compiled_once, rows_compiled_once
from tenants.members.models import Branch, Department, Member
from tenants.reversing import reverse_with_pk
from tenants.text import ascii_int
from tenants.workplan.models import Plan, Task

OPEN = (Task.Status.NOT_STARTED, Task.Status.IN_PROGRESS)
MONTH_NAMES = {m: f"{m}月" for m in range(1, 13)}
WHOLE_YEAR = "全年"
SOURCES = (("school", "本校"), ("province", "省级"))
STATUS_FILTERS = tuple(Task.Status.choices) + (("overdue", "已逾期"),)
# the school's report on a provincial point, as the province sees it
REPORT_LABELS = {"": "未填报", "not_started": "未开始", "in_progress": "推进中", "done": "已完成"}
REPORT_TONES = {"": "bad", "not_started": "muted", "in_progress": "warn", "done": "ok"}
TASK_TONES = {"not_started": "muted", "in_progress": "warn", "done": "ok", "cancelled": "info"}
PROVINCE_LABEL = "省教育工会"


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, _calendar.monthrange(year, month)[1])


def task_month(task) -> int | None:
    return month_of(month=task.month, due_on=task.due_on)


def month_of(*, month, due_on) -> int | None:
    """`task_month` on a task's values (a calendar reads its tasks as rows)."""
    if month:
        return month
    return due_on.month if due_on else None


def is_overdue(task, today: datetime.date | None = None) -> bool:
    return overdue_on(status=task.status, due_on=task.due_on, year=task.plan.year if task.month else None,
                      month=task.month, today=today or timezone.localdate())


def overdue_on(*, status, due_on, year, month, today: datetime.date) -> bool:
    """`is_overdue` on a task's values (a calendar reads its tasks as rows)."""
    if status not in OPEN:
        return False
    if due_on:
        return due_on < today
    if month:
        return month_end(year, month) < today
    return False


def overdue_q(today: datetime.date) -> Q:
    """The same rule as `is_overdue`, for a queryset of tasks."""
    month_passed = Q(due_on__isnull=True, month__isnull=False) & (
        Q(plan__year__lt=today.year) | Q(plan__year=today.year, month__lt=today.month))
    return Q(status__in=OPEN) & (Q(due_on__lt=today) | month_passed)


def overdue_tasks(today: datetime.date | None = None):
    return (Task.objects.filter(overdue_q(today or timezone.localdate()))
            .select_related("plan", "owner_department", "owner_branch", "owner_member")
            .order_by("due_on", "plan__year", "month", "order", "id"))


def in_month_q(year: int, month: int) -> Q:
    """Tasks of `year`'s plan that sit in `month`."""
    return Q(plan__year=year) & (Q(month=month) | Q(month__isnull=True, due_on__year=year, due_on__month=month))


def owned_by_q(user) -> Q:
    """The tasks a user owns: their departments' (as 经办人), their branches' (as chair), their own."""
    return (Q(owner_department__handlers=user) | Q(owner_branch__chair=user)
            | Q(owner_member__user=user, owner_member__isnull=False))


#: what owner_label says of a task nobody owns yet
UNASSIGNED = "未指定"


def owner_label(task) -> str:
    if task.owner_department_id:
        return task.owner_department.name
    if task.owner_branch_id:
        return task.owner_branch.name
    if task.owner_member_id:
        return task.owner_member.name
    return UNASSIGNED


FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_MESSAGE = f"年度应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数。"
MONTH_MESSAGE = "月份应为 1 至 12（0 为全年）。"
OWNER_MESSAGE = "负责方应为 me、d<部门编号>、b<分工会编号> 或 m<会员编号>。"


def parse_year(raw) -> int | None:
    """?year= of the calendar, the report and the pledges (pages and API): None when not given; the
    year when it is one; otherwise a Chinese refusal naming `year` (the API answers 400, a page
    falls back to its default year through `year_or_default`)."""
    from django.core.exceptions import ValidationError

    if raw in (None, ""):
        return None
    year = ascii_int(raw, max_digits=4)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": YEAR_MESSAGE})
    return year


def parse_month(raw) -> int | None:
    """?month= of the calendar: None when not given, 0 (全年) to 12; otherwise a refusal naming `month`."""
    from django.core.exceptions import ValidationError

    if raw in (None, ""):
        return None
    month = ascii_int(raw, max_digits=2)
    if month is None or not 0 <= month <= 12:
        raise ValidationError({"month": MONTH_MESSAGE})
    return month


def default_year(years: list[int] | None = None, today: datetime.date | None = None) -> int:
    """This year if it has a plan (or no year has one), else the latest plan's year."""
    years = years_with_plans() if years is None else years
    this = (today or timezone.localdate()).year
    return this if this in years or not years else years[0]


def year_or_default(raw, years: list[int] | None = None) -> int:
    """For a page: ?year= when it is a year, else the default (a malformed value is ignored)."""
    from django.core.exceptions import ValidationError

    try:
        year = parse_year(raw)
    except ValidationError:
        year = None
    return year if year is not None else default_year(years)


def owner_q(value: str, user) -> Q | None:
    """The owner filter: "me" (仅我负责的), "d<id>" a department, "b<id>" a branch, "m<id>" a person;
    None for a value that is none of these (the page ignores it, the API refuses it: `parse_owner`)."""
    if value == "me":
        return owned_by_q(user)
    kind, pk = value[:1], ascii_int(value[1:])
    if pk is None:
        return None
    return {"d": Q(owner_department_id=pk), "b": Q(owner_branch_id=pk), "m": Q(owner_member_id=pk)}.get(kind)


def parse_owner(value: str, user) -> Q | None:
    """The owner filter for the API: None when not given; a refusal naming `owner` when malformed."""
    from django.core.exceptions import ValidationError

    if not value:
        return None
    rule = owner_q(value, user)
    if rule is None:
        raise ValidationError({"owner": OWNER_MESSAGE})
    return rule


def owner_choices(year: int) -> list[tuple[str, str]]:
    """仅我负责的, then every department, branch and person owning a task of the year."""
    tasks = Task.objects.filter(plan__year=year)
    choices = [("me", "仅我负责的")]
    seen = set()
    for task in tasks.select_related("owner_department", "owner_branch", "owner_member").order_by(
            "owner_department__name", "owner_branch__name", "owner_member__name"):
        for prefix, owner in (("d", task.owner_department), ("b", task.owner_branch), ("m", task.owner_member)):
            if owner is not None and (prefix, owner.pk) not in seen:
                seen.add((prefix, owner.pk))
                kind = {"d": "部门", "b": "分工会", "m": "个人"}[prefix]
                choices.append((f"{prefix}{owner.pk}", f"{owner.name}（{kind}）"))
    return choices


def task_url(task) -> str:
    """The task's own page once it exists; the plan list until then."""
    return task_url_of(task.pk)


def task_url_of(pk) -> str:
    try:
        return reverse_with_pk("school:workplan-task", pk)  # once per URLconf for a year's tasks
    except NoReverseMatch:
        try:
            return reverse("school:workplan")
        except NoReverseMatch:
            return ""


@dataclass
class CalendarEntry:
    """One line of the calendar: a task of the school, or a point of a provincial circular."""

    key: str
    source: str                 # "school" / "province"
    title: str
    owner: str
    status: str
    status_label: str
    tone: str
    month: int | None
    due_on: datetime.date | None = None
    overdue: bool = False
    is_pledge: bool = False
    url: str = ""
    progress: int | None = None
    circular: str = ""
    extra: dict = field(default_factory=dict)


TASK_STATUS_LABELS = dict(Task.Status.choices)


@compiled_once(Task)
def owner_label_column():
    """owner_label(task) in the task's own row: no owner rows joined and built (issue #14). Read by
    the calendar's entries and the pledges list (report.pledges_listed)."""
    def name(model, column):
        return Subquery(model._base_manager.filter(pk=OuterRef(column)).order_by().values("name"))

    return Coalesce(name(Department, "owner_department_id"), name(Branch, "owner_branch_id"),
                    name(Member, "owner_member_id"), Value(UNASSIGNED))


def task_entry(row, year: int, today) -> CalendarEntry:
    """The entry of a task of `year`'s plan read as a row of `TASK_ENTRY_COLUMNS`."""
    pk, title, status, month, due_on, is_pledge, progress, owner = row
    overdue = overdue_on(status=status, due_on=due_on, year=year, month=month, today=today)
    return CalendarEntry(key=f"task-{pk}", source="school", title=title, owner=owner, status=status,
                 status_label=TASK_STATUS_LABELS.get(status, status), tone=TASK_TONES.get(status, "info"),
                 month=month_of(month=month, due_on=due_on), due_on=due_on, overdue=overdue,
                 is_pledge=is_pledge, url=task_url_of(pk), progress=progress)


def year_tasks(year: int):
    return (Task.objects.filter(plan__year=year)
            .select_related("plan", "owner_department", "owner_branch", "owner_member")
            .order_by("order", "id"))


#: what an entry reads of a task (`task_entry`): a row of values, its owner's name in the same
#: row, rather than a task with its plan and owner built for each (issue #14)
TASK_ENTRY_COLUMNS = ("pk", "title", "status", "month", "due_on", "is_pledge", "progress", "listed_owner")


#: stand-ins the statements compiled once are built with: no school has a negative id, and no
#: calendar is of 1999 (a year is 2000–2100, `parse_year`)
_SCHOOL, _YEAR = -20261123, 1999


def _filled(school_pk: int, year: int):
    """The compiled parameters with this request's school and year for the stand-ins."""
    def fill(value):
        if isinstance(value, datetime.date):  # the year's first and last day (and moment)
            return value.replace(year=year) if value.year == _YEAR else value
        if value == _YEAR:
            return year
        return school_pk if value == _SCHOOL else value

    return fill


def _receipts_of_year(school, year: int):
    """This school's receipts of the circulars of `year`: (circular id, title, 行事历, points with
    this school's report) in one statement (issue #14)."""
    from shared.circulars.selectors import points_with_own_report, receipts_of

    return (receipts_of(school).filter(Q(circular__issued_on__year=year)
                                       | Q(circular__issued_on__isnull=True, circular__published_at__year=year))
            .annotate(listed_points=points_with_own_report())
            .values_list("circular_id", "circular__title", "circular__calendar", "listed_points"))


def _receipt_rows(school, year: int) -> list[tuple]:
    """`_receipts_of_year`'s rows, its statement compiled once per process (its shape never changes)."""
    from shared.circulars.models import Circular
    from shared.selectors import require_school
    from tenants.models import School

    require_school(school, "省级通知")
    build = lambda: _receipts_of_year(School(pk=_SCHOOL), _YEAR)  # noqa: E731
    rows = rows_compiled_once("workplan.calendar.receipts", build, _filled(school.pk, year),
                              stand_ins=(_SCHOOL, _YEAR))
    loads = Circular._meta.get_field("calendar").from_db_value
    return [(circular_id, title, loads(calendar, None, None), [json.loads(point) for point in points or ()])
            for circular_id, title, calendar, points in rows]


def circular_entries(school, year: int, *, with_links: bool) -> list[CalendarEntry]:
    """The points (and 行事历 lines) of the provincial circulars of `year` sent to `school`, each with
    this school's own report; never another school's."""
    circulars = _receipt_rows(school, year)
    if not circulars:
        return []
    today = timezone.localdate()
    entries = []
    # the points come by circular id, the 行事历 lines newest circular first (as the two were read)
    for circular_id, circular_title, _, points in sorted(circulars, key=lambda row: row[0]):
        for point in points or ():
            pk, title, state = point["pk"], point["title"], point["own_status"] or ""
            due_on = datetime.date.fromisoformat(point["due_on"]) if point["due_on"] else None
            month = due_on.month if due_on and due_on.year == year else None
            url = reverse_with_pk("school:circular", circular_id) + f"#item-{pk}" if with_links else ""
            entries.append(CalendarEntry(key=f"item-{pk}", source="province", title=title, owner=PROVINCE_LABEL,
                                 status=state or "unreported", status_label=REPORT_LABELS[state],
                                 tone=REPORT_TONES[state], month=month, due_on=due_on,
                                 overdue=bool(due_on and due_on < today and state != "done"),
                                 url=url, circular=circular_title))
    for circular_id, circular_title, calendar, _ in circulars:
        for index, line in enumerate(calendar or []):
            months = line.get("months") or []
            label = line.get("month", "")
            url = reverse_with_pk("school:circular", circular_id) if with_links else ""
            for number, task in enumerate(line.get("tasks") or []):
                entries.append(CalendarEntry(key=f"line-{circular_id}-{index}-{number}", source="province",
                                     title=f"{task}（{label}）" if len(months) > 1 else task, owner=PROVINCE_LABEL,
                                     status="calendar", status_label="行事历", tone="info",
                                     month=months[0] if months and 1 <= months[0] <= 12 else None,
                                     url=url, circular=circular_title))
    return entries


def _tasks_of_year(year: int, user, owner: str, status: str, today: datetime.date):
    tasks = year_tasks(year).annotate(listed_owner=owner_label_column())
    if owner and (rule := owner_q(owner, user)) is not None:
        tasks = tasks.filter(rule).distinct()
    if status == "overdue":
        tasks = tasks.filter(overdue_q(today))
    elif status in Task.Status.values:
        tasks = tasks.filter(status=status)
    return tasks.values_list(*TASK_ENTRY_COLUMNS)


def _task_entries(year: int, user, owner: str, status: str, today: datetime.date) -> list[CalendarEntry]:
    if owner or status == "overdue":  # the person's or the day's: built and compiled for the request
        rows = _tasks_of_year(year, user, owner, status, today)
    else:  # every task, or those of a status: a statement of one shape per status, compiled once
        status = status if status in Task.Status.values else ""
        build = lambda: _tasks_of_year(_YEAR, None, "", status, today)  # noqa: E731
        rows = rows_compiled_once(("workplan.calendar.tasks", status), build, _filled(None, year),
                                  stand_ins=(_YEAR,))
    return [task_entry(row, year, today) for row in rows]


def calendar_entries(*, school, year: int | None, user, owner: str = "", source: str = "", status: str = "",
                     today: datetime.date | None = None) -> list[CalendarEntry]:
    """What the 行事历 shows `user` for `year` (None: `default_year`), filtered. Everyone of the school
    reads every task; links to a provincial point are given to the union office, whose page that is."""
    from tenants.accounts.roles import Role

    today = today or timezone.localdate()
    school_side = source in ("", "school")
    tasks = None
    if year is None:
        # a task of this year's plan shows that this year has a plan: the default year without
        # reading every plan's year (issue #14); no task shown, the years decide as default_year does
        if school_side:
            tasks = _task_entries(today.year, user, owner, status, today)
        year = today.year if tasks else default_year(today=today)
        if year != today.year:
            tasks = None
    entries: list[CalendarEntry] = []
    if school_side:
        entries.extend(tasks if tasks is not None else _task_entries(year, user, owner, status, today))
    if source in ("", "province") and not owner and school is not None:
        points = circular_entries(school, year, with_links=user.has_role(Role.UNION_ADMIN))
        if status == "overdue":
            points = [e for e in points if e.overdue]
        elif status == "not_started":
            points = [e for e in points if e.status in ("not_started", "unreported")]
        elif status in ("in_progress", "done"):
            points = [e for e in points if e.status == status]
        elif status == "cancelled":
            points = []
        entries.extend(points)
    return entries


@dataclass
class Month:
    number: int | None
    label: str
    entries: list
    current: bool = False

    @property
    def overdue_count(self) -> int:
        return sum(1 for e in self.entries if e.overdue)


def by_month(entries: list[CalendarEntry], year: int, today: datetime.date | None = None) -> list[Month]:
    """Twelve months (the current one marked), then 全年 for what has no month."""
    today = today or timezone.localdate()
    months = [Month(m, MONTH_NAMES[m], [], current=(year == today.year and m == today.month)) for m in range(1, 13)]
    whole = Month(None, WHOLE_YEAR, [])
    for entry in entries:
        (months[entry.month - 1] if entry.month else whole).entries.append(entry)
    return months + [whole]


def years_with_plans() -> list[int]:
    return list(Plan.objects.order_by("-year").values_list("year", flat=True))


def month_due(owner_user, year: int, month: int):
    return year_tasks(year).filter(in_month_q(year, month), owned_by_q(owner_user)).distinct()
