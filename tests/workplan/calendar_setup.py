"""The people, owners and tasks the 行事历 / 十件实事 / report tests share (a plain module, not a conftest,
so the work plan's own tests keep theirs): a plan of `year` in guilin with a task per kind of owner."""
import datetime

import pytest
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Department, Member
from tenants.workplan.models import Plan, Task, TaskNote
from tenants.workplan.workflow import TASK_FLOW
from tests.conftest import in_schema, make_user


def make_world(school, year: int):
    """Office, chair, handler, a member with an account, a plain member; a plan of `year` with:
    a department's task in March, a branch's task due 10 June (in progress), a person's pledge in
    September (done), a pledge without a month (全年), a cancelled task in March."""
    with in_schema(school):
        admin = make_user(school, [Role.UNION_ADMIN])
        chair = make_user(school, [Role.BRANCH_CHAIR])
        handler = make_user(school, [Role.DEPARTMENT_HANDLER])
        person_user = make_user(school, [Role.MEMBER])
        plain = make_user(school, [Role.MEMBER])
        branch = Branch.objects.create(name="行事历文学院", chair=chair)
        department = Department.objects.create(name="行事历宣传部")
        department.handlers.add(handler)
        person = Member.objects.create(name="李实事", gender="female", employee_number="CAL001", branch=branch,
                                       employment_type="staff", join_date=datetime.date(2010, 9, 1), user=person_user)
        plan = Plan.objects.create(year=year, title=f"{year}年工会工作要点", doc_number=f"桂院工〔{year}〕1号")

        def task(order, title, **extra):
            return Task.objects.create(plan=plan, order=order, title=title, section_number="一",
                                       section_title="加强思想政治引领", **extra)

        march = task(1, "开展三八节系列活动", owner_department=department, month=3)
        june = task(2, "组织教职工趣味运动会", owner_branch=branch, due_on=datetime.date(year, 6, 10))
        TASK_FLOW.apply(june, "start", by=admin)
        TaskNote.objects.create(task=june, text="场地已落实", progress=40, written_by=admin)
        Task.objects.filter(pk=june.pk).update(progress=40)
        pledge_done = Task.objects.create(plan=plan, order=3, title="改造教工之家", owner_member=person, month=9,
                                          is_pledge=True, section_number="二", section_title="办好十件实事")
        TASK_FLOW.apply(pledge_done, "complete", by=admin)
        pledge_open = Task.objects.create(plan=plan, order=4, title="新建母婴室", owner_department=department,
                                          is_pledge=True, section_number="二", section_title="办好十件实事")
        TaskNote.objects.create(task=pledge_open, text="选址完成，等待施工", progress=20, written_by=admin)
        Task.objects.filter(pk=pledge_open.pk).update(progress=20)
        cancelled = task(5, "赴外省考察", owner_branch=branch, month=3)
        TASK_FLOW.apply(cancelled, "cancel", by=admin, reason="经费调整")
        for t in (march, june, pledge_done, pledge_open, cancelled):
            t.refresh_from_db()
    return {"school": school, "year": year, "admin": admin, "chair": chair, "handler": handler,
            "person_user": person_user, "plain": plain, "branch": branch, "department": department,
            "person": person, "plan": plan, "march": march, "june": june, "pledge_done": pledge_done,
            "pledge_open": pledge_open, "cancelled": cancelled}


@pytest.fixture
def world(guilin):
    return make_world(guilin, timezone.localdate().year)


def send_circular(schools, *, year: int, title: str, due_on=None, calendar=None):
    """A published provincial circular with two points (one with a 完成期限) sent to `schools`."""
    from shared.circulars.models import Circular, CircularItem, CircularRecipient

    circular = Circular.objects.create(title=title, doc_number=f"桂教工〔{year}〕3号", issuer="自治区教育工会",
                                       issued_on=datetime.date(year, 2, 20), status=Circular.Status.PUBLISHED,
                                       published_at=timezone.now(), created_by="province",
                                       calendar=calendar or [])
    first = CircularItem.objects.create(circular=circular, order=1, section_number="一", section_title="思想引领",
                                        number="（一）", title=f"{title}：开展主题教育",
                                        due_on=due_on or datetime.date(year, 5, 31))
    second = CircularItem.objects.create(circular=circular, order=2, section_number="一", section_title="思想引领",
                                         number="（二）", title=f"{title}：报送年度总结")
    for school in schools:
        CircularRecipient.objects.create(circular=circular, school=school)
    return circular, first, second
