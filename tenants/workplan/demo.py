"""Demo data: the year's plan — 桂林学院, 湖州师范学院 and 山西大同大学 imported from their real
工作要点 notices (tenants/workplan/demo_notices/, copied from the real ones), 湖南信息学院's written by hand with its 十件实事 — with
tasks in every state (issue #12).

The notices are of 2023 and 2017; the demo saves each as THIS year's plan (the title's year, the
文号's year and the issue date moved to this year, the 原文 kept as it is), so the 行事历, the month's reminders, the
工作台 and the 十件实事 show live data rather than a plan of years ago. Everything goes through the
services, as a person would do it.
"""
import datetime
import re
from pathlib import Path

from django.utils import timezone

from tenants.members.models import Branch, Department, Member
from tenants.workplan import services as s
from tenants.workplan.models import Plan, Task

WELFARE = re.compile(r"幸福|关爱|暖心|体检|身心健康|关心教职工的生活")
NOTICES = Path(__file__).resolve().parent / "demo_notices"
IMPORTED = {"guilin": "guilin-university-2023.txt", "huzhou": "huzhou-university-2023.txt",
            "sxdtu": "datong-university-2017.txt"}
PLEDGES = [
    ("教职工健康体检提标扩面", "年度体检人均标准由 600 元提高到 800 元，增加肿瘤标志物和心脑血管专项检查。", "人事处", 4),
    ("第二食堂教工餐厅改造", "改造第二食堂二楼为教工餐厅，增设营养套餐和晚餐供应。", "后勤管理处", 9),
    ("建设教职工子女暑期托管班", "暑假开设 4 周托管班，覆盖 1—6 年级教职工子女。", "人事处", 7),
    ("新建教工健身房", "在体育馆一楼建设 300 平方米教工健身房，配备专业器械并延长开放时间。", "国有资产管理处", 10),
    ("开通教职工通勤班车", "开通城区至新校区早晚通勤班车 4 条线路。", "后勤管理处", 3),
    ("完善困难教职工帮扶机制", "建立困难教职工动态档案，实现“一人一档”精准帮扶。", "党政办公室", 6),
    ("举办新进教职工入职关爱活动", "为新进教职工提供住房、子女入学等一站式咨询服务。", "人事处", 9),
    ("改造教工之家活动场地", "更新教工之家设施，增设母婴室和阅览角。", "国有资产管理处", 5),
    ("推进教职工心理健康服务", "开设心理咨询热线，每学期举办两场心理健康讲座。", "学生工作处", 11),
    ("提高教职工生日慰问标准", "生日慰问标准由 200 元提高到 300 元，实行电子蛋糕券。", "财务处", 1),
]
# the notes of 湖南信息学院's own 十件实事 (above), by title: each says something of that pledge only
PLEDGE_NOTES = {
    "教职工健康体检提标扩面": ("体检已于 4 月完成，1,186 人参检，新增项目全部落实。", None, "complete"),
    "开通教职工通勤班车": ("两条线路已开通，日均乘车 420 人次。", None, "complete"),
    "第二食堂教工餐厅改造": ("改造方案已通过校长办公会审议，完成招标。", 60, None),
    "建设教职工子女暑期托管班": ("报名 86 人，已落实场地和 12 名带班教师。", 40, None),
    "完善困难教职工帮扶机制": ("已完成困难教职工摸底，建档 37 人。", 50, None),
}
# an imported plan's 实事 are points of a real notice: notes that fit any of them, in order
GENERIC_PLEDGE_NOTES = [("已按实施方案完成，相关材料已归档。", None, "complete"),
                        ("已列入年度实事，按月推进中。", 40, None)]
# who answers for an imported plan's 实事: by what the point is about, else in turn
PLEDGE_OWNERS = [(re.compile(r"体检|健康|退休|荣休|新教工|入职"), "人事处"), (re.compile(r"食堂|餐|住房|后勤"), "后勤管理处")]
PLEDGE_OWNERS_IN_TURN = ["党政办公室", "人事处", "后勤管理处"]
OTHER_TASKS = [
    ("一", "加强思想政治引领", "组织教职工开展政治理论学习", 3),
    ("一", "加强思想政治引领", "开展师德师风建设主题教育活动", 5),
    ("二", "推进民主管理", "召开第二届教职工代表大会第三次会议", 4),
    ("二", "推进民主管理", "做好教代会提案征集、立案和督办工作", 6),
    ("三", "丰富文体活动", "举办教职工趣味运动会", 10),
]


def _title_this_year(title: str, year: int) -> str:
    return re.sub(r"20\d{2}\s*年", f"{year}年", title, count=1)


def _doc_number_this_year(doc_number: str, year: int) -> str:
    """桂院工〔2023〕1号 → 桂院工〔<year>〕1号: the 文号's year moves with the title and the date."""
    return re.sub(r"([〔（(\[【])\s*20\d{2}\s*([〕）)\]】])", rf"\g<1>{year}\g<2>", doc_number, count=1)


def _people():
    departments = {d.name: d for d in Department.objects.all()}
    branches = list(Branch.objects.order_by("sort_order", "id"))
    chaired = {b.chair.username: b for b in branches if b.chair_id}
    member1 = Member.objects.filter(user__username="member1").first()
    return departments, branches, chaired, member1


def _import(admin, slug, year) -> Plan:
    text = (NOTICES / IMPORTED[slug]).read_text(encoding="utf-8")
    preview = s.plan_preview(text=text)
    issued = preview["issued_on"]
    issued_on = issued.replace(year=year) if issued else None
    if issued_on and issued_on > timezone.localdate():
        issued_on = datetime.date(year, 1, 1)
    return s.plan_import(by=admin, year=year, title=_title_this_year(preview["title"], year),
                         doc_number=_doc_number_this_year(preview["doc_number"] or "", year), issuer=preview["issuer"] or "",
                         issued_on=issued_on, points=preview["points"], calendar=preview["calendar"],
                         source=preview["source"], source_text=text)


def _written(admin, school, year) -> Plan:
    departments, branches, _, _ = _people()
    plan = s.plan_create(by=admin, year=year, title=f"{school.name}工会{year}年工作要点",
                         issuer=f"{school.name}工会", issued_on=datetime.date(year, 1, 8))
    for number, (title, body, department, month) in enumerate(PLEDGES, start=1):
        owner = {"owner_department": departments[department]} if department in departments else {}
        s.task_create(by=admin, plan=plan, title=title, body=body, section_number="四", section_title="十件实事",
                      number=str(number), month=month, is_pledge=True, **owner)
    for index, (section, section_title, title, month) in enumerate(OTHER_TASKS):
        s.task_create(by=admin, plan=plan, title=title, section_number=section, section_title=section_title,
                      number=str(index + 1), month=month,
                      owner_branch=branches[index % len(branches)] if index % 2 else None)
    return plan


def _states(admin, plan: Plan) -> None:
    """Owners for some tasks (a department with jiaowu, chair1's and chair2's branches, member1),
    and every state: 已完成 for most of the months passed, 推进中 with notes, one 已取消."""
    departments, branches, chaired, member1 = _people()
    today = timezone.localdate()
    tasks = list(plan.tasks.order_by("order"))
    points = [t for t in tasks if t.origin != Task.Origin.CALENDAR and not t.is_pledge] or tasks
    jiaowu = departments.get("教务处")
    chair1_branch, chair2_branch = chaired.get("chair1"), chaired.get("chair2")
    owners = [("owner_department", jiaowu), ("owner_branch", chair1_branch), ("owner_member", member1),
              ("owner_branch", chair2_branch)]
    assigned = []
    for task, (field, owner) in zip(points, owners):
        if owner is None:
            continue
        month = today.month if field in ("owner_branch", "owner_member") and owner in (chair1_branch, member1) \
            else task.month
        s.task_update(by=admin, task=task, **{field: owner, "month": month})
        assigned.append(task)
    first = assigned[0] if assigned else points[0]
    s.task_note_add(by=admin, task=first, text="已制定工作方案并召开协调会。", progress=50)
    s.task_move(by=admin, task=first, action="complete")
    s.task_note_add(by=admin, task=first, text="各项工作已按方案完成，材料已归档。")
    for task in assigned[1:3]:
        s.task_note_add(by=admin, task=task, text="已部署，正在组织实施。", progress=30)
    late = [t for t in tasks if t.origin == Task.Origin.CALENDAR and t.month and t.month < today.month]
    for index, task in enumerate(late):
        if index % 4 != 3:  # every fourth is left open: overdue on the 行事历
            s.task_move(by=admin, task=task, action="complete")
    spare = [t for t in tasks if t not in assigned and t.status == Task.Status.NOT_STARTED and not t.is_pledge]
    if spare:
        s.task_move(by=admin, task=spare[-1], action="cancel", reason="与学校统一安排的工作合并，不再单独开展。")
    if len(spare) > 2:
        s.task_move(by=admin, task=spare[-2], action="start")
        s.task_move(by=admin, task=spare[-3], action="complete")
    # a point without a month left behind the due date the office gave it: the 行事历 and the 工作台
    # show 已逾期 in every demo plan (every day but 1 January, when no date of the year has passed)
    behind = [t for t in spare[:-3] if not t.month and not t.due_on]
    if behind:
        s.task_update(by=admin, task=behind[0],
                      due_on=max(datetime.date(plan.year, 1, 1), today - datetime.timedelta(days=10)))


def seed_workplan(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.accounts.models import User

    if Plan.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None or not Member.objects.exists():
        return
    year = timezone.localdate().year
    if school.slug in IMPORTED:
        plan = _import(admin, school.slug, year)
        # the office lists the points on staff welfare as the year's 实事 (at most three), each with an owner
        departments = {d.name: d for d in Department.objects.all()}
        welfare = [t for t in plan.tasks.filter(origin=Task.Origin.POINT).order_by("order")
                   if WELFARE.search(t.title + t.body)][:3]
        for index, task in enumerate(welfare):
            name = next((name for pattern, name in PLEDGE_OWNERS if pattern.search(task.title)),
                        PLEDGE_OWNERS_IN_TURN[index % len(PLEDGE_OWNERS_IN_TURN)])
            owner = departments.get(name) or next(iter(departments.values()), None)
            s.task_update(by=admin, task=task, is_pledge=True, **({"owner_department": owner} if owner else {}))
    elif school.slug == "hnit":
        plan = _written(admin, school, year)
    else:
        return
    _states(admin, plan)
    _pledges(admin, plan)


def _pledges(admin, plan: Plan) -> None:
    """The 十件实事 as a member follows them: 湖南信息学院's own with notes of their own (two done,
    three under way, the rest to come); an imported plan's with notes that fit any of them."""
    pledges = list(plan.tasks.filter(is_pledge=True).order_by("order"))
    own = any(task.title in PLEDGE_NOTES for task in pledges)
    for index, task in enumerate(pledges):
        if own:
            note = PLEDGE_NOTES.get(task.title)
        else:
            note = GENERIC_PLEDGE_NOTES[index] if index < len(GENERIC_PLEDGE_NOTES) else None
        if note is None or task.status != Task.Status.NOT_STARTED:
            continue
        text, percent, step = note
        s.task_note_add(by=admin, task=task, text=text, progress=percent)
        if step:
            s.task_move(by=admin, task=task, action=step)
