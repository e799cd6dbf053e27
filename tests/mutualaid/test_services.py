"""Mutual aid services: enrolment once, fees booked once, the yearly cap, the refusals."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, DomainError, IllegalTransition, NotAllowed
from tenants.finance.models import LedgerEntry
from tenants.members.models import Branch, Member
from tenants.mutualaid import services as s
from tenants.mutualaid.models import Claim, Enrolment, Scheme
from tenants.mutualaid.selectors import claims_of_member, payouts_total
from tests.conftest import delete_user_for_cleanup, in_schema, make_user
from tests.members.factories import a_branch, a_member
from tests.mutualaid.factories import a_scheme, category


@pytest.fixture
def admin(guilin):
    return make_user(guilin, [Role.UNION_ADMIN])


def enrolled(school, scheme, admin, **fields):
    member = a_member(school, **fields)
    with in_schema(school):
        s.enrol(scheme=scheme, by=admin, member=member)
    return member


def approved_claim(school, scheme, admin, member, name="住院", costs="4000.00"):
    with in_schema(school):
        claim = s.claim_file(by=admin, scheme=scheme, member=member, category=category(school, scheme, name),
                             eligible_costs=costs, description="住院治疗")
        s.claim_review(claim=claim, by=admin)
        return s.claim_approve(claim=claim, by=admin)


def test_a_member_enrols_once_per_scheme(guilin, admin):
    scheme = a_scheme(guilin, admin)
    member = enrolled(guilin, scheme, admin)
    with in_schema(guilin), pytest.raises(Conflict, match="只能参保一次"):
        s.enrol(scheme=scheme, by=admin, member=member)
    with in_schema(guilin):
        assert Enrolment.objects.filter(scheme=scheme, member=member).count() == 1


def test_only_active_members_of_this_school_enrol(guilin, huzhou, admin):
    scheme = a_scheme(guilin, admin)
    departed = a_member(guilin)
    with in_schema(guilin):
        Member.objects.filter(pk=departed.pk).update(status=Member.Status.LEFT)
        departed.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            s.enrol(scheme=scheme, by=admin, member=departed)
        assert "只有在会会员" in refused.value.message_dict["member"][0]
    elsewhere = a_member(huzhou, employee_number="HZ-only-1")
    with in_schema(guilin), pytest.raises(ValidationError) as refused:
        s.enrol(scheme=scheme, by=admin, member=elsewhere)
    assert refused.value.message_dict["member"] == ["本校没有这名会员。"]
    with in_schema(guilin):
        assert not Enrolment.objects.filter(scheme=scheme).exists()


def test_a_member_enrols_themself_only_inside_the_window(guilin, admin):
    import datetime

    user = make_user(guilin, [Role.MEMBER])
    member = a_member(guilin, user=user)
    scheme = a_scheme(guilin, admin, state="enrolling")
    with in_schema(guilin):
        enrolment = s.enrol(scheme=scheme, by=user)
        assert (enrolment.member, enrolment.via, enrolment.fee) == (member, "self", Decimal("50.00"))
    past = datetime.date(2020, 1, 1)
    closed = a_scheme(guilin, admin, state="enrolling", window=(past, past))
    with in_schema(guilin), pytest.raises(Conflict, match="不在参保期内"):
        s.enrol(scheme=closed, by=user)
    other = a_member(guilin)
    with in_schema(guilin), pytest.raises(NotAllowed):
        s.enrol(scheme=scheme, by=user, member=other)


def test_enrol_all_takes_every_active_member_not_yet_enrolled(guilin, admin):
    scheme = a_scheme(guilin, admin)
    first = enrolled(guilin, scheme, admin)
    a_member(guilin)
    with in_schema(guilin):
        active = Member.objects.filter(status="active").count()
        added = s.enrol_all(scheme=scheme, by=admin)
        assert added == active - 1
        assert Enrolment.objects.filter(scheme=scheme).count() == active
        assert Enrolment.objects.get(scheme=scheme, member=first).via == "office"
        assert s.enrol_all(scheme=scheme, by=admin) == 0


def test_fees_are_booked_once_as_one_income_entry(guilin, admin):
    scheme = a_scheme(guilin, admin, fee="60.00")
    for _ in range(3):
        enrolled(guilin, scheme, admin)
    with in_schema(guilin):
        entry = s.fees_book(scheme=scheme, by=admin)
        assert (entry.kind, entry.category, entry.amount, entry.source_type, entry.source_id, entry.status) == (
            "income", "other_income", Decimal("180.00"), "aid_fees", scheme.pk, "pending")
        assert s.fees_book(scheme=scheme, by=admin) is None
        assert LedgerEntry.objects.filter(source_type="aid_fees", source_id=scheme.pk).count() == 1
    enrolled(guilin, scheme, admin)
    with in_schema(guilin):
        later = s.fees_book(scheme=scheme, by=admin)
        assert later.amount == Decimal("60.00")
        assert not Enrolment.objects.filter(scheme=scheme, fees_entry__isnull=True).exists()


def test_the_claim_amount_follows_the_category_and_payout_books_an_expense(guilin, admin):
    scheme = a_scheme(guilin, admin)
    member = enrolled(guilin, scheme, admin)
    claim = approved_claim(guilin, scheme, admin, member, costs="4000.00")
    assert (claim.approved_amount, claim.capped) == (Decimal("2000.00"), False)
    with in_schema(guilin):
        paid = s.claim_pay(claim=claim, by=admin)
        entry = paid.payout_entry
        assert (entry.kind, entry.category, entry.amount, entry.source_type, entry.source_id) == (
            "expense", "rights", Decimal("2000.00"), "aid_claim", claim.pk)
        assert paid.status == "paid"
        assert list(claims_of_member(member)) == [paid]
        assert payouts_total(paid.paid_on.year) >= Decimal("2000.00")
        steps = list(AuditRecord.objects.filter(target_type="mutualaid.claim", target_id=str(claim.pk),
                                                action="transition").order_by("at", "id").values_list("to_state", flat=True))
        assert steps == ["reviewed", "approved", "paid"]
        # a second payout of the same claim is refused by the machine
        with pytest.raises(IllegalTransition):
            s.claim_pay(claim=claim, by=admin)
        assert LedgerEntry.objects.filter(source_type="aid_claim", source_id=claim.pk).count() == 1


def test_a_claim_past_the_cap_is_reduced_and_then_refused(guilin, admin):
    scheme = a_scheme(guilin, admin, cap="10000.00")
    member = enrolled(guilin, scheme, admin)
    first = approved_claim(guilin, scheme, admin, member, name="重大疾病")
    assert first.approved_amount == Decimal("8000.00")
    second = approved_claim(guilin, scheme, admin, member, name="重大疾病")
    assert (second.computed_amount, second.approved_amount, second.capped) == (
        Decimal("8000.00"), Decimal("2000.00"), True)
    with in_schema(guilin):
        third = s.claim_file(by=admin, scheme=scheme, member=member, category=category(guilin, scheme, "住院"),
                             eligible_costs="100.00", description="复查")
        s.claim_review(claim=third, by=admin)
        with pytest.raises(Conflict, match="已达上限"):
            s.claim_approve(claim=third, by=admin)
        third.refresh_from_db()
        assert (third.status, third.approved_amount) == ("reviewed", None)
        assert Enrolment.objects.get(scheme=scheme, member=member).used == Decimal("10000.00")


@pytest.mark.parametrize("costs", ["12.345", "-5", "1e3", "99999999999", "abc", ""])
def test_bad_amounts_are_refused_naming_the_field(guilin, admin, costs):
    scheme = a_scheme(guilin, admin)
    member = enrolled(guilin, scheme, admin)
    with in_schema(guilin):
        with pytest.raises(ValidationError) as refused:
            s.claim_file(by=admin, scheme=scheme, member=member, category=category(guilin, scheme, "住院"),
                         eligible_costs=costs, description="x")
        assert "eligible_costs" in refused.value.message_dict
        assert not Claim.objects.filter(enrolment__scheme=scheme).exists()


@pytest.mark.parametrize("field,value", [("fee", "1.001"), ("fee", "-1"), ("yearly_cap", "1e9"),
                                         ("yearly_cap", "100000000000")])
def test_bad_scheme_amounts_are_refused(guilin, admin, field, value):
    values = {"name": "坏数据", "year": 2026, "enrol_opens_on": None, "enrol_closes_on": None, "fee": "10",
              "yearly_cap": "100"} | {field: value}
    import datetime

    values["enrol_opens_on"] = values["enrol_closes_on"] = datetime.date(2026, 1, 1)
    with in_schema(guilin):
        with pytest.raises(ValidationError) as refused:
            s.scheme_create(by=admin, **values)
        assert field in refused.value.message_dict
        assert not Scheme.objects.filter(name="坏数据").exists()


def test_claims_only_for_enrolled_active_members_of_this_school(guilin, huzhou, admin):
    scheme = a_scheme(guilin, admin)
    outsider = a_member(guilin)
    hospital = category(guilin, scheme, "住院")
    with in_schema(guilin), pytest.raises(ValidationError) as refused:
        s.claim_file(by=admin, scheme=scheme, member=outsider, category=hospital, eligible_costs="100",
                     description="x")
    assert "没有参加" in refused.value.message_dict["member"][0]
    departed = enrolled(guilin, scheme, admin)
    with in_schema(guilin):
        Member.objects.filter(pk=departed.pk).update(status=Member.Status.RETIRED)
        departed.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            s.claim_file(by=admin, scheme=scheme, member=departed, category=hospital, eligible_costs="100",
                         description="x")
        assert "只有在会会员" in refused.value.message_dict["member"][0]
    elsewhere = a_member(huzhou, employee_number="HZ-only-2")
    with in_schema(guilin), pytest.raises(ValidationError):
        s.claim_file(by=admin, scheme=scheme, member=elsewhere, category=hospital, eligible_costs="100",
                     description="x")
    with in_schema(guilin):
        assert not Claim.objects.filter(enrolment__scheme=scheme).exists()


def test_a_member_files_only_their_own_claim_and_cannot_review(guilin, admin):
    user = make_user(guilin, [Role.MEMBER])
    scheme = a_scheme(guilin, admin)
    member = enrolled(guilin, scheme, admin, user=user)
    other = enrolled(guilin, scheme, admin)
    hospital = category(guilin, scheme, "住院")
    with in_schema(guilin):
        claim = s.claim_file(by=user, scheme=scheme, category=hospital, eligible_costs="500", description="门诊手术")
        assert claim.enrolment.member == member
        with pytest.raises(NotAllowed):
            s.claim_file(by=user, scheme=scheme, member=other, category=hospital, eligible_costs="1",
                         description="x")
        with pytest.raises(NotAllowed):
            s.claim_review(claim=claim, by=user)


def test_rejection_needs_a_reason(guilin, admin):
    scheme = a_scheme(guilin, admin)
    member = enrolled(guilin, scheme, admin)
    with in_schema(guilin):
        claim = s.claim_file(by=admin, scheme=scheme, member=member, category=category(guilin, scheme, "住院"),
                             eligible_costs="100", description="x")
        with pytest.raises(Exception, match="必须填写原因"):
            s.claim_reject(claim=claim, by=admin, reason=" ")
        rejected = s.claim_reject(claim=claim, by=admin, reason="不属于保障范围")
        assert (rejected.status, rejected.decision_reason) == ("rejected", "不属于保障范围")


def test_concurrent_approvals_never_exceed_the_cap(committed_db, guilin):
    """Two office users approve two claims of one member at the same moment on two connections:
    together they would pass the cap; the second gets only what remains, or is refused."""
    admins = [make_user(guilin, [Role.UNION_ADMIN]), make_user(guilin, [Role.CARE_OFFICER])]
    scheme = a_scheme(guilin, admins[0], cap="10000.00")
    branch = a_branch(guilin, name="并发测试分工会")
    member = a_member(guilin, branch=branch, employee_number="CONC-1")
    with in_schema(guilin):
        s.enrol(scheme=scheme, by=admins[0], member=member)
        claims = []
        for _ in range(3):
            claim = s.claim_file(by=admins[0], scheme=scheme, member=member,
                                 category=category(guilin, scheme, "重大疾病"), eligible_costs="1000",
                                 description="并发")
            s.claim_review(claim=claim, by=admins[0])
            claims.append(claim)

    def cleanup():
        with in_schema(guilin):
            AuditRecord.objects.filter(target_type__startswith="mutualaid.").delete()
            Claim.objects.filter(enrolment__scheme=scheme).delete()
            Enrolment.objects.filter(scheme=scheme).delete()
            scheme.categories.all().delete()
            Scheme.objects.filter(pk=scheme.pk).delete()
            AuditRecord.objects.filter(target_type="members.member", target_id=str(member.pk)).delete()
            Member.objects.filter(pk=member.pk).delete()
            AuditRecord.objects.filter(target_type="members.branch", target_id=str(branch.pk)).delete()
            Branch.objects.filter(pk=branch.pk).delete()
            for admin in admins:
                AuditRecord.objects.filter(actor_id=admin.pk).delete()
                AuditRecord.objects.filter(target_type="accounts.user", target_id=str(admin.pk)).delete()
        for admin in admins:
            delete_user_for_cleanup(guilin.schema_name, admin.pk)

    committed_db.append(cleanup)
    results, barrier = [], threading.Barrier(3)

    def approve(claim, admin):
        try:
            with in_schema(guilin):
                barrier.wait()
                try:
                    done = s.claim_approve(claim=claim, by=admin)
                    results.append(done.approved_amount)
                except Conflict:
                    results.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(c, admins[i % 2])) for i, c in enumerate(claims)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == sorted([Decimal("8000.00"), Decimal("2000.00"), "409"], key=str)
    with in_schema(guilin):
        assert Enrolment.objects.get(scheme=scheme, member=member).used == Decimal("10000.00")
        assert sum(c.approved_amount or 0 for c in Claim.objects.filter(enrolment__scheme=scheme)) == Decimal("10000.00")


def test_nobody_in_the_office_decides_on_their_own_claim(guilin):
    officer = make_user(guilin, [Role.CARE_OFFICER])
    colleague = make_user(guilin, [Role.UNION_ADMIN])
    member = a_member(guilin, user=officer)
    scheme = a_scheme(guilin, colleague)
    with in_schema(guilin):
        s.enrol(scheme=scheme, by=colleague, member=member)
        claim = s.claim_file(by=officer, scheme=scheme, category=category(guilin, scheme, "重大疾病"),
                             eligible_costs="20000", description="住院", member=member)
        for step in ("review", "reject"):
            with pytest.raises(NotAllowed, match="本人"):
                s.claim_act(claim=claim, by=officer, action=step, reason="自己办")
        s.claim_act(claim=claim, by=colleague, action="review")
        with pytest.raises(NotAllowed, match="本人"):
            s.claim_act(claim=claim, by=officer, action="approve")
        assert s.claim_act(claim=claim, by=colleague, action="approve").approved_amount == Decimal("8000.00")


def test_an_approved_claim_refused_before_payout_gives_its_share_of_the_cap_back(guilin):
    office, colleague = make_user(guilin, [Role.UNION_ADMIN]), make_user(guilin, [Role.CARE_OFFICER])
    member = a_member(guilin)
    scheme = a_scheme(guilin, office, cap="10000.00")
    with in_schema(guilin):
        enrolment = s.enrol(scheme=scheme, by=office, member=member)
        claim = s.claim_file(by=office, scheme=scheme, category=category(guilin, scheme, "重大疾病"),
                             eligible_costs="20000", description="住院", member=member)
        s.claim_act(claim=claim, by=colleague, action="review")
        s.claim_act(claim=claim, by=colleague, action="approve")
        assert Enrolment.objects.get(pk=enrolment.pk).used == Decimal("8000.00")
        with pytest.raises(DomainError, match="必须填写原因"):
            s.claim_act(claim=claim, by=colleague, action="reject", reason="")
        assert Enrolment.objects.get(pk=enrolment.pk).used == Decimal("8000.00")
        refused = s.claim_act(claim=claim, by=colleague, action="reject", reason="发票经核实为伪造")
        assert refused.status == Claim.Status.REJECTED
        assert Enrolment.objects.get(pk=enrolment.pk).used == Decimal("0.00")
        with pytest.raises(IllegalTransition):
            s.claim_act(claim=refused, by=colleague, action="pay")


def test_the_member_hears_of_every_step_of_their_claim(guilin):
    from tenants.accounts.models import Notification

    office, person = make_user(guilin, [Role.UNION_ADMIN]), make_user(guilin, [Role.MEMBER])
    member = a_member(guilin, user=person)
    scheme = a_scheme(guilin, office)
    with in_schema(guilin):
        s.enrol(scheme=scheme, by=office, member=member)
        claim = s.claim_file(by=person, scheme=scheme, category=category(guilin, scheme, "重大疾病"),
                             eligible_costs="20000", description="住院")
        for step in ("review", "approve", "pay"):
            s.claim_act(claim=claim, by=office, action=step)
        inbox = list(Notification.objects.filter(user=person).order_by("id").values_list("message", "link"))
    assert [message for message, _ in inbox] == ["您的互助金申请（重大疾病）已通过初审，等待核准。",
                                                 "您的互助金申请已核准 ¥8,000.00，等待支付。",
                                                 "您的互助金 ¥8,000.00 已支付。"]
    assert {link for _, link in inbox} == {f"/mutual-aid/claims/{claim.pk}/"}
