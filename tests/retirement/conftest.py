import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Member
from tenants.members.services import member_change_status
from tests.conftest import in_schema, make_user

YEAR = datetime.date.today().year


def new_member(branch, number, **extra):
    return Member.objects.create(name=extra.pop("name", f"退休{number}"), gender="male",
                                 employee_number=f"R{number}", branch=branch, employment_type="staff",
                                 join_date=datetime.date(1990, 9, 1), **extra)


@pytest.fixture
def rt(guilin):
    """Three retired this year through the status change, one last year, one still working."""
    with in_schema(guilin):
        admin = make_user(guilin, [Role.UNION_ADMIN])
        branch = Branch.objects.create(name="文学院")
        people = [new_member(branch, i) for i in range(5)]
        today = datetime.date.today()
        for member in people[:3]:
            member_change_status(member=member, action="retire", by=admin, effective_on=today, reason="到龄退休")
        member_change_status(member=people[3], action="retire", by=admin,
                             effective_on=datetime.date(YEAR - 1, 12, 20), reason="到龄退休")
        people = list(Member.objects.filter(pk__in=[p.pk for p in people]).order_by("employee_number"))
    return {"school": guilin, "admin": admin, "branch": branch, "people": people}
