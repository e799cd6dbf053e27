"""The demo's plans: three real notices imported as this year's plan, one written with its 十件实事."""
from django.utils import timezone

from tenants.members.demo import seed_members
from tenants.workplan import calendar as cal
from tenants.workplan import selectors as q
from tenants.workplan.demo import seed_workplan
from tenants.workplan.models import Plan, Task
from tests.conftest import in_schema

T = Task.Status


def test_the_demo_plans_have_owners_and_every_state(huzhou, hnit):
    from tenants.accounts.models import User

    for school in (huzhou, hnit):
        with in_schema(school):
            seed_members(school, count=24)
            seed_workplan(school)
            seed_workplan(school)  # idempotent
            plan = Plan.objects.get()
            assert plan.year == timezone.localdate().year
            assert {T.NOT_STARTED, T.IN_PROGRESS, T.DONE, T.CANCELLED} <= set(plan.tasks.values_list("status",
                                                                                                      flat=True))
            for username in ("member1", "chair1", "jiaowu"):
                assert q.tasks_owned_by(User.objects.get(username=username)).exists(), username
            assert q.todo_tasks(User.objects.get(username="chair1")).exists()
            assert plan.tasks.filter(notes__isnull=False).exists()
            if school.slug == "huzhou":
                assert plan.tasks.filter(origin="calendar").count() == 34
                assert plan.source_text.startswith(open(
                    "tenants/workplan/demo_notices/huzhou-university-2023.txt", encoding="utf-8").read()[:20])
            else:
                assert plan.tasks.filter(is_pledge=True).count() == 10


def test_every_imported_demo_plan_lists_some_welfare_points_as_pledges(guilin):
    with in_schema(guilin):
        seed_members(guilin, count=24)
        seed_workplan(guilin)
        pledges = list(Plan.objects.get().tasks.filter(is_pledge=True))
        assert pledges and "幸福桂院" in pledges[0].title
        # a point is left behind its due date: the 行事历 shows 已逾期 (on 1 January no date has passed)
        today = timezone.localdate()
        assert cal.overdue_tasks(today).exists() or (today.month, today.day) == (1, 1)
        assert {t.status for t in pledges} <= {T.NOT_STARTED, T.IN_PROGRESS, T.DONE}
