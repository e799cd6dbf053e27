"""Demo data: this year's 荣休 ceremony with the year's retirees (issue #11)."""
import datetime

from django.utils import timezone

from tenants.members.models import Member
from tenants.members.services import member_change_status
from tenants.retirement import services as s
from tenants.retirement.models import Ceremony


def seed_retirement(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.accounts.models import User

    if Ceremony.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    today = timezone.localdate()
    year = today.year
    last_year_on = datetime.date(year - 1, 12, 15)
    this_year_on = min(datetime.date(year, 7, 1), today)
    # the oldest members without an account retire: two last December, three this year
    oldest = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=True,
                                        join_date__lt=datetime.date(year - 1, 1, 1), birth_date__isnull=False)
                  .order_by("birth_date", "id")[:5])
    if len(oldest) < 5:
        return
    for member in oldest[:2]:
        member_change_status(member=member, action="retire", by=admin, effective_on=last_year_on, reason="到龄退休")
    for member in oldest[2:]:
        member_change_status(member=member, action="retire", by=admin, effective_on=this_year_on, reason="到龄退休")
    last = s.ceremony_create(by=admin, year=year - 1, held_on=datetime.date(year - 1, 12, 28), place="学术报告厅",
                             note="为 2 位退休教职工颁发荣誉证书。")
    s.ceremony_move(by=admin, ceremony=last, action="record")
    s.ceremony_create(by=admin, year=year, held_on=min(datetime.date(year, 12, 26), today + datetime.timedelta(days=30)),
                      place="学术报告厅", note="欢送本年度退休教职工，颁发荣休纪念品。")
