import datetime

import pytest
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Member
from tenants.trips.services import batch_create
from tests.conftest import in_schema, make_user

TODAY = timezone.localdate()


def new_member(branch, number, *, user=None, started=datetime.date(2000, 9, 1), **extra):
    values = {"name": f"会员{number}", "gender": "female", "employee_number": f"TR{number}",
              "employment_type": "staff", "join_date": datetime.date(2010, 9, 1)} | extra
    return Member.objects.create(branch=branch, work_started_on=started, user=user, **values)


def a_batch(admin, *, places=2, title="暑期第一批", starts_on=None, cost="3000.00", opens=None, closes=None):
    starts_on = starts_on or TODAY + datetime.timedelta(days=30)
    return batch_create(by=admin, title=title, destination="浙江莫干山", starts_on=starts_on,
                        ends_on=starts_on + datetime.timedelta(days=4), places=places, cost_per_person=cost,
                        applications_open_on=opens or TODAY - datetime.timedelta(days=1),
                        applications_close_on=closes or TODAY + datetime.timedelta(days=10))


@pytest.fixture
def trips(guilin):
    """Two branches (the first chaired), six members (the first with an account), the office."""
    with in_schema(guilin):
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        admin = make_user(guilin, [Role.UNION_ADMIN])
        person = make_user(guilin, [Role.MEMBER])
        own = Branch.objects.create(name="文学院", chair=chair)
        other = Branch.objects.create(name="理学院")
        members = [new_member(own if i < 3 else other, i, user=person if i == 0 else None,
                              name=f"会员{i}") for i in range(6)]
    return {"school": guilin, "chair": chair, "admin": admin, "person": person, "own": own, "other": other,
            "members": members}
