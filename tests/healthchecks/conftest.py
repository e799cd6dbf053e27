import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.healthchecks import services as s
from tenants.members.models import Branch, Member
from tests.conftest import in_schema, make_user

YEAR = datetime.date.today().year


def new_member(branch, number, gender="female", birth=(1980, 5, 1), **extra):
    return Member.objects.create(name=extra.pop("name", f"会员{number}"), gender=gender,
                                 employee_number=f"H{number}", branch=branch,
                                 employment_type=extra.pop("employment_type", "staff"),
                                 join_date=datetime.date(2010, 9, 1),
                                 birth_date=datetime.date(*birth) if birth else None, **extra)


@pytest.fixture
def hc(guilin):
    """A check of this year with three batches (women, men under 50, anyone 50+), two branches."""
    with in_schema(guilin):
        admin = make_user(guilin, [Role.UNION_ADMIN])
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        own = Branch.objects.create(name="文学院", chair=chair)
        other = Branch.objects.create(name="理学院")
        members = [new_member(own, 1, "female", (1985, 1, 1)), new_member(own, 2, "male", (1990, 1, 1)),
                   new_member(other, 3, "male", (1960, 1, 1)), new_member(other, 4, "female", (1962, 6, 1)),
                   new_member(other, 5, "male", None, employment_type="contract"),
                   new_member(other, 6, "male", (1955, 1, 1), employment_type="retiree", status="retired")]
        check = s.health_check_create(by=admin, year=YEAR, title=f"{YEAR}年教职工体检", provider="市人民医院",
                                      womens_special_items="妇科检查、乳腺彩超")
        day = datetime.date(YEAR, 12, 28)
        women = s.batch_create(by=admin, check=check, name="女教职工批", date=day, place="体检中心", gender="female",
                               places=10)
        young = s.batch_create(by=admin, check=check, name="男50岁以下", date=day, place="体检中心", gender="male",
                               age_max=49, places=1)
        older = s.batch_create(by=admin, check=check, name="50岁以上", date=day, place="体检中心", age_min=50,
                               places=10)
    return {"school": guilin, "admin": admin, "chair": chair, "own": own, "other": other, "members": members,
            "check": check, "women": women, "young": young, "older": older}
