"""Demo data: a mutual-aid scheme with claims (issue #10)."""
import datetime
from decimal import Decimal

from django.utils import timezone

from tenants.accounts.models import User
from tenants.members.models import Member
from tenants.mutualaid import services as s
from tenants.mutualaid.models import Category, Scheme

ENROLMENTS = 40


def seed_mutual_aid(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    if Scheme.objects.exists():
        return
    admin = User.objects.get(username="admin")
    year = timezone.localdate().year
    scheme = s.scheme_create(by=admin, name="教职工大病互助", year=year, enrol_opens_on=datetime.date(year, 1, 1),
                             enrol_closes_on=datetime.date(year, 1, 31), fee="60.00", yearly_cap="30000.00",
                             note="每人每年缴费 60 元，保障期内按类别给付，每人每年累计不超过 3 万元。")
    inpatient = s.category_create(scheme=scheme, by=admin, name="住院", mode=Category.Mode.PERCENT, rate="50",
                                  max_per_claim="10000")
    serious = s.category_create(scheme=scheme, by=admin, name="重大疾病", mode=Category.Mode.FIXED, amount="20000")
    s.category_create(scheme=scheme, by=admin, name="门诊特殊病种", mode=Category.Mode.PERCENT, rate="30",
                      max_per_claim="3000")
    scheme = s.scheme_move(scheme=scheme, by=admin, action="open")
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("id")[:ENROLMENTS])
    for member in members:
        s.enrol(scheme=scheme, by=admin, member=member)
    scheme = s.scheme_move(scheme=scheme, by=admin, action="start")
    s.fees_book(scheme=scheme, by=admin)

    def claim(member, category, costs, text):
        return s.claim_file(by=admin, scheme=scheme, member=member, category=category, eligible_costs=costs,
                            description=text)

    paid = claim(members[0], inpatient, Decimal("8600.00"), "急性阑尾炎住院手术，住院 7 天。")
    s.claim_review(claim=paid, by=admin)
    s.claim_approve(claim=paid, by=admin)
    s.claim_pay(claim=paid, by=admin)
    approved = claim(members[1], serious, Decimal("56000.00"), "确诊恶性肿瘤，住院化疗。")
    s.claim_review(claim=approved, by=admin)
    s.claim_approve(claim=approved, by=admin)
    reviewed = claim(members[2], inpatient, Decimal("4200.00"), "腰椎间盘突出住院治疗。")
    s.claim_review(claim=reviewed, by=admin)
    claim(members[3], inpatient, Decimal("3100.50"), "肺炎住院 5 天。")
