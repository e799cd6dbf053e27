"""A year of one school's union work, built with the areas' own services where they exist."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.accounts.roles import Role
from tests.conftest import in_schema, make_user
from tests.members.factories import a_member

YEAR = timezone.localdate().year - 1


def _year_of_work(school, *, new_members: int, approved: str, plan_title: str):
    """`new_members` joined in YEAR (one of them left), one older member; a congress of YEAR with
    4 proposals received (3 立案, 1 办结 and rated 满意) and a draft; a hospital visit of ¥500.00;
    an approved expense of `approved` and a pending one; a plan of 6 tasks (3 done, 1 cancelled) with
    2 十件实事."""
    from tenants.care.demo import STANDARDS
    from tenants.care.services import default_standards, visit_record
    from tenants.congress.models import Congress, Delegate, Proposal
    from tenants.finance.models import LedgerEntry
    from tenants.finance.services import ledger_entry_decide
    from tenants.members.models import Member, MemberStatusChange
    from tenants.workplan.models import Plan, Task

    office, approver = make_user(school, [Role.UNION_ADMIN]), make_user(school, [Role.UNION_ADMIN])
    joined = [a_member(school, join_date=f"{YEAR}-03-01") for _ in range(new_members)]
    a_member(school, join_date="2015-09-01")
    with in_schema(school):
        leaver = joined[0]
        Member.objects.filter(pk=leaver.pk).update(status=Member.Status.LEFT,
                                                   status_changed_on=datetime.date(YEAR, 6, 1))
        MemberStatusChange.objects.create(member=leaver, action="leave", from_status="active", to_status="left",
                                          effective_on=datetime.date(YEAR, 6, 1), recorded_by="t")
        congress = Congress.objects.create(term=7, session=1, opens_on=datetime.date(YEAR, 4, 10), status="closed")
        delegate = Delegate.objects.create(congress=congress, member=joined[1], branch=joined[1].branch)
        P = Proposal.Status
        for n, (status, rating) in enumerate([(P.ACCEPTED, ""), (P.ASSIGNED, ""), (P.CLOSED, "satisfied"),
                                              (P.NOT_ACCEPTED, ""), (P.DRAFT, "")]):
            Proposal.objects.create(congress=congress, proposer=delegate, title=f"提案{n}", reasons="理由",
                                    measures="措施", status=status, rating=rating)
        default_standards(by=None, effective_from=datetime.date(YEAR, 1, 1), amounts=STANDARDS)
        visit_record(by=office, member=joined[1], kind="hospital", visited_on=datetime.date(YEAR, 5, 2),
                     amount=Decimal("500.00"))
        spent = LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal(approved),
                                           occurred_on=datetime.date(YEAR, 5, 1), description="运动会", recorded_by="t")
        ledger_entry_decide(entry=spent, by=approver, approve=True)
        LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal("999.00"),
                                   occurred_on=datetime.date(YEAR, 5, 3), description="未审批", recorded_by="t")
        plan = Plan.objects.create(year=YEAR, title=plan_title)
        S = Task.Status
        for n, (status, pledge) in enumerate([(S.DONE, True), (S.DONE, False), (S.DONE, False),
                                              (S.IN_PROGRESS, True), (S.CANCELLED, False), (S.NOT_STARTED, False)]):
            Task.objects.create(plan=plan, order=n, title=f"任务{n}", status=status, is_pledge=pledge,
                                progress=100 if status == S.DONE else 40, number=str(n + 1))
    return office


@pytest.fixture
def year_of_work(guilin, huzhou):
    """guilin: 3 new members, ¥1,234.50 approved; huzhou (to tell them apart): 5 and ¥8,765.43."""
    _year_of_work(guilin, new_members=3, approved="1234.50", plan_title="桂林学院工会工作要点")
    _year_of_work(huzhou, new_members=5, approved="8765.43", plan_title="湖州师范学院工会独有的工作要点")
    return YEAR
