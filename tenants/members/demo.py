"""Demo branches, departments and a few hundred members per demo school (idempotent)."""
import datetime
import random

from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.accounts.services import user_create
from tenants.members.models import Member
from tenants.members.services import branch_create, department_create
from tenants.members.validation import id_number_columns, initials
from tenants.personal_data import id_number_with_check_digit

BRANCHES = ["文学院", "理学院", "信息工程学院", "经济管理学院", "外国语学院", "艺术学院", "机关分工会",
            "后勤分工会"]
DEPARTMENTS = ["党政办公室", "教务处", "人事处", "财务处", "后勤管理处", "学生工作处", "科研处", "国有资产管理处"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙莫"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰宁华"


def demo_id_number(rng: random.Random, born: datetime.date) -> str:
    return id_number_with_check_digit(f"450300{born:%Y%m%d}{rng.randint(100, 999)}")


def seed_members(school, count: int = 240) -> None:
    if Member.objects.exists():
        return
    from tenants.demo import demo_password

    password = demo_password()
    branches = []
    for index, name in enumerate(BRANCHES):
        chair = None
        if index < 2:
            chair, _ = user_create(username=f"chair{index + 1}", password=password, roles=[Role.BRANCH_CHAIR],
                                   by=None, full_name=f"{name}分工会主席")
        branches.append(branch_create(by=None, name=name, chair=chair, sort_order=index))
    handler, _ = user_create(username="jiaowu", password=password, roles=[Role.DEPARTMENT_HANDLER], by=None,
                             full_name="教务处经办人")
    for name in DEPARTMENTS:
        department_create(by=None, name=name, handlers=[handler] if name == "教务处" else [])

    rng = random.Random(school.slug)
    today = timezone.localdate()
    # one member in twenty joined this year, so 本年新入会 on the dashboards is not zero
    joined_this_year = min(datetime.date(today.year, 3, 1), today)
    members = []
    for i in range(count):
        born = datetime.date(1965 + rng.randint(0, 33), rng.randint(1, 12), rng.randint(1, 28))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        employment = rng.choices(["staff", "contract", "agency"], weights=[70, 20, 10])[0]
        members.append(Member(
            name=name, name_initials=initials(name), gender=rng.choice(["male", "female"]),
            employee_number=f"{2000 + i % 24}{i:04d}", branch=branches[i % len(branches)],
            employment_type=employment,
            join_date=joined_this_year if i % 20 == 19 else datetime.date(2000 + i % 24, 9, 1),
            phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            **id_number_columns(demo_id_number(rng, born)),
        ))
    Member.objects.bulk_create(members)
    # Demo accounts linked to members, so congress demo data has delegates who can log in.
    for index, member in enumerate(Member.objects.order_by("id")[:12]):
        user, _ = user_create(username=f"member{index + 1}", password=password, roles=[Role.MEMBER], by=None,
                              full_name=member.name)
        member.user = user
        member.save(update_fields=["user"])
