"""The books meet the other areas: entries from care and mutual aid name no one, can be resubmitted
when sent back, lead their readers to the record they came from, and an approver only ever approves
what they were shown. Money the platform moves never lands in a closed year."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.care.demo import STANDARDS
from tenants.care.services import default_standards, visit_record
from tenants.finance import services as s
from tenants.finance.models import ClosedYear, LedgerEntry
from tenants.mutualaid import services as aid
from tests.conftest import client_for, in_schema, make_user, signed_in, text
from tests.members.factories import a_member
from tests.mutualaid.factories import a_scheme, category

TODAY = timezone.localdate()


@pytest.fixture
def visited(guilin):
    """A within-standard hospital visit by the 帮扶专干, its entry waiting in the books."""
    officer = make_user(guilin, [Role.CARE_OFFICER])
    member = a_member(guilin, name="韦困难")
    with in_schema(guilin):
        default_standards(by=None, effective_from=datetime.date(TODAY.year, 1, 1), amounts=STANDARDS)
        visit = visit_record(by=officer, member=member, kind="hardship", visited_on=TODAY, amount=Decimal("1000"))
    return visit


def test_entries_from_care_and_mutual_aid_name_no_one(guilin, visited):
    office, other = make_user(guilin, [Role.UNION_ADMIN]), make_user(guilin, [Role.UNION_ADMIN])
    scheme = a_scheme(guilin, office)
    with in_schema(guilin):
        member = visited.member
        aid.enrol(scheme=scheme, by=office, member=member)
        claim = aid.claim_file(by=office, scheme=scheme, category=category(guilin, scheme, "重大疾病"),
                               eligible_costs="9000", description="住院", member=member)
        aid.claim_act(claim=claim, by=other, action="review")
        aid.claim_act(claim=claim, by=other, action="approve")
        claim = aid.claim_act(claim=claim, by=other, action="pay")
        descriptions = [visited.ledger_entry.description, claim.payout_entry.description]
    assert all("韦困难" not in d for d in descriptions), descriptions
    assert f"慰问记录 {visited.pk}" in descriptions[0] and f"互助金申请 {claim.pk}" in descriptions[1]


def test_a_sent_back_care_entry_is_resubmitted_unchanged_by_the_treasurer(guilin, visited):
    approver, treasurer = make_user(guilin, [Role.FINANCE_APPROVER]), make_user(guilin, [Role.TREASURER])
    with in_schema(guilin):
        entry = s.ledger_entry_decide(entry=visited.ledger_entry, by=approver, approve=False, reason="缺签收单")
    page = signed_in(guilin, [Role.TREASURER])
    assert "不作修改，重新提交" in text(page.get(f"/books/entries/{entry.pk}/"))
    with in_schema(guilin):
        s.ledger_entry_resubmit(entry=entry, by=treasurer, reason="签收单已补")
        entry.refresh_from_db()
        assert entry.status == LedgerEntry.Status.PENDING and entry.amount == Decimal("1000.00")


def test_an_approver_never_approves_an_amount_changed_after_they_looked(guilin):
    treasurer = make_user(guilin, [Role.TREASURER], username="books-recorder")
    with in_schema(guilin):
        entry = s.ledger_entry_record_manual(by=treasurer, kind="expense", category="activities", amount="100",
                                             occurred_on=TODAY, description="运动会奖品")
    approver = signed_in(guilin, [Role.FINANCE_APPROVER])
    shown = text(approver.get(f"/books/entries/{entry.pk}/"))
    seen = s.entry_version(entry)
    assert f"?seen={seen}" in shown
    with in_schema(guilin):
        s.ledger_entry_update(entry=entry, by=treasurer, kind="expense", category="activities", amount="10000",
                              occurred_on=TODAY, description="运动会奖品")
    approver.post(f"/books/entries/{entry.pk}/approve/?seen={seen}")
    with in_schema(guilin):
        assert LedgerEntry.objects.get(pk=entry.pk).status == LedgerEntry.Status.PENDING
    # the API takes the same version from the entry it read
    api = client_for(guilin, approver.user)
    refused = api.post(f"/api/v1/ledger/{entry.pk}/approve/", {"version": seen}, format="json")
    assert refused.status_code == 409 and "已被记账人修改" in refused.json()["detail"]
    current = api.get(f"/api/v1/ledger/{entry.pk}/").json()["version"]
    assert api.post(f"/api/v1/ledger/{entry.pk}/approve/", {"version": current},
                    format="json").json()["status"] == "approved"


def test_subsidy_money_arriving_after_its_year_closed_is_booked_on_arrival(guilin):
    with in_schema(guilin):
        ClosedYear.objects.create(year=TODAY.year - 1, closed_by="admin")
        entry, created = s.ledger_record_platform_entry(
            source_ref="subsidy:late", kind="income", category="higher_subsidy", amount=Decimal("5000"),
            occurred_on=datetime.date(TODAY.year - 1, 12, 30), description="自治区教育工会补助")
    assert created and entry.occurred_on == TODAY and f"属 {TODAY.year - 1} 年度" in entry.description


def test_the_books_readers_follow_an_entry_to_its_visit_and_claim_but_act_on_neither(guilin, visited):
    office = make_user(guilin, [Role.UNION_ADMIN])
    scheme = a_scheme(guilin, office)
    with in_schema(guilin):
        aid.enrol(scheme=scheme, by=office, member=visited.member)
        claim = aid.claim_file(by=office, scheme=scheme, category=category(guilin, scheme, "住院"),
                               eligible_costs="1000", description="住院", member=visited.member)
    auditor = signed_in(guilin, [Role.AUDITOR])
    entry_page = text(auditor.get(f"/books/entries/{visited.ledger_entry.pk}/"))
    assert f"/care/visits/{visited.pk}/" in entry_page
    visit_page = auditor.get(f"/care/visits/{visited.pk}/")
    assert visit_page.status_code == 200 and f"/care/visits/{visited.pk}/approve/" not in text(visit_page)
    claim_page = auditor.get(f"/mutual-aid/claims/{claim.pk}/")
    assert claim_page.status_code == 200 and f"/mutual-aid/claims/{claim.pk}/review/" not in text(claim_page)
    assert f"/mutual-aid/claims/{claim.pk}/documents/\"" not in text(claim_page)
    scheme_page = auditor.get(f"/mutual-aid/{scheme.pk}/")
    assert scheme_page.status_code == 200 and f"/mutual-aid/{scheme.pk}/enrol/" not in text(scheme_page)
    assert auditor.post(f"/mutual-aid/claims/{claim.pk}/review/").status_code == 403
    # a plain member still finds neither
    member = signed_in(guilin, [Role.MEMBER])
    assert member.get(f"/care/visits/{visited.pk}/").status_code == 403
    assert member.get(f"/mutual-aid/claims/{claim.pk}/").status_code == 404


def test_an_approved_entry_s_edit_page_says_why_instead_of_opening_a_form(guilin):
    treasurer = signed_in(guilin, [Role.TREASURER])
    approver = make_user(guilin, [Role.FINANCE_APPROVER])
    with in_schema(guilin):
        entry = s.ledger_entry_record_manual(by=treasurer.user, kind="expense", category="activities",
                                             amount="50", occurred_on=TODAY, description="茶话会")
        s.ledger_entry_decide(entry=entry, by=approver, approve=True)
    answer = treasurer.get(f"/books/entries/{entry.pk}/edit/", follow=True)
    assert answer.redirect_chain[-1][0] == f"/books/entries/{entry.pk}/"
    assert "已审批的收支不能修改" in text(answer)


def test_the_api_lets_the_books_readers_follow_source_id_as_the_pages_do(guilin, visited):
    auditor = client_for(guilin, make_user(guilin, [Role.AUDITOR]))
    entry = auditor.get(f"/api/v1/ledger/{visited.ledger_entry.pk}/").json()
    assert (entry["source_type"], entry["source_id"]) == ("care_visit", visited.pk)
    assert auditor.get(f"/api/v1/care/visits/{entry['source_id']}/").json()["amount"] == "1000.00"
    assert auditor.post(f"/api/v1/care/visits/{visited.pk}/approve/", {}, format="json").status_code == 403
    member = client_for(guilin, make_user(guilin, [Role.MEMBER]))
    assert member.get(f"/api/v1/care/visits/{visited.pk}/").status_code == 403
