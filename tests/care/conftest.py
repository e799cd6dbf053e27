import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.care.demo import STANDARDS
from tenants.care.services import default_standards
from tenants.members.models import Branch, Member
from tests.conftest import in_schema, make_user

START = datetime.date(2025, 1, 1)


def new_member(branch, number, **extra):
    return Member.objects.create(name=extra.pop("name", f"会员{number}"), gender="female",
                                 employee_number=f"C{number}", branch=branch, employment_type="staff",
                                 join_date=datetime.date(2010, 9, 1), **extra)


@pytest.fixture
def care(guilin):
    """Standards from 2025-01-01, two branches (the first chaired), a few members, the office people."""
    with in_schema(guilin):
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        admin = make_user(guilin, [Role.UNION_ADMIN])
        admin2 = make_user(guilin, [Role.UNION_ADMIN])
        officer = make_user(guilin, [Role.CARE_OFFICER])
        own = Branch.objects.create(name="文学院", chair=chair)
        other = Branch.objects.create(name="理学院")
        members = [new_member(own if i < 3 else other, i) for i in range(6)]
        default_standards(by=None, effective_from=START, amounts=STANDARDS)
    return {"school": guilin, "chair": chair, "admin": admin, "admin2": admin2, "officer": officer,
            "own": own, "other": other, "members": members}
