"""Demo data: a sports meet with teams, a 三八 event with a waitlist (issue #11)."""
import datetime

from django.utils import timezone

from tenants.accounts.models import User
from tenants.activities.models import Activity
from tenants.members.models import Branch, Member


def seed_activities(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.activities import services as s

    if Activity.objects.exists() or not Member.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    common = dict(registration_opens_at=now - 2 * day, registration_closes_at=now + 10 * day,
                  cancel_deadline=now + 9 * day)
    meet = s.activity_create(by=admin, kind="ball", title="教职工气排球比赛", place="体育馆",
                             starts_at=now + 14 * day, ends_at=now + 14 * day + datetime.timedelta(hours=4),
                             capacity=24, sign_up="team", team_size=6, fee="0", budget="3000", **common)
    s.activity_act(by=admin, activity=meet, action="open")
    for branch in Branch.objects.order_by("sort_order", "id")[:2]:
        players = list(Member.objects.filter(branch=branch, status=Member.Status.ACTIVE).order_by("id")[:6])
        if len(players) == 6:
            s.team_register(by=admin, activity=meet, name=f"{branch.name}队", members=players, branch=branch)
    women = s.activity_create(by=admin, kind="women", title="三八节插花活动", place="工会活动室",
                              starts_at=now + 12 * day, ends_at=now + 12 * day + datetime.timedelta(hours=2),
                              capacity=3, gender="female", fee="10", **common)
    s.activity_act(by=admin, activity=women, action="open")
    for member in Member.objects.filter(gender="female", status=Member.Status.ACTIVE).order_by("id")[:5]:
        s.registration_create(by=admin, activity=women, member=member)
