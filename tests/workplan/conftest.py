import datetime
from pathlib import Path

import pytest

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Department, Member
from tests.conftest import in_schema, make_user

YEAR = datetime.date.today().year
NOTICES = Path(__file__).resolve().parents[2] / "tenants" / "workplan" / "demo_notices"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def notice(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


@pytest.fixture
def wp(guilin):
    """A school with an office, a department with its handler, a branch with its chair, a member with an account."""
    with in_schema(guilin):
        admin = make_user(guilin, [Role.UNION_ADMIN])
        handler = make_user(guilin, [Role.DEPARTMENT_HANDLER])
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        person = make_user(guilin, [Role.MEMBER])
        other = make_user(guilin, [Role.MEMBER])
        department = Department.objects.create(name="人事处")
        department.handlers.add(handler)
        branch = Branch.objects.create(name="文学院", chair=chair)
        member = Member.objects.create(name="张老师", gender="female", employee_number="W0001", branch=branch,
                                       employment_type="staff", join_date=datetime.date(2010, 9, 1), user=person)
    return {"school": guilin, "admin": admin, "handler": handler, "chair": chair, "person": person, "other": other,
            "department": department, "branch": branch, "member": member}
