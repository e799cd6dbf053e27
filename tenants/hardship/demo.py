"""Demo data: two hardship cases per school (one with its yearly review overdue) and one level the
school added itself, through the real services."""
import datetime

from django.utils import timezone

from tenants.accounts.models import User
from tenants.hardship import services as s
from tenants.hardship.models import HardshipCase, HardshipLevel
from tenants.members.models import Member

DEMO_LEVEL = "临时困难"


def seed_hardship(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    if HardshipCase.objects.exists():
        return
    admin = User.objects.get(username="admin")
    officer = User.objects.filter(username="bangfu").first() or admin
    if not HardshipLevel.objects.filter(name=DEMO_LEVEL).exists():
        s.level_create(by=admin, name=DEMO_LEVEL)
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("-id")[:2])
    if len(members) < 2:
        return
    today = timezone.localdate()
    ill, single = members
    # registered thirteen months ago and never reviewed: the review is overdue
    s.case_register(
        by=officer, member=ill, level=HardshipLevel.objects.get(name="特困"), cause="illness",
        cause_detail="配偶患尿毒症，每周透析三次，医疗费用自付部分较高。",
        registered_on=today - datetime.timedelta(days=395),
        household=[
            {"name": ill.name, "relation": "本人", "age": 46, "occupation": "在职教职工", "monthly_income": "4200.00"},
            {"name": "陈某某", "relation": "配偶", "age": 45, "occupation": "病休无收入", "monthly_income": "0"},
            {"name": "林某", "relation": "子女", "age": 16, "occupation": "高中在读", "monthly_income": "0"},
            {"name": "林某某", "relation": "父亲", "age": 75, "occupation": "农村老人", "monthly_income": "180.00"},
        ])
    case = s.case_register(
        by=officer, member=single, level=HardshipLevel.objects.get(name="困难"), cause="single_parent",
        cause_detail="单亲抚养两名子女，无其他收入来源。", registered_on=today - datetime.timedelta(days=60),
        household=[
            {"name": single.name, "relation": "本人", "age": 38, "occupation": "在职教职工",
             "monthly_income": "3600.00"},
            {"name": "黄某", "relation": "子女", "age": 10, "occupation": "小学在读", "monthly_income": "0"},
            {"name": "黄某某", "relation": "子女", "age": 6, "occupation": "幼儿园", "monthly_income": "0"},
        ])
    s.case_review(by=admin, case=case, outcome="keep", reviewed_on=today - datetime.timedelta(days=10),
                  note="入户走访核实，情况属实，维持等级。")
