"""The 行事历's reminders run for real (the Celery tasks, in the school's schema): the month's tasks to
each owner on the 1st, overdue tasks once to their owners and a summary to the office; idempotent."""
import datetime

from django.utils import timezone

from tenants.accounts.models import Notification
from tenants.workplan.models import Task
from tenants.workplan.tasks import remind_month_start, remind_month_start_task, remind_overdue_task
from tests.conftest import in_schema
from tests.workplan.calendar_setup import make_world


def _told(prefix):
    return {n.user_id: n for n in Notification.objects.filter(message__startswith=prefix)}


def test_the_month_start_reminder_tells_each_owner_once_with_a_link_to_their_calendar(guilin):
    today = timezone.localdate()
    w = make_world(guilin, today.year)
    with in_schema(guilin):
        # this month: the department's task and the branch's (by its due date); the person's is done
        Task.objects.filter(pk=w["march"].pk).update(month=today.month)
        Task.objects.filter(pk=w["june"].pk).update(due_on=today)
        Task.objects.filter(pk=w["pledge_done"].pk).update(month=today.month)
        Task.objects.create(plan=w["plan"], order=9, title="教代会提案督办", owner_department=w["department"],
                            month=today.month)
        assert remind_month_start_task.apply().get() == 2
        assert remind_month_start_task.apply().get() == 0        # the same day (or month): nothing new
        told = _told("【行事历】")
        assert set(told) == {w["handler"].pk, w["chair"].pk}
        assert "2 项" in told[w["handler"].pk].message and "开展三八节系列活动" in told[w["handler"].pk].message
        assert "1 项" in told[w["chair"].pk].message
        assert told[w["chair"].pk].link == f"/calendar/?year={today.year}&owner=me&month={today.month}"
        # next month is another reminder
        following = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        Task.objects.filter(pk=w["march"].pk).update(month=following.month)
        if following.year == today.year:
            assert remind_month_start(today=following) == 1


def test_overdue_tasks_are_told_once_to_their_owners_and_the_office_gets_a_summary(guilin):
    today = timezone.localdate()
    w = make_world(guilin, today.year)
    with in_schema(guilin):
        Task.objects.filter(pk=w["march"].pk).update(month=None, due_on=today - datetime.timedelta(days=1))
        Task.objects.filter(pk=w["june"].pk).update(due_on=today - datetime.timedelta(days=2))
        Task.objects.filter(pk=w["pledge_open"].pk).update(due_on=today)                 # due today: not yet
        Task.objects.filter(pk=w["cancelled"].pk).update(due_on=today - datetime.timedelta(days=9))  # cancelled
        status_before = dict(Task.objects.values_list("pk", "status"))
        assert remind_overdue_task.apply().get() == 2
        assert remind_overdue_task.apply().get() == 0
        told = _told("【逾期提醒】")
        assert set(told) >= {w["handler"].pk, w["chair"].pk, w["admin"].pk}
        assert w["person_user"].pk not in told and w["plain"].pk not in told
        assert "今日新增 2 项" in told[w["admin"].pk].message
        assert Notification.objects.filter(user=w["handler"], message__startswith="【逾期提醒】").count() == 1
        reminded = dict(Task.objects.filter(overdue_reminded_on=today).values_list("pk", "status"))
        assert set(reminded) == {w["march"].pk, w["june"].pk}
        assert dict(Task.objects.values_list("pk", "status")) == status_before    # no status changed
        # a task that becomes overdue later is told then, and only it
        Task.objects.filter(pk=w["pledge_open"].pk).update(due_on=today - datetime.timedelta(days=1))
        assert remind_overdue_task.apply().get() == 1
        assert Notification.objects.filter(user=w["handler"], message__startswith="【逾期提醒】").count() == 2


def test_the_beat_runs_both_reminders_in_every_school():
    from django.conf import settings

    beat = {entry["args"][0]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry.get("args")}
    for name in ("tenants.workplan.tasks.remind_month_start", "tenants.workplan.tasks.remind_overdue"):
        assert beat[name]["task"] == "tenants.tasks.run_for_every_school"
    assert beat["tenants.workplan.tasks.remind_month_start"]["schedule"].day_of_month == {1}
