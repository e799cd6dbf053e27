"""The hardship register's rules: one open case per member, incomes checked, reviews move the
next review date, closing and reopening go through the state machine, only readers write."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.hardship import services as s
from tenants.hardship.models import HardshipCase, HardshipLevel, HouseholdMember
from tenants.hardship.selectors import cases_matching, reviews_overdue
from tests.conftest import in_schema, make_user
from tests.hardship.conftest import HOUSEHOLD, level_id, new_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(guilin):
    return make_user(guilin, [Role.CARE_OFFICER])


def register(school, by, member, **extra):
    with in_schema(school):
        kwargs = {"level": level_id(school), "cause": "illness", "household": [dict(r) for r in HOUSEHOLD],
                  **extra}
        return s.case_register(by=by, member=member, **kwargs)


def test_a_case_computes_household_income_and_is_due_for_review_a_year_on(guilin, officer):
    member = new_member(guilin)
    case = register(guilin, officer, member, registered_on=datetime.date(2025, 3, 1))
    with in_schema(guilin):
        case.refresh_from_db()
        assert case.status == "active" and case.household_size == 3
        assert case.household_income == Decimal("3200.50")
        assert case.per_capita_income == Decimal("1066.83")
        assert case.next_review_on == datetime.date(2026, 3, 1)
        assert HouseholdMember.objects.filter(case=case).count() == 3
        created = AuditRecord.objects.get(target_type="hardship.hardshipcase", target_id=str(case.pk),
                                          action="create")
        # the audit of the creation names no income and no household member
        assert "household_income" not in created.changes and "家属乙" not in str(created.changes)


def test_the_default_levels_exist_and_the_office_extends_and_renames_them(guilin, officer):
    admin = make_user(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        assert list(HardshipLevel.objects.values_list("name", flat=True)) == ["特困", "困难", "相对困难"]
        level = s.level_create(by=admin, name="临时困难")
        s.level_update(by=admin, level=level, name="突发困难")
        assert HardshipLevel.objects.get(pk=level.pk).name == "突发困难"
        with pytest.raises(Conflict):
            s.level_create(by=admin, name="特困")
        with pytest.raises(NotAllowed):
            s.level_create(by=officer, name="另一级")


def test_one_open_case_per_member(guilin, officer):
    member = new_member(guilin)
    register(guilin, officer, member)
    with pytest.raises(Conflict) as refused:
        register(guilin, officer, member)
    assert refused.value.field == "member" and refused.value.status_code == 409
    with in_schema(guilin):
        assert HardshipCase.objects.filter(member=member).count() == 1


def test_a_departed_member_is_refused(guilin, officer):
    gone = new_member(guilin, status="left")
    with pytest.raises(ValidationError) as refused:
        register(guilin, officer, gone)
    assert "member" in refused.value.message_dict and "退会" in refused.value.message_dict["member"][0]


@pytest.mark.parametrize("income, says", [("-1", "之间"), ("12.345", "2 位小数"), ("99999999", "之间"),
                                          ("1e3", "数字"), ("", "月收入")])
def test_bad_incomes_are_refused_naming_the_row_and_nothing_is_written(guilin, officer, income, says):
    member = new_member(guilin)
    household = [dict(r) for r in HOUSEHOLD]
    household[1]["monthly_income"] = income
    with in_schema(guilin):
        before = (HardshipCase.objects.count(), HouseholdMember.objects.count())
    with pytest.raises(ValidationError) as refused:
        register(guilin, officer, member, household=household)
    message = refused.value.message_dict["household"][0]
    assert "第 2 位家庭成员" in message and says in message
    with in_schema(guilin):
        assert (HardshipCase.objects.count(), HouseholdMember.objects.count()) == before


def test_an_empty_household_and_a_bad_age_are_refused(guilin, officer):
    member = new_member(guilin)
    with pytest.raises(ValidationError) as empty:
        register(guilin, officer, member, household=[])
    assert "household" in empty.value.message_dict
    household = [dict(HOUSEHOLD[0], age=300)]
    with pytest.raises(ValidationError) as old:
        register(guilin, officer, member, household=household)
    assert "年龄" in old.value.message_dict["household"][0]


def test_reviews_keep_change_and_close(guilin, officer):
    member = new_member(guilin)
    case = register(guilin, officer, member, registered_on=datetime.date(2024, 5, 10))
    with in_schema(guilin):
        assert case.pk in [c.pk for c in reviews_overdue()]
        review = s.case_review(by=officer, case=case, outcome="keep", reviewed_on=datetime.date(2025, 5, 8))
        case.refresh_from_db()
        assert case.next_review_on == datetime.date(2026, 5, 8) == review.next_review_on
        s.case_review(by=officer, case=case, outcome="change", level=level_id(guilin, "特困"), note="配偶病重")
        case.refresh_from_db()
        assert case.level.name == "特困"
        assert case.next_review_on == s.one_year_after(timezone.localdate())
        with pytest.raises(ValidationError) as same:
            s.case_review(by=officer, case=case, outcome="change", level=level_id(guilin, "特困"))
        assert "level" in same.value.message_dict
        with pytest.raises(ValidationError) as no_note:
            s.case_review(by=officer, case=case, outcome="close")
        assert "note" in no_note.value.message_dict
        s.case_review(by=officer, case=case, outcome="close", note="配偶康复，收入恢复")
        case.refresh_from_db()
        assert case.status == "closed" and case.closed_on == timezone.localdate()
        assert case.reviews.count() == 3
        with pytest.raises(IllegalTransition):
            s.case_review(by=officer, case=case, outcome="keep")
        assert case.reviews.count() == 3


def test_close_needs_a_reason_and_reopen_refuses_a_second_open_case(guilin, officer):
    member = new_member(guilin)
    case = register(guilin, officer, member)
    with in_schema(guilin):
        with pytest.raises(Exception) as no_reason:
            s.case_close(by=officer, case=case, reason="")
        assert getattr(no_reason.value, "field", None) == "reason"
        s.case_close(by=officer, case=case, reason="子女工作，家庭收入提高")
    second = register(guilin, officer, member)
    with in_schema(guilin):
        with pytest.raises(Conflict):
            s.case_reopen(by=officer, case=case, reason="再次困难")
        s.case_close(by=officer, case=second, reason="脱困")
        s.case_reopen(by=officer, case=case, reason="再次困难")
        case.refresh_from_db()
        assert case.status == "active" and case.closed_on is None
        assert [r.to_state for r in AuditRecord.objects.filter(
            target_type="hardship.hardshipcase", target_id=str(case.pk), action="transition").order_by("id")] == \
            ["closed", "active"]


def test_only_hardship_readers_write_or_read(guilin):
    member = new_member(guilin)
    for roles in ([Role.BRANCH_CHAIR], [Role.TREASURER], [Role.AUDITOR], [Role.MEMBER]):
        someone = make_user(guilin, roles)
        with pytest.raises(NotAllowed):
            register(guilin, someone, member)
    officer = make_user(guilin, [Role.CARE_OFFICER])
    case = register(guilin, officer, member)
    chair = make_user(guilin, [Role.BRANCH_CHAIR])
    with in_schema(guilin), pytest.raises(NotAllowed):
        s.case_read(by=chair, case_id=case.pk)


def test_every_read_of_a_case_is_audited_naming_the_reader(guilin, officer):
    member = new_member(guilin)
    case = register(guilin, officer, member)
    admin = make_user(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        s.case_read(by=officer, case_id=case.pk)
        s.case_read(by=admin, case_id=case.pk)
        s.case_read(by=officer, case_id=case.pk)
        reads = list(AuditRecord.objects.filter(target_type="hardship.hardshipcase", target_id=str(case.pk),
                                                action="read").order_by("id").values_list("actor_name", flat=True))
    assert reads == [officer.username, admin.username, officer.username]


def test_the_list_puts_overdue_reviews_first_and_filters(guilin, officer):
    late = register(guilin, officer, new_member(guilin, name="逾期者"), registered_on=datetime.date(2023, 1, 2))
    fresh = register(guilin, officer, new_member(guilin, name="新建者"))
    with in_schema(guilin):
        ids = [c.pk for c in cases_matching()]
        assert ids.index(late.pk) < ids.index(fresh.pk)
        assert [c.pk for c in cases_matching(overdue=True)] == [late.pk] or late.pk in \
            [c.pk for c in cases_matching(overdue=True)]
        assert fresh.pk not in [c.pk for c in cases_matching(overdue=True)]
        assert [c.pk for c in cases_matching(query="新建")] == [fresh.pk]
