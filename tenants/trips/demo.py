"""Demo data: a 疗休养 batch whose selection applies the rotation rule (issue #11).

Last summer's batch went (three members; its cost is in the books, approved); this autumn's batch is
being selected: one of last summer's travellers is refused by the rotation rule, front-line staff and
a model worker rank first, a selected member declined and the next in the ranking replaced them, and
member1 still has to confirm on their phone. A third batch takes applications now."""
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.members.models import Member
from tenants.trips import services as s
from tenants.trips.models import TripBatch


def seed_trips(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.accounts.models import User
    from tenants.finance.services import ledger_entry_decide

    if TripBatch.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    members = list(Member.objects.filter(status=Member.Status.ACTIVE, join_date__year__lte=2015)
                   .select_related("user").order_by("id")[:14])
    if admin is None or len(members) < 14:
        return
    today = timezone.localdate()
    # the facts the rules read: a few recorded by the office (the rest count from 入会日期)
    Member.objects.filter(pk__in=[members[0].pk, members[5].pk]).update(is_front_line=True)
    Member.objects.filter(pk=members[6].pk).update(is_model_worker=True, is_front_line=True)
    for index, member in enumerate(members[:10]):
        Member.objects.filter(pk=member.pk).update(work_started_on=datetime.date(1992 + index, 7, 1))
    for member in members:
        member.refresh_from_db()

    # last summer's batch: went, three members
    summer = datetime.date(today.year - 1, 7, 15)
    past = s.batch_create(by=admin, title=f"{today.year - 1}年暑期疗休养", destination="广西桂林阳朔",
                          starts_on=summer, ends_on=summer + datetime.timedelta(days=4), places=3,
                          cost_per_person="2800.00", applications_open_on=summer - datetime.timedelta(days=40),
                          applications_close_on=summer - datetime.timedelta(days=20), note="五天四晚，含往返交通")
    for member in members[10:13]:
        s.application_submit(by=admin, batch=past, member=member)
    s.batch_close_applications(by=admin, batch=past)
    for application in s.selection_fill(by=admin, batch=past):
        s.application_confirm(by=admin, application=application)
    s.batch_confirm(by=admin, batch=past)
    s.batch_travel(by=admin, batch=past)
    past.refresh_from_db()
    approver = User.objects.filter(username="zhuxi").first()
    if past.ledger_entry_id and approver is not None:
        ledger_entry_decide(entry=past.ledger_entry, by=approver, approve=True)

    # this autumn's batch: applications closed, being selected
    autumn = today + datetime.timedelta(days=20)
    batch = s.batch_create(by=admin, title=f"{today.year}年秋季疗休养", destination="浙江湖州莫干山",
                           starts_on=autumn, ends_on=autumn + datetime.timedelta(days=4), places=3,
                           cost_per_person="3200.00", applications_open_on=today - datetime.timedelta(days=20),
                           applications_close_on=today - datetime.timedelta(days=2),
                           note="一线教职工、劳动模范优先；三年内参加过的不再参加")
    for member in [*members[1:8], members[0]]:
        s.application_submit(by=admin, batch=batch, member=member, note="")
    try:  # went last summer: the rotation rule refuses them
        s.application_submit(by=admin, batch=batch, member=members[10])
    except ValidationError:
        pass
    s.batch_close_applications(by=admin, batch=batch)
    chosen = s.selection_fill(by=admin, batch=batch)
    declining = next(a for a in chosen if a.member_id != members[0].pk)
    s.application_decline(by=admin, application=declining, reason="本人因教学任务无法参加（校工会代为登记）")
    for application in batch.applications.filter(status="selected").exclude(member=members[0]):
        s.application_confirm(by=admin, application=application)

    # open now: anyone eligible may apply on their phone
    spring = today + datetime.timedelta(days=60)
    s.batch_create(by=admin, title=f"{today.year}年第二批疗休养", destination="广西北海涠洲岛", starts_on=spring,
                   ends_on=spring + datetime.timedelta(days=3), places=20, cost_per_person="2600.00",
                   applications_open_on=today - datetime.timedelta(days=1),
                   applications_close_on=today + datetime.timedelta(days=30))
