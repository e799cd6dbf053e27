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


def test_the_demos_pledges_have_an_owner_and_notes_of_their_own(guilin, hnit):
    # the notes 湖南信息学院's own 实事 get, and the pledge each was written for
    written_for = {"体检已于 4 月完成，1,186 人参检，新增项目全部落实。": "教职工健康体检提标扩面",
                   "两条线路已开通，日均乘车 420 人次。": "开通教职工通勤班车",
                   "改造方案已通过校长办公会审议，完成招标。": "第二食堂教工餐厅改造",
                   "报名 86 人，已落实场地和 12 名带班教师。": "建设教职工子女暑期托管班",
                   "已完成困难教职工摸底，建档 37 人。": "完善困难教职工帮扶机制"}
    own_texts = set(written_for)
    year = timezone.localdate().year
    for school in (guilin, hnit):
        with in_schema(school):
            seed_members(school, count=24)
            seed_workplan(school)
            plan = Plan.objects.get()
            pledges = list(plan.tasks.filter(is_pledge=True).select_related("owner_department", "owner_branch"))
            assert pledges
            for task in pledges:
                # a department or a branch answers for every 实事 (never 负责：未指定)
                assert task.owner_department_id or task.owner_branch_id, task.title
                assert q.owner_label(task)
                for note in task.notes.all():
                    if note.text in own_texts:  # a note written for one pledge stands on that pledge only
                        assert written_for[note.text] == task.title, (task.title, note.text)
                if task.status == T.DONE:
                    assert task.progress == 100
            if school.slug == "guilin":
                # an imported plan's notes fit any pledge: none of 湖南信息学院's own
                assert not plan.tasks.filter(notes__text__in=own_texts).exists()
                assert plan.tasks.filter(is_pledge=True, notes__isnull=False).exists()
                # the 文号 moved to this year with the title and the date
                assert plan.doc_number == f"桂院工〔{year}〕1号" and str(year) in plan.title
                assert plan.issued_on.year == year
            else:
                assert {t.title for t in pledges if t.notes.exists()} == set(written_for.values())
