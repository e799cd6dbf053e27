import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Group, Member
from tests.conftest import in_schema, make_user


def new_member(branch, number, **extra):
    return Member.objects.create(name=extra.pop("name", f"会员{number}"), gender="female",
                                 employee_number=f"N{number}", branch=branch, employment_type="staff",
                                 phone=f"1380000{number:04d}", birth_date=datetime.date(1980, 1, 1),
                                 join_date=datetime.date(2010, 9, 1), **extra)


@pytest.fixture
def notices(guilin):
    """Two chaired branches with a group each, six members (three with accounts), the office."""
    with in_schema(guilin):
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        chair2 = make_user(guilin, [Role.BRANCH_CHAIR])
        admin = make_user(guilin, [Role.UNION_ADMIN])
        own = Branch.objects.create(name="文学院", chair=chair, sort_order=1)
        other = Branch.objects.create(name="理学院", chair=chair2, sort_order=2)
        group = Group.objects.create(branch=own, name="第一小组")
        other_group = Group.objects.create(branch=other, name="第二小组")
        members = [new_member(own if i < 3 else other, i, group=group if i == 0 else None) for i in range(6)]
        users = []
        for index in (0, 1, 3):
            user = make_user(guilin, [Role.MEMBER])
            members[index].user = user
            members[index].save(update_fields=["user"])
            users.append(user)
        left = new_member(own, 9, status=Member.Status.LEFT)
    return {"school": guilin, "chair": chair, "chair2": chair2, "admin": admin, "own": own, "other": other,
            "group": group, "other_group": other_group, "members": members, "left": left,
            # member0 (文学院, 第一小组), member1 (文学院), member3 (理学院)
            "users": users}
