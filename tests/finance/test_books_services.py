"""The books' services: four eyes, edits and resubmission, the budget all or nothing, the
year-end close, and what counts in budget vs actual (approved entries only)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.finance import services as s
from tenants.finance.models import Budget, ClosedYear, LedgerEntry
from tenants.finance.selectors import allowed_actions, budget_vs_actual, source_link
from tests.conftest import in_schema, make_user

DAY = datetime.date(2026, 5, 1)
LAST_YEAR = datetime.date(2025, 6, 1)


@pytest.fixture
def people(guilin):
    return {
        "treasurer": make_user(guilin, [Role.TREASURER]),
        "approver": make_user(guilin, [Role.FINANCE_APPROVER]),
        "admin": make_user(guilin, [Role.UNION_ADMIN]),
        "auditor": make_user(guilin, [Role.AUDITOR]),
    }


def record(by, amount="860.00", on=DAY, kind="expense", category="activities", description="运动会奖品"):
    return s.ledger_entry_record_manual(by=by, kind=kind, category=category, amount=amount, occurred_on=on,
                                        description=description)


def test_the_recorder_never_approves_their_own_entry_even_as_union_admin(guilin, people):
    with in_schema(guilin):
        entry = record(people["admin"])
        with pytest.raises(NotAllowed, match="不能审批自己"):
            s.ledger_entry_decide(entry=entry, by=people["admin"], approve=True)
        assert allowed_actions(entry, people["admin"]) == []
        assert LedgerEntry.objects.get(pk=entry.pk).status == "pending"
        s.ledger_entry_decide(entry=entry, by=people["approver"], approve=True)
        assert LedgerEntry.objects.get(pk=entry.pk).status == "approved"


def test_a_treasurer_or_auditor_cannot_approve_and_an_auditor_cannot_record(guilin, people):
    with in_schema(guilin):
        entry = record(people["admin"])
        for person in (people["treasurer"], people["auditor"]):
            with pytest.raises(NotAllowed):
                s.ledger_entry_decide(entry=entry, by=person, approve=True)
        with pytest.raises(NotAllowed):
            record(people["auditor"])
        assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("amount, message", [
    ("12.345", "最多保留 2 位小数"), ("-5", "应在"), ("0", "应在"), ("100000000", "应在"), ("1e3", "应为数字"),
    ("abc", "应为数字"),
])
def test_a_bad_amount_is_refused_naming_the_field_and_nothing_is_written(guilin, people, amount, message):
    with in_schema(guilin):
        with pytest.raises(ValidationError) as refused:
            record(people["treasurer"], amount=amount)
        assert message in refused.value.message_dict["amount"][0]
        assert not LedgerEntry.objects.exists() and not AuditRecord.objects.filter(
            target_type="finance.ledgerentry").exists()


def test_a_wrong_category_for_the_kind_is_refused(guilin, people):
    with in_schema(guilin):
        with pytest.raises(ValidationError) as refused:
            record(people["treasurer"], kind="income", category="activities")
        assert "科目与收支类型不符" in refused.value.message_dict["category"][0]


def test_a_sent_back_entry_is_corrected_and_goes_back_to_the_approvers(guilin, people):
    with in_schema(guilin):
        entry = record(people["treasurer"])
        s.ledger_entry_decide(entry=entry, by=people["approver"], approve=False, reason="缺少发票")
        corrected = s.ledger_entry_update(entry=entry, by=people["treasurer"], kind="expense", category="activities",
                                          amount="880.50", occurred_on=DAY, description="运动会奖品（补发票）")
        assert (corrected.status, corrected.amount) == ("pending", Decimal("880.50"))
        steps = list(AuditRecord.objects.filter(target_id=str(entry.pk), target_type="finance.ledgerentry")
                     .order_by("at", "id").values_list("action", "to_state"))
        assert steps == [("create", ""), ("transition", "rejected"), ("update", ""), ("transition", "pending")]
        s.ledger_entry_decide(entry=entry, by=people["approver"], approve=True)


def test_an_unchanged_resubmission_and_a_pending_edit(guilin, people):
    with in_schema(guilin):
        entry = record(people["treasurer"])
        s.ledger_entry_update(entry=entry, by=people["treasurer"], kind="expense", category="rights",
                              amount="100", occurred_on=DAY, description="改科目")
        assert LedgerEntry.objects.get(pk=entry.pk).status == "pending"
        with pytest.raises(IllegalTransition):
            s.ledger_entry_resubmit(entry=entry, by=people["treasurer"])
        s.ledger_entry_decide(entry=entry, by=people["approver"], approve=False, reason="金额不对")
        assert s.ledger_entry_resubmit(entry=entry, by=people["treasurer"]).status == "pending"


def test_an_approved_entry_is_never_edited_and_only_its_recorder_edits(guilin, people):
    with in_schema(guilin):
        entry = record(people["treasurer"])
        other = make_user(guilin, [Role.TREASURER])
        with pytest.raises(NotAllowed, match="记账人本人"):
            s.ledger_entry_update(entry=entry, by=other, kind="expense", category="activities", amount="1",
                                  occurred_on=DAY, description="x")
        with pytest.raises(NotAllowed):
            s.ledger_entry_update(entry=entry, by=people["auditor"], kind="expense", category="activities",
                                  amount="1", occurred_on=DAY, description="x")
        s.ledger_entry_decide(entry=entry, by=people["approver"], approve=True)
        with pytest.raises(Conflict, match="已审批的收支不能修改"):
            s.ledger_entry_update(entry=entry, by=people["treasurer"], kind="expense", category="activities",
                                  amount="1", occurred_on=DAY, description="x")
        assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("860.00")


def test_a_platform_entry_is_not_edited_in_the_books(guilin, people):
    with in_schema(guilin):
        entry = s.ledger_entry_record(by=people["treasurer"], kind="expense", category="activities", amount="300",
                                      occurred_on=DAY, description="慰问", source_type="care_visit", source_id=7)
        with pytest.raises(Conflict, match="慰问"):
            s.ledger_entry_update(entry=entry, by=people["treasurer"], kind="expense", category="activities",
                                  amount="1", occurred_on=DAY, description="x")
        assert source_link(entry) in ("", "/care/visits/7/") or source_link(entry).endswith("/7/")


def test_the_budget_is_saved_all_or_nothing_and_blank_removes_a_line(guilin, people):
    with in_schema(guilin):
        s.budget_set(by=people["treasurer"], year=2026, amounts={"dues": "1000", "activities": "500.50"})
        with pytest.raises(ValidationError) as refused:
            s.budget_set(by=people["treasurer"], year=2026,
                         amounts={"dues": "2000", "activities": "1.234", "rights": "-1", "nonsense": "1"})
        errors = refused.value.message_dict
        assert set(errors) == {"activities", "rights", "nonsense"} and "2 位小数" in errors["activities"][0]
        assert dict(Budget.objects.values_list("category", "amount")) == {"dues": Decimal("1000.00"),
                                                                          "activities": Decimal("500.50")}
        s.budget_set(by=people["admin"], year=2026, amounts={"dues": "", "rights": "300"})
        assert dict(Budget.objects.values_list("category", "amount")) == {"activities": Decimal("500.50"),
                                                                          "rights": Decimal("300.00")}
        with pytest.raises(NotAllowed):
            s.budget_set(by=people["auditor"], year=2026, amounts={"dues": "1"})
        with pytest.raises(NotAllowed):
            s.budget_set(by=people["approver"], year=2026, amounts={"dues": "1"})


def test_budget_vs_actual_counts_only_approved_entries(guilin, people):
    with in_schema(guilin):
        s.budget_set(by=people["treasurer"], year=2026, amounts={"activities": "1000", "dues": "4000"})
        approved = record(people["treasurer"], amount="250.00")
        s.ledger_entry_decide(entry=approved, by=people["approver"], approve=True)
        record(people["treasurer"], amount="999.00")  # pending
        rejected = record(people["treasurer"], amount="77.00")
        s.ledger_entry_decide(entry=rejected, by=people["approver"], approve=False, reason="重复")
        income = record(people["treasurer"], kind="income", category="dues", amount="1000")
        s.ledger_entry_decide(entry=income, by=people["admin"], approve=True)
        old = record(people["treasurer"], amount="5000", on=LAST_YEAR)
        s.ledger_entry_decide(entry=old, by=people["admin"], approve=True)
        figures = budget_vs_actual(2026)
        activities = next(r for r in figures["expense"] if r["category"] == "activities")
        assert (activities["actual"], activities["percent"], activities["remaining"]) == (
            Decimal("250.00"), Decimal("25.0"), Decimal("750.00"))
        assert (activities["pending"], activities["pending_count"], activities["entries"]) == (
            Decimal("999.00"), 1, 1)
        assert figures["balance"] == Decimal("750.00")
        assert figures["totals"]["income"]["percent"] == Decimal("25.0")
        rights = next(r for r in figures["expense"] if r["category"] == "rights")
        assert rights["budget"] is None and rights["percent"] is None


def test_a_year_is_closed_only_without_pending_entries_and_then_frozen(guilin, people):
    with in_schema(guilin):
        pending = record(people["treasurer"], on=LAST_YEAR)
        sent_back = record(people["treasurer"], on=LAST_YEAR, amount="5")
        s.ledger_entry_decide(entry=sent_back, by=people["approver"], approve=False, reason="重复")
        with pytest.raises(Conflict, match="还有 1 笔收支待审批"):
            s.year_close(by=people["admin"], year=2025)
        with pytest.raises(NotAllowed):
            s.year_close(by=people["treasurer"], year=2025)
        with pytest.raises(Conflict, match="尚未结束"):
            s.year_close(by=people["admin"], year=datetime.date.today().year)
        s.ledger_entry_decide(entry=pending, by=people["approver"], approve=True)
        s.year_close(by=people["admin"], year=2025, note="年终结账")
        assert ClosedYear.objects.filter(year=2025).exists()
        with pytest.raises(Conflict, match="已经结账"):
            s.year_close(by=people["admin"], year=2025)
        with pytest.raises(Conflict, match="已结账"):
            record(people["treasurer"], on=LAST_YEAR)
        with pytest.raises(Conflict, match="已结账"):
            s.ledger_entry_update(entry=sent_back, by=people["treasurer"], kind="expense", category="activities",
                                  amount="5", occurred_on=LAST_YEAR, description="x")
        with pytest.raises(Conflict, match="已结账"):
            s.ledger_entry_resubmit(entry=sent_back, by=people["treasurer"])
        with pytest.raises(Conflict, match="已结账"):
            s.budget_set(by=people["admin"], year=2025, amounts={"dues": "1"})
        # an open year's entry cannot be moved into the closed one either
        current = record(people["treasurer"])
        with pytest.raises(Conflict, match="已结账"):
            s.ledger_entry_update(entry=current, by=people["treasurer"], kind="expense", category="activities",
                                  amount="5", occurred_on=LAST_YEAR, description="x")
        assert LedgerEntry.objects.get(pk=current.pk).occurred_on == DAY
        assert not Budget.objects.filter(year=2025).exists()


def test_a_close_waits_for_an_entry_being_recorded_in_that_year(committed_db, guilin):
    """The close and a recording of the same year at the same moment: the close waits for the
    entry to commit and then refuses, naming it; it never freezes a year with an entry pending."""
    import threading
    import time

    from django.db import connection, transaction

    from tests.conftest import delete_user_for_cleanup

    treasurer = make_user(guilin, [Role.TREASURER], username="close-race-treasurer")
    admin = make_user(guilin, [Role.UNION_ADMIN], username="close-race-admin")

    def cleanup():
        with in_schema(guilin):
            AuditRecord.objects.filter(target_type__startswith="finance.").delete()
            LedgerEntry.objects.filter(occurred_on__year=2025).delete()
            ClosedYear.objects.filter(year=2025).delete()
            for user in (treasurer, admin):
                AuditRecord.objects.filter(target_type="accounts.user", target_id=str(user.pk)).delete()
                delete_user_for_cleanup(guilin.schema_name, user.pk)

    committed_db.append(cleanup)
    recorded, outcome = threading.Event(), {}

    def record_slowly():
        with in_schema(guilin), transaction.atomic():
            record(treasurer, on=LAST_YEAR)
            recorded.set()
            time.sleep(0.6)
        connection.close()

    def close():
        recorded.wait(5)
        started = time.perf_counter()
        try:
            with in_schema(guilin):
                s.year_close(by=admin, year=2025)
            outcome["result"] = "closed"
        except Conflict as refused:
            outcome["result"] = refused.message
        outcome["waited"] = time.perf_counter() - started
        connection.close()

    threads = [threading.Thread(target=record_slowly), threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "还有 1 笔收支待审批" in outcome["result"] and outcome["waited"] > 0.3
    with in_schema(guilin):
        assert not ClosedYear.objects.filter(year=2025).exists()
