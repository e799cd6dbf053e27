"""Reads of the year's work plan and its tasks.

A plan is a public document inside the school: everyone signed in at the school reads every plan
and task (its owner, month, status and progress notes). Writes are the services'.
"""
from __future__ import annotations

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from tenants.columns import own_columns
from tenants.compiled_once import compiled_once
from tenants.counting import SubqueryCount
from tenants.members.models import Branch, Department, Member
from tenants.workplan.models import Plan, Task, TaskNote

T = Task.Status
OPEN = (T.NOT_STARTED, T.IN_PROGRESS)
OWNER_KINDS = {"department": "owner_department_id", "branch": "owner_branch_id", "member": "owner_member_id"}


def plans() -> QuerySet[Plan]:
    return Plan.objects.all().order_by("-year")


def plans_with_counts(rows) -> QuerySet[Plan]:
    """Each plan with its number of tasks and of those done (the list's figures, in its query)."""
    return rows.annotate(task_total=SubqueryCount(Task.objects.filter(plan_id=OuterRef("pk"))),
                         task_done=SubqueryCount(Task.objects.filter(plan_id=OuterRef("pk"), status=T.DONE)))


def tasks_with_handling(rows, user) -> QuerySet[Task]:
    """Each task with user_handles_department: whether ``user`` is a handler of the task's owner
    department (what services.is_task_owner asks per task, in the list's query)."""
    handles = Department.handlers.through.objects.filter(department_id=OuterRef("owner_department_id"),
                                                         user_id=getattr(user, "pk", None))
    return rows.annotate(user_handles_department=Exists(handles))


def tasks_listed(rows, user) -> QuerySet[Task]:
    """A page of tasks as the list shows them (tasks_with_handling), reading of the plan and the owner
    only the year and the name (issue #14: the joined rows' other columns cost building for nothing).
    The union office may act on every task: for it the list asks nothing about handlers (compiling
    that subquery was a quarter of the statement's Python)."""
    from tenants.workplan.services import is_office  # the write rules' module: one rule, asked here too

    own = own_columns(Task)
    if getattr(user, "is_authenticated", False) and is_office(user):
        # the office asks nothing of the owner but its name: one compiled-once column instead of
        # three joined tables and a model each per row
        return (rows.select_related(None).select_related("plan").only(*own, "plan__year")
                .annotate(listed_owner_name=owner_label_column()))
    rows = tasks_with_handling(rows, user)
    return rows.only(
        *own, "plan__year", "owner_department__name", "owner_branch__name", "owner_branch__chair",
        "owner_member__name", "owner_member__user")  # is_task_owner asks the chair and the person's account


@compiled_once(Task)
def owner_label_column():
    """owner_label(task) in the task's own row, by the same rule: the department's name, the
    branch's (分工会 added unless it ends in 工会), the person's, or "" (issue #14)."""
    def of(model, column, label):
        return Subquery(model._base_manager.filter(pk=OuterRef(column)).order_by()
                        .annotate(label=label).values("label"))

    branch = Case(When(name__endswith="工会", then=F("name")), default=Concat(F("name"), Value("分工会")),
                  output_field=CharField())
    return Coalesce(of(Department, "owner_department_id", F("name")), of(Branch, "owner_branch_id", branch),
                    of(Member, "owner_member_id", F("name")), Value(""), output_field=CharField())


def plan_for_year(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).first()


def free_plan_year(year: int) -> int | None:
    """`year`, or the first later year up to next year that has no plan yet (one plan a year); None
    when every one of them has a plan."""
    last = timezone.localdate().year + 1
    taken = set(Plan.objects.filter(year__gte=year, year__lte=last).values_list("year", flat=True))
    return next((y for y in range(year, last + 1) if y not in taken), None)


def current_plan() -> Plan | None:
    """This year's plan, or the latest one."""
    return plan_for_year(timezone.localdate().year) or plans().first()


def owned_by_q(user) -> Q:
    """Tasks the user owns: of the departments they handle, the branches they chair, their own member record."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return (Q(owner_department__handlers=user) | Q(owner_branch__chair=user) | Q(owner_member__user=user))


def tasks() -> QuerySet[Task]:
    return Task.objects.select_related("plan", "owner_department", "owner_branch", "owner_member")


def tasks_owned_by(user) -> QuerySet[Task]:
    return tasks().filter(owned_by_q(user)).distinct()


def parse_owner(value: str) -> tuple[str, int] | None:
    """"department:3" / "branch:2" / "member:5" → (kind, id); anything else None."""
    kind, _, pk = (value or "").partition(":")
    if kind in OWNER_KINDS and pk.isascii() and pk.isdigit() and len(pk) < 10:
        return kind, int(pk)
    return None


def tasks_of(plan: Plan | None = None, *, owner: str = "", status: str = "", month=None, pledge=None,
             mine=None) -> QuerySet[Task]:
    """Tasks of ``plan`` (or every plan), filtered by owner ("department:3", "branch:2", "member:5",
    or "none" for tasks without an owner), status, month (1–12), 十件实事, and `mine` (a user: only
    the tasks they own)."""
    rows = tasks()
    if plan is not None:
        rows = rows.filter(plan=plan)
    if owner == "none":
        rows = rows.filter(owner_department__isnull=True, owner_branch__isnull=True, owner_member__isnull=True)
    elif owner:
        parsed = parse_owner(owner)
        rows = rows.filter(**{OWNER_KINDS[parsed[0]]: parsed[1]}) if parsed else rows.none()
    if status:
        rows = rows.filter(status=status)
    if month:
        rows = rows.filter(month=int(month))
    if pledge is not None:
        rows = rows.filter(is_pledge=bool(pledge))
    if mine is not None:
        rows = rows.filter(owned_by_q(mine)).distinct()
    return rows.order_by("plan_id", "order", "id")


def owner_label(task: Task) -> str:
    if task.owner_department_id:
        return task.owner_department.name
    if task.owner_branch_id:
        name = task.owner_branch.name
        return name if name.endswith("工会") else f"{name}分工会"
    if task.owner_member_id:
        return task.owner_member.name
    return ""


def owner_filter_groups(plan: Plan | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The 负责方 filter of the plan's list: only the departments, branches and people that own a
    task of `plan` (not every member of the school), grouped as the task form's picker is."""
    from tenants.members.models import Branch, Department, Member

    if plan is None:
        return []
    owners = plan.tasks.values_list("owner_department_id", "owner_branch_id", "owner_member_id")
    ids = [set(), set(), set()]
    for row in owners:
        for found, pk in zip(ids, row):
            if pk:
                found.add(pk)
    groups = [
        ("承办部门", [(f"department:{d.pk}", d.name) for d in Department.objects.filter(pk__in=ids[0])]),
        ("分工会", [(f"branch:{b.pk}", b.name) for b in Branch.objects.filter(pk__in=ids[1])]),
        ("个人", [(f"member:{m.pk}", f"{m.name}（{m.employee_number}）") for m in Member.objects.filter(pk__in=ids[2])
                .order_by("branch__sort_order", "employee_number")]),
    ]
    return [(label, options) for label, options in groups if options]


def owner_key(task: Task) -> str:
    for kind, field in OWNER_KINDS.items():
        if getattr(task, field):
            return f"{kind}:{getattr(task, field)}"
    return ""


def notes_of(task: Task) -> QuerySet[TaskNote]:
    return task.notes.select_related("written_by").prefetch_related("attachments").order_by("-written_at", "-id")


def todo_tasks(user, *, today=None) -> QuerySet[Task]:
    """A person's own unfinished tasks of this year's plan due this month or overdue (a month
    passed, or a due date passed)."""
    import calendar

    today = today or timezone.localdate()
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return tasks_owned_by(user).filter(status__in=OPEN, plan__year=today.year).filter(
        Q(month__lte=today.month) | Q(due_on__lte=month_end)).order_by("month", "due_on", "order")


def overdue(task: Task, *, today=None) -> bool:
    """Past its due date, or past the end of its month in the plan's year, and not finished."""
    today = today or timezone.localdate()
    if task.status not in OPEN:
        return False
    if task.due_on:
        return task.due_on < today
    if task.month:
        return (task.plan.year, task.month) < (today.year, today.month)
    return False


def figures(plan: Plan) -> dict:
    rows = list(plan.tasks.values_list("status", flat=True))
    counts = {value: rows.count(value) for value in T.values}
    live = len(rows) - counts[T.CANCELLED]
    return {"total": len(rows), "counts": counts, "done": counts[T.DONE],
            "percent": round(100 * counts[T.DONE] / live) if live else 0}
