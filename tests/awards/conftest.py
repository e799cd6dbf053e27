import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Member
from tests.conftest import in_schema, make_user


def new_member(branch, number, **extra):
    return Member.objects.create(name=extra.pop("name", f"会员{number}"), gender="female",
                                 employee_number=f"A{number}", branch=branch, employment_type="staff",
                                 birth_date=datetime.date(1980, 1, 1), join_date=datetime.date(2010, 9, 1), **extra)


@pytest.fixture
def awards(guilin):
    """Two branches (each chaired), a few members, the office."""
    with in_schema(guilin):
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        chair2 = make_user(guilin, [Role.BRANCH_CHAIR])
        admin = make_user(guilin, [Role.UNION_ADMIN])
        plain = make_user(guilin, [Role.MEMBER])
        own = Branch.objects.create(name="文学院", chair=chair)
        other = Branch.objects.create(name="理学院", chair=chair2)
        members = [new_member(own if i < 3 else other, i) for i in range(6)]
        members[0].user = plain
        members[0].save(update_fields=["user"])
    return {"school": guilin, "chair": chair, "chair2": chair2, "admin": admin, "plain": plain,
            "own": own, "other": other, "members": members}
