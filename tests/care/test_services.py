"""帮扶慰问 services: standards by date, the over-standard flow, batches with one entry, refusals,
the retirement hook and the reminder task."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.accounts.models import Notification
from tenants.care import selectors
from tenants.care.models import CareBatch, CareKind, CareVisit, LifeEvent
from tenants.care.services import (
    batch_record,
    care_settings_update,
    life_event_close,
    life_event_report,
    standard_in_force,
    standard_set,
    visit_decide,
    visit_record,
)
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.finance.models import ClosedYear, LedgerEntry
from tenants.members.services import member_change_status
from tests.conftest import in_schema

DAY = datetime.date(2026, 1, 15)


def visit(care, member=0, **extra):
    fields = {"by": care["officer"], "member": care["members"][member], "kind": CareKind.HOSPITAL,
              "visited_on": DAY, "amount": "300.00", "visitors": "王主席"}
    return visit_record(**{**fields, **extra})


def test_a_visit_keeps_the_standard_in_force_on_its_date(care):
    with in_schema(care["school"]):
        old = visit(care, visited_on=datetime.date(2025, 6, 1), amount="500")
        raised = standard_set(by=care["admin"], kind=CareKind.HOSPITAL, effective_from=datetime.date(2026, 1, 1),
                              amount_min=500, amount_max=800)
        new = visit(care, amount="800")
        assert standard_in_force(CareKind.HOSPITAL, datetime.date(2025, 12, 31)).amount_max == Decimal("500")
        assert new.standard == raised and new.status == "recorded"
        old.refresh_from_db()
        assert old.standard.amount_max == Decimal("500") and old.standard != raised
        # 800 in 2025 would be above the standard of its date
        with pytest.raises(ValidationError) as refused:
            visit(care, visited_on=datetime.date(2025, 6, 2), amount="800")
        assert "reason" in refused.value.message_dict


def test_within_the_standard_the_entry_is_written_at_once_in_the_right_category(care):
    with in_schema(care["school"]):
        done = visit(care)
        entry = done.ledger_entry
        assert (entry.kind, entry.category, entry.amount, entry.status) == ("expense", "activities",
                                                                            Decimal("300.00"), "pending")
        assert (entry.source_type, entry.source_id, entry.recorded_by) == ("care_visit", done.pk,
                                                                          care["officer"].username)
        hardship = visit(care, member=1, kind=CareKind.HARDSHIP, amount="1000")
        assert hardship.ledger_entry.category == "rights"


def test_above_the_standard_needs_a_reason_and_another_admin(care):
    with in_schema(care["school"]):
        with pytest.raises(ValidationError) as no_reason:
            visit(care, amount="2000")
        assert "reason" in no_reason.value.message_dict
        assert not CareVisit.objects.exists()
        waiting = visit(care, amount="2000", reason="重症监护，费用高", by=care["admin"])
        assert waiting.status == "pending" and waiting.ledger_entry is None and waiting.above_standard
        assert not LedgerEntry.objects.filter(source_type="care_visit").exists()
        with pytest.raises(NotAllowed):
            visit_decide(visit=waiting, by=care["admin"], approve=True)       # its own recorder
        with pytest.raises(NotAllowed):
            visit_decide(visit=waiting, by=care["officer"], approve=True)     # not the union office
        approved = visit_decide(visit=waiting, by=care["admin2"], approve=True)
        assert approved.status == "approved" and approved.ledger_entry.amount == Decimal("2000.00")
        with pytest.raises(IllegalTransition):
            visit_decide(visit=approved, by=care["admin2"], approve=False, reason="晚了")


def test_a_refused_visit_books_nothing(care):
    with in_schema(care["school"]):
        waiting = visit(care, amount="2000", reason="特殊情况")
        with pytest.raises(Exception):
            visit_decide(visit=waiting, by=care["admin"], approve=False)       # no reason
        refused = visit_decide(visit=waiting, by=care["admin"], approve=False, reason="请按标准发放")
        assert refused.status == "rejected" and refused.ledger_entry is None
        assert selectors.care_totals(2026) == {"count": 0, "amount": Decimal("0.00")}


@pytest.mark.parametrize("amount", ["300.001", "-5", "1e3", "99999999", "abc"])
def test_bad_amounts_are_refused_naming_the_field_and_nothing_is_written(care, amount):
    with in_schema(care["school"]):
        with pytest.raises(ValidationError) as refused:
            visit(care, amount=amount)
        assert "amount" in refused.value.message_dict
        assert not CareVisit.objects.exists() and not LedgerEntry.objects.exists()


def test_a_departed_member_and_a_closed_year_are_refused(care):
    with in_schema(care["school"]):
        member = care["members"][0]
        member_change_status(member=member, action="leave", by=care["admin"], reason="调离",
                             effective_on=datetime.date(2025, 12, 1))
        member.refresh_from_db()
        with pytest.raises(ValidationError) as departed:
            visit(care)
        assert "已退会" in departed.value.message_dict["member"][0]
        ClosedYear.objects.create(year=2025, closed_by="admin")
        with pytest.raises(Conflict):
            visit(care, member=1, visited_on=datetime.date(2025, 6, 1))
        with pytest.raises(Conflict):
            batch_record(by=care["admin"], kind=CareKind.HOLIDAY, title="2025 中秋", visited_on=datetime.date(2025, 9, 1),
                         per_head="200", scope="all")
        assert not CareVisit.objects.exists() and not LedgerEntry.objects.exists() and not CareBatch.objects.exists()


def test_only_the_office_records_and_only_union_admin_changes_standards(care):
    with in_schema(care["school"]):
        with pytest.raises(NotAllowed):
            visit(care, by=care["chair"])
        with pytest.raises(NotAllowed):
            standard_set(by=care["officer"], kind=CareKind.BIRTHDAY, effective_from=DAY, amount_min=100)
        with pytest.raises(Conflict):
            standard_set(by=care["admin"], kind=CareKind.BIRTHDAY, effective_from=datetime.date(2025, 1, 1),
                         amount_min=100)
        with pytest.raises(ValidationError) as bad:
            standard_set(by=care["admin"], kind=CareKind.BIRTHDAY, effective_from=DAY, amount_min=200,
                         amount_max=100)
        assert "amount_max" in bad.value.message_dict


def test_a_batch_is_one_visit_per_person_and_one_entry(care):
    with in_schema(care["school"]):
        batch = batch_record(by=care["officer"], kind=CareKind.HOLIDAY, title="2026 春节慰问", visited_on=DAY,
                             per_head="300", scope="branches", branches=[care["own"]], visitors="校工会")
        assert batch.count == 3 and batch.total == Decimal("900.00")
        assert CareVisit.objects.filter(batch=batch).count() == 3
        entries = LedgerEntry.objects.filter(source_type="care_batch")
        assert [(e.source_id, e.amount, e.category) for e in entries] == [(batch.pk, Decimal("900.00"), "activities")]
        summer = batch_record(by=care["officer"], kind=CareKind.SUMMER, title="送清凉", visited_on=DAY,
                              per_head="100", scope="members", members=care["members"][3:5])
        assert summer.count == 2 and summer.ledger_entry.category == "rights"
        with pytest.raises(ValidationError) as above:
            batch_record(by=care["officer"], kind=CareKind.HOLIDAY, title="超标", visited_on=DAY, per_head="301",
                         scope="all")
        assert "per_head" in above.value.message_dict
        assert selectors.care_totals(2026) == {"count": 5, "amount": Decimal("1100.00")}
        by_branch = {row["name"]: row for row in selectors.care_by_branch(2026)}
        assert by_branch["文学院"]["amount"] == Decimal("900.00")


def test_a_chair_reports_for_their_own_branch_and_a_visit_closes_the_event(care):
    with in_schema(care["school"]):
        with pytest.raises(NotAllowed):
            life_event_report(by=care["chair"], member=care["members"][4], kind=CareKind.HOSPITAL, occurred_on=DAY)
        event = life_event_report(by=care["chair"], member=care["members"][0], kind=CareKind.HOSPITAL,
                                  occurred_on=DAY, note="住院")
        assert event.status == "reported"
        visit(care, life_event=event)
        event.refresh_from_db()
        assert event.status == "visited"
        with pytest.raises(Conflict):
            visit(care, life_event=event)
        other = life_event_report(by=care["admin"], member=care["members"][4], kind=CareKind.MARRIAGE,
                                  occurred_on=DAY)
        with pytest.raises(Exception):
            life_event_close(event=other, by=care["officer"], reason="")
        assert life_event_close(event=other, by=care["officer"], reason="本人婉拒").status == "closed"


def test_retiring_a_member_asks_for_the_retirement_visit(care):
    with in_schema(care["school"]):
        member = care["members"][2]
        member_change_status(member=member, action="retire", by=care["admin"], effective_on=DAY)
        event = LifeEvent.objects.get(member=member)
        assert (event.kind, event.origin, event.status) == ("retirement", "retirement", "reported")


def test_the_reminder_task_runs_for_real_once_per_event(care):
    from tenants.care.tasks import remind_unvisited_events_task

    with in_schema(care["school"]):
        care_settings_update(by=care["admin"], reminder_days=3)
        late = life_event_report(by=care["chair"], member=care["members"][0], kind=CareKind.HOSPITAL, occurred_on=DAY)
        LifeEvent.objects.filter(pk=late.pk).update(reported_at=timezone.now() - datetime.timedelta(days=4))
        life_event_report(by=care["chair"], member=care["members"][1], kind=CareKind.MARRIAGE, occurred_on=DAY)
        assert remind_unvisited_events_task.apply().get() == 1
        assert remind_unvisited_events_task.apply().get() == 0
        told = Notification.objects.filter(message__contains="慰问提醒")
        assert {n.user_id for n in told} >= {care["admin"].pk, care["officer"].pk}
        assert care["chair"].pk not in {n.user_id for n in told}
        with pytest.raises(ValidationError):
            care_settings_update(by=care["admin"], reminder_days="0")


def test_a_life_event_waits_for_a_visit_again_when_its_visit_is_refused(care):
    member = care["members"][0]
    with in_schema(care["school"]):
        event = life_event_report(by=care["chair"], member=member, kind="hospital", occurred_on=DAY)
        visit = visit_record(by=care["officer"], member=member, kind="hospital", visited_on=DAY,
                             amount=Decimal("2000"), reason="手术费用高", life_event=event)
        assert LifeEvent.objects.get(pk=event.pk).status == LifeEvent.Status.VISITED
        visit_decide(visit=visit, by=care["admin"], approve=False, reason="超出太多")
        assert LifeEvent.objects.get(pk=event.pk).status == LifeEvent.Status.REPORTED


def test_a_branch_chair_never_sees_hardship_or_serious_illness_aid_of_their_members(care):
    member = care["members"][0]
    with in_schema(care["school"]):
        for kind, amount in (("hardship", "1000"), ("illness", "2000"), ("marriage", "500")):
            visit_record(by=care["officer"], member=member, kind=kind, visited_on=DAY, amount=Decimal(amount))
        assert {v.kind for v in selectors.visits_visible_to(care["chair"])} == {"marriage"}
        assert {v.kind for v in selectors.care_history_for(care["chair"], member)} == {"marriage"}
        assert {v.kind for v in selectors.care_history_for(care["officer"], member)} == {"hardship", "illness", "marriage"}


def test_a_batch_whose_total_no_ledger_entry_could_hold_is_refused_on_the_per_head_amount(care):
    from tenants.members.models import Member

    with in_schema(care["school"]):
        Member.objects.bulk_create(
            [Member(name=f"批量{n}", gender="male", employee_number=f"BIG{n}", branch=care["other"],
                    employment_type="staff", join_date=datetime.date(2010, 9, 1)) for n in range(1000)])
        standard_set(by=care["admin"], kind="holiday", effective_from=DAY, amount_min=100, amount_max=100000)
        with pytest.raises(ValidationError) as refused:
            batch_record(by=care["officer"], kind="holiday", title="春节慰问", visited_on=DAY, per_head="100000",
                         scope="all")
        assert "超出一笔账目的上限" in refused.value.message_dict["per_head"][0]
        assert not CareBatch.objects.exists() and not CareVisit.objects.filter(kind="holiday").exists()


def test_a_new_standard_never_reaches_back_over_visits_already_given(care):
    member = care["members"][0]
    with in_schema(care["school"]):
        visit_record(by=care["officer"], member=member, kind="marriage", visited_on=DAY, amount=Decimal("500"))
        with pytest.raises(Conflict) as refused:
            standard_set(by=care["admin"], kind="marriage", effective_from=DAY, amount_min=2000)
        assert refused.value.field == "effective_from" and "已发放的慰问保持原标准" in refused.value.message
        later = standard_set(by=care["admin"], kind="marriage", effective_from=DAY + datetime.timedelta(days=1),
                             amount_min=800)
        assert standard_in_force("marriage", DAY).amount_max == Decimal("500.00") and later.amount_max == 800
