"""The year-end report of the work plan (issue #12, point 2): per section and per owner how many tasks
were planned, done, in progress, not started and cancelled, the done rate, the unfinished tasks with
their last progress note, and the 十件实事 apart. Exported to .xlsx through tenants/xlsx.py.

The union office reads the whole plan; a branch chair or a department's 经办人 reads the same report
limited to the tasks they own (`user=`)."""
from __future__ import annotations

from collections import OrderedDict

from django.db.models import Count, OuterRef, Prefetch
from django.db.models.functions import JSONObject

from tenants.accounts.roles import Role
from tenants.compiled_once import compiled_once
from tenants.counting import RelatedRows, SubqueryCount
from tenants.workplan.calendar import (TASK_TONES, is_overdue, owned_by_q, owner_label, owner_label_column,
                                       task_month)
from tenants.workplan.models import Plan, Task, TaskNote

S = Task.Status
NO_SECTION = "未分章节"

# who reads the year-end report, on the page and through the API (its ?year= is read by
# tenants.workplan.calendar.parse_year / year_or_default, the calendar's rule)
REPORT_OFFICE = frozenset({Role.UNION_ADMIN})
REPORT_READERS = REPORT_OFFICE | {Role.BRANCH_CHAIR, Role.DEPARTMENT_HANDLER}
REPORT_REFUSED = "年终报告只有校工会、分工会主席和承办部门经办人可以查看。"


def can_read_report(user) -> bool:
    return user.has_role(*REPORT_READERS)


def report_scope(user):
    """None: the whole plan (the union office); the user: only the tasks they own (a branch chair,
    a department's 经办人); anyone else is refused (django PermissionDenied, a 403 on page and API)."""
    from django.core.exceptions import PermissionDenied

    if user.has_role(*REPORT_OFFICE):
        return None
    if user.has_role(*REPORT_READERS):
        return user
    raise PermissionDenied(REPORT_REFUSED)


def _rate(done: int, counted: int) -> str:
    return f"{done * 100 / counted:.1f}%" if counted else "—"


def _figures(tasks) -> dict:
    counts = {status: 0 for status in S.values}
    for task in tasks:
        counts[task.status] += 1
    return _figures_of_counts(counts)


def _figures_of_counts(counts: dict) -> dict:
    planned = sum(counts.values())
    # a cancelled task is no longer expected: the rate is of what remained planned
    return {"planned": planned, "done": counts[S.DONE], "in_progress": counts[S.IN_PROGRESS],
            "not_started": counts[S.NOT_STARTED], "cancelled": counts[S.CANCELLED],
            "done_rate": _rate(counts[S.DONE], planned - counts[S.CANCELLED])}


def _grouped(tasks, key) -> list[dict]:
    groups: OrderedDict[str, list] = OrderedDict()
    for task in tasks:
        groups.setdefault(key(task), []).append(task)
    return [{"name": name, **_figures(rows)} for name, rows in groups.items()]


def _section(task) -> str:
    if task.section_number or task.section_title:
        return f"{task.section_number}、{task.section_title}".strip("、") if task.section_number else task.section_title
    return NO_SECTION


def report_tasks(year: int, user=None):
    """The tasks of `year`'s plan the report covers: all, or those `user` owns."""
    rows = (Task.objects.filter(plan__year=year)
            .select_related("plan", "owner_department", "owner_branch", "owner_member")
            .prefetch_related(Prefetch("notes", queryset=TaskNote.objects.order_by("-written_at", "-id"),
                                       to_attr="notes_newest_first"))
            .order_by("order", "id"))
    if user is not None:
        rows = rows.filter(owned_by_q(user)).distinct()
    return rows


def _row(task, today=None) -> dict:
    notes = getattr(task, "notes_newest_first", None)
    last = notes[0] if notes else None
    return {"id": task.pk, "section": _section(task), "number": task.number, "title": task.title,
            "owner": owner_label(task), "month": task_month(task), "due_on": task.due_on,
            "status": task.status, "status_label": task.get_status_display(), "tone": TASK_TONES[task.status],
            "progress": task.progress,
            "is_pledge": task.is_pledge, "overdue": is_overdue(task, today), "completed_on": task.completed_on,
            "last_note": last.text if last else "", "last_note_at": last.written_at if last else None}


@compiled_once(Plan)
def _status_counts():
    """{status: number of the plan's tasks} in the plan's own row (the union office's list of years
    in one statement instead of two, issue #14)."""
    return JSONObject(**{status: SubqueryCount(Task.objects.filter(plan_id=OuterRef("pk"), status=status))
                         for status in S.values})


def report_years(plans, *, user=None) -> list[dict]:
    """The list of year reports: each of ``plans`` with its totals — what year_report() answers
    for year, plan_title and totals, for every plan in one or two queries. With ``user``, only the
    years in which they own a task, counting those."""
    if user is None:
        rows = plans.annotate(listed_counts=_status_counts()).values_list("year", "title", "listed_counts")
        return [{"year": year, "plan_title": title,
                 "totals": _figures_of_counts({status: counts[status] for status in S.values})}
                for year, title, counts in rows]
    plans = list(plans.values_list("pk", "year", "title", named=True))  # not the pasted 原文 (issue #14)
    tasks = Task.objects.filter(plan__in=[plan.pk for plan in plans])
    tasks = tasks.filter(pk__in=Task.objects.filter(owned_by_q(user)).values("pk"))
    counts: dict[int, dict] = {}
    for row in tasks.order_by().values("plan_id", "status").annotate(n=Count("id")):
        counts.setdefault(row["plan_id"], {status: 0 for status in S.values})[row["status"]] = row["n"]
    years = []
    for plan in plans:
        own = counts.get(plan.pk, {status: 0 for status in S.values})
        if sum(own.values()):
            years.append({"year": plan.year, "plan_title": plan.title, "totals": _figures_of_counts(own)})
    return years


def year_report(year: int, *, user=None, today=None) -> dict | None:
    """The report of `year`, or None when the school has no plan for that year."""
    plan = Plan.objects.filter(year=year).first()
    if plan is None:
        return None
    tasks = list(report_tasks(year, user))
    rows = [_row(task, today) for task in tasks]
    pledges = [row for row in rows if row["is_pledge"]]
    return {
        "year": year, "plan_title": plan.title, "doc_number": plan.doc_number, "scope": "all" if user is None else "own",
        "totals": _figures(tasks),
        "sections": _grouped(tasks, _section),
        "owners": _grouped(tasks, owner_label),
        "unfinished": [row for row in rows if row["status"] in (S.NOT_STARTED, S.IN_PROGRESS)],
        "pledges": pledges,
        "pledge_totals": _figures([t for t in tasks if t.is_pledge]),
        "tasks": rows,
    }


FIGURE_HEADINGS = ["计划数", "已完成", "推进中", "未开始", "已取消", "完成率"]
FIGURE_KEYS = ["planned", "done", "in_progress", "not_started", "cancelled", "done_rate"]


def _figure_cells(group) -> list:
    return [group[key] for key in FIGURE_KEYS]


def _date(value) -> str:
    return value.isoformat() if value else ""


def report_xlsx(report: dict) -> bytes:
    """Three sheets: 汇总 (the whole, per section, per owner), 任务明细 (every task), 十件实事."""
    from tenants import xlsx

    book = xlsx.new_workbook()
    summary = book.active
    summary.title = "汇总"
    xlsx.append(summary, [f"{report['year']}年度工作计划完成情况", report["plan_title"]])
    xlsx.append(summary, [])
    xlsx.append(summary, ["分组", "名称"] + FIGURE_HEADINGS)
    xlsx.append(summary, ["合计", "全部任务"] + _figure_cells(report["totals"]))
    for group in report["sections"]:
        xlsx.append(summary, ["章节", group["name"]] + _figure_cells(group))
    for group in report["owners"]:
        xlsx.append(summary, ["负责方", group["name"]] + _figure_cells(group))
    xlsx.append(summary, ["十件实事", "十件实事"] + _figure_cells(report["pledge_totals"]))

    detail = book.create_sheet("任务明细")
    xlsx.append(detail, ["章节", "序号", "任务", "负责方", "月份", "完成期限", "状态", "进度（%）", "逾期",
                         "十件实事", "完成日期", "最近进展"])
    for row in report["tasks"]:
        xlsx.append(detail, [row["section"], row["number"], row["title"], row["owner"],
                             f"{row['month']}月" if row["month"] else "全年", _date(row["due_on"]),
                             row["status_label"], row["progress"], "是" if row["overdue"] else "",
                             "是" if row["is_pledge"] else "", _date(row["completed_on"]), row["last_note"]])

    pledges = book.create_sheet("十件实事")
    xlsx.append(pledges, ["序号", "实事", "负责方", "状态", "进度（%）", "最近进展"])
    for number, row in enumerate(report["pledges"], start=1):
        xlsx.append(pledges, [number, row["title"], row["owner"], row["status_label"], row["progress"],
                              row["last_note"]])
    return xlsx.to_bytes(book)


def pledges_of(year: int):
    """The year's 十件实事 in order, with their notes newest first (`notes_newest_first`)."""
    return report_tasks(year).filter(is_pledge=True)


#: the task's columns a pledge's row shows (PledgeSerializer; the owner comes as listed_owner_label):
#: compiling and reading the other ten was a share of the list's Python (issue #14)
PLEDGE_COLUMNS = ("plan", "number", "title", "body", "month", "due_on", "status", "progress", "completed_on")


def pledges_listed(rows):
    """Pledges (pledges_of, or every year's) as the pledges list shows them: of the plan only its year;
    the owner's name (calendar.owner_label_column) and the notes, newest first, as one array of what a
    row shows, in the row's own statement (a prefetch cost a statement, its compilation and a model per
    note; the owners were three joins and three models per row; issue #14)."""
    return (rows.select_related(None).select_related("plan").only(*PLEDGE_COLUMNS, "plan__year")
            .prefetch_related(None)
            .annotate(listed_owner_label=owner_label_column(),  # the owner's name without joining three tables
                      notes_newest_first=RelatedRows(Task, "notes", ["text", "progress", "written_at"],
                                                     order_by=["-written_at", "-id"])))


def pledge_summary(year: int) -> dict | None:
    """For the portal card: how many pledges, done, in progress, and the average progress."""
    tasks = [t for t in pledges_of(year) if t.status != S.CANCELLED]
    if not tasks:
        return None
    return {"year": year, "count": len(tasks), "done": sum(t.status == S.DONE for t in tasks),
            "in_progress": sum(t.status == S.IN_PROGRESS for t in tasks),
            "average": round(sum(100 if t.status == S.DONE else t.progress for t in tasks) / len(tasks))}
