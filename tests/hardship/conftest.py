import datetime

import pytest

from tenants.hardship.models import HardshipLevel
from tenants.members.models import Branch, Member
from tests.conftest import in_schema

_numbers = iter(range(1, 10**6))


def new_member(school, *, name="困难甲", status="active"):
    with in_schema(school):
        branch = Branch.objects.first() or Branch.objects.create(name="文学院分工会")
        return Member.objects.create(name=name, gender="female", employee_number=f"HS{next(_numbers):05d}",
                                     branch=branch, employment_type="staff", join_date=datetime.date(2015, 9, 1),
                                     status=status)


def level_id(school, name="困难"):
    with in_schema(school):
        return HardshipLevel.objects.get(name=name).pk


HOUSEHOLD = [
    {"name": "困难甲", "relation": "本人", "age": 45, "occupation": "教师", "monthly_income": "3200.50"},
    {"name": "家属乙", "relation": "配偶", "age": 44, "occupation": "无业（患病）", "monthly_income": "0"},
    {"name": "家属丙", "relation": "子女", "age": 15, "occupation": "学生", "monthly_income": 0},
]


@pytest.fixture
def household():
    return [dict(row) for row in HOUSEHOLD]
