"""Reminders of the 行事历 (Celery beat, per school; issue #12, point 2).

- On the 1st of each month every owner — a department's 经办人, a branch's chair, the person — gets ONE
  站内通知 counting their open tasks of that month, linking to the calendar filtered to them.
- Daily, every open task past its due date (or, without one, past the end of its month) is told to its
  owners once (`Task.overdue_reminded_on`, set by a queryset update — not a status change), and the
  union office gets one summary of what became overdue that day.

Both are idempotent: run twice the same day, the second run sends nothing. Only the plans of this
year and last year are looked at (an old plan left unfinished does not flood anyone's inbox).
"""
from __future__ import annotations

import datetime
from collections import defaultdict

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from tenants.tasks import SchoolTask
from tenants.workplan.calendar import OPEN, in_month_q, overdue_q
from tenants.workplan.models import Task

LIST_IN_MESSAGE = 5


def owner_users(task) -> list:
    """Who is told about a task: its department's active 经办人, its branch's chair, or the person."""
    if task.owner_department_id:
        return [u for u in task.owner_department.handlers.all() if u.is_active]
    if task.owner_branch_id:
        chair = task.owner_branch.chair
        return [chair] if chair is not None and chair.is_active else []
    if task.owner_member_id:
        user = task.owner_member.user
        return [user] if user is not None and user.is_active else []
    return []


def _titles(tasks) -> str:
    names = "；".join(t.title[:30] for t in tasks[:LIST_IN_MESSAGE])
    return names + ("等" if len(tasks) > LIST_IN_MESSAGE else "")


def _by_owner(tasks) -> dict:
    per_user, users = defaultdict(list), {}
    for task in tasks:
        for user in owner_users(task):
            users[user.pk] = user
            per_user[user.pk].append(task)
    return {users[pk]: rows for pk, rows in per_user.items()}


def _tasks():
    return Task.objects.select_related("plan", "owner_department", "owner_branch__chair", "owner_member__user") \
        .prefetch_related("owner_department__handlers").order_by("order", "id")


def calendar_link(year: int, month: int | None = None) -> str:
    link = f"/calendar/?year={year}&owner=me"
    return link + (f"&month={month}" if month else "")


def remind_month_start(*, today: datetime.date | None = None) -> int:
    """Each owner's open tasks of this month, one notification per person; how many people were told.
    A person already told this month (the same link since the 1st) is not told again."""
    from tenants.accounts.models import Notification
    from tenants.accounts.services import notify

    today = today or timezone.localdate()
    link = calendar_link(today.year, today.month)
    tasks = list(_tasks().filter(in_month_q(today.year, today.month), status__in=OPEN))
    told = 0
    with transaction.atomic():
        already = set(Notification.objects.filter(link=link, created__date__gte=today.replace(day=1))
                      .values_list("user_id", flat=True))
        for user, rows in _by_owner(tasks).items():
            if user.pk in already:
                continue
            notify(users=[user], link=link,
                   message=f"【行事历】{today.month}月您负责的工作计划任务有 {len(rows)} 项：{_titles(rows)}。")
            told += 1
    return told


def remind_overdue(*, today: datetime.date | None = None) -> int:
    """Tell owners (once per task) and the union office (one summary) of tasks that became overdue;
    returns how many tasks were reminded."""
    from tenants.accounts.models import User
    from tenants.accounts.roles import Role
    from tenants.accounts.services import notify

    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(_tasks().select_for_update(of=("self",), skip_locked=True).filter(
            overdue_q(today), overdue_reminded_on__isnull=True, plan__year__gte=today.year - 1))
        if not due:
            return 0
        for user, rows in _by_owner(due).items():
            notify(users=[user], link=calendar_link(today.year) + "&status=overdue",
                   message=f"【逾期提醒】您负责的 {len(rows)} 项工作计划任务已过期限仍未完成：{_titles(rows)}。")
        office = list(User.objects.filter(is_active=True, roles__contains=[Role.UNION_ADMIN]))
        notify(users=office, link=f"/calendar/?year={today.year}&status=overdue",
               message=f"【逾期提醒】今日新增 {len(due)} 项逾期未完成的工作计划任务：{_titles(due)}。")
        Task.objects.filter(pk__in=[t.pk for t in due]).update(overdue_reminded_on=today)
    return len(due)


@shared_task(base=SchoolTask, name="tenants.workplan.tasks.remind_month_start")
def remind_month_start_task() -> int:
    """The 1st of each month, in each school: owners' tasks of the month."""
    return remind_month_start()


@shared_task(base=SchoolTask, name="tenants.workplan.tasks.remind_overdue")
def remind_overdue_task() -> int:
    """Daily, in each school: tasks that became overdue, to their owners and the office."""
    return remind_overdue()
