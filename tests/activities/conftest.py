import datetime
from itertools import count

import pytest
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.activities import services as s
from tenants.members.models import Branch, Member
from tests.conftest import in_schema, make_user

_numbers = count(1)


def new_member(branch, *, user=None, **extra):
    n = next(_numbers)
    return Member.objects.create(name=extra.pop("name", f"会员{n}"), gender=extra.pop("gender", "female"),
                                 employee_number=f"ACT{n:05d}", branch=branch,
                                 employment_type=extra.pop("employment_type", "staff"),
                                 join_date=datetime.date(2010, 9, 1), user=user, **extra)


def activity_fields(**overrides):
    now = timezone.now()
    fields = dict(kind="sports_meet", title="教职工运动会", place="田径场", starts_at=now + datetime.timedelta(days=10),
                  ends_at=now + datetime.timedelta(days=10, hours=4),
                  registration_opens_at=now - datetime.timedelta(days=1),
                  registration_closes_at=now + datetime.timedelta(days=5),
                  cancel_deadline=now + datetime.timedelta(days=5), capacity=3)
    fields.update(overrides)
    return fields


def open_activity(by, *, organiser_branch=None, quotas=None, **overrides):
    activity = s.activity_create(by=by, organiser_branch=organiser_branch, quotas=quotas, **activity_fields(**overrides))
    return s.activity_act(by=by, activity=activity, action="open")


@pytest.fixture
def act(guilin):
    """The office, a chaired branch and another one, members with accounts."""
    with in_schema(guilin):
        admin = make_user(guilin, [Role.UNION_ADMIN])
        chair = make_user(guilin, [Role.BRANCH_CHAIR])
        own = Branch.objects.create(name="活动文学院", chair=chair)
        other = Branch.objects.create(name="活动理学院")
        people = []
        for i in range(6):
            user = make_user(guilin, [Role.MEMBER])
            people.append(new_member(own if i < 3 else other, user=user))
    return {"school": guilin, "admin": admin, "chair": chair, "own": own, "other": other, "members": people}


def starting_now(activity):
    """Move an activity's start to this moment (check-in opens on its first day)."""
    from tenants.activities.models import Activity

    Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now())
    activity.refresh_from_db()
    return activity
