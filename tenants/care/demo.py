"""Demo data: care standards and a year of visits (issue #10)."""
import datetime
from decimal import Decimal

from django.utils import timezone

from tenants.care.models import CareBatch, CareKind, CareStandard
from tenants.care.services import batch_record, default_standards, life_event_report, standard_set, visit_record
from tenants.members.models import Member

#: the first version of the standards (yuan): a fixed amount or a range
STANDARDS = {
    CareKind.CHILDBIRTH: (500, 500), CareKind.HOSPITAL: (300, 500), CareKind.BEREAVEMENT: (500, 500),
    CareKind.MARRIAGE: (500, 500), CareKind.RETIREMENT: (800, 1000), CareKind.HOLIDAY: (200, 300),
    CareKind.SUMMER: (100, 150), CareKind.WINTER: (300, 500), CareKind.BIRTHDAY: (100, 100),
    CareKind.HARDSHIP: (1000, 3000), CareKind.ILLNESS: (2000, 5000),
}
KINDS = [CareKind.HOSPITAL, CareKind.CHILDBIRTH, CareKind.MARRIAGE, CareKind.BEREAVEMENT, CareKind.BIRTHDAY,
         CareKind.HARDSHIP, CareKind.WINTER, CareKind.SUMMER, CareKind.ILLNESS, CareKind.RETIREMENT]


def seed_care(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.accounts.models import User

    if CareStandard.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    officer = User.objects.filter(username="bangfu").first() or admin
    chair = User.objects.filter(username="chair1").first()
    today = timezone.localdate()
    start = datetime.date(today.year - 1, 1, 1)
    default_standards(by=None, effective_from=start, amounts=STANDARDS)
    # a change: 生病住院 raised from this year's 1 March — older visits keep the old standard
    raised = min(datetime.date(today.year, 3, 1), today)
    standard_set(by=None, kind=CareKind.HOSPITAL, effective_from=raised, amount_min=500, amount_max=800,
                 note="校工会委员会决定提高住院慰问标准")
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).select_related("branch")[:60])
    if not members or admin is None:
        return
    for i in range(30):
        kind = KINDS[i % len(KINDS)]
        visited_on = today - datetime.timedelta(days=(i * 11) % 330)
        low, high = STANDARDS[kind]
        visit_record(by=officer if i % 3 else admin, member=members[i], kind=kind, visited_on=visited_on,
                     amount=Decimal(high), visitors="校工会 王主席、帮扶专干", note="")
    # one above the standard, waiting for the union office (recorded by the 帮扶专干, so admin approves)
    visit_record(by=officer, member=members[31], kind=CareKind.ILLNESS, visited_on=today,
                 amount=Decimal("8000.00"), visitors="校工会", reason="恶性肿瘤手术，自付医疗费用较高，经分工会申请")
    # a 节日慰问 batch to every active member
    if not CareBatch.objects.exists():
        batch_record(by=admin, kind=CareKind.HOLIDAY, title=f"{today.year}年春节慰问",
                     visited_on=min(datetime.date(today.year, 1, 20), today), per_head=Decimal("300.00"),
                     scope=CareBatch.Scope.ALL, visitors="校工会")
    # two life events reported by the chair of the first branch, not visited yet
    if chair is not None:
        own = [m for m in Member.objects.filter(status=Member.Status.ACTIVE, branch__chair=chair)[:2]]
        for member, kind, note in zip(own, (CareKind.HOSPITAL, CareKind.CHILDBIRTH),
                                      ("因病住院治疗", "喜得千金")):
            life_event_report(by=chair, member=member, kind=kind, occurred_on=today - datetime.timedelta(days=2),
                              note=note)
