"""疗休养 in the services: the rules (years of service, rotation, retirees), applications and their
refusals, the ranked selection, the office's final word, confirmation, replacement, the books."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from tenants.accounts.models import Notification
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import ClosedYear, LedgerEntry
from tenants.trips import selectors as q
from tenants.trips import services as s
from tenants.trips.models import TripApplication, TripBatch
from tests.conftest import in_schema
from tests.trips.conftest import TODAY, a_batch, new_member


def statuses(batch):
    return {a.member.name: a.status for a in batch.applications.select_related("member")}


def test_the_rules_refuse_with_the_rule_named_and_nothing_is_written(trips):
    admin, members = trips["admin"], trips["members"]
    with in_schema(trips["school"]):
        s.rules_update(by=admin, min_service_years=10, rotation_years=3)
        batch = a_batch(admin)
        young = new_member(trips["own"], 90, started=TODAY - datetime.timedelta(days=365 * 3), name="新教师")
        retiree = new_member(trips["own"], 91, status="retired", employment_type="retiree", name="老教师")
        with pytest.raises(ValidationError) as refused:
            s.application_submit(by=admin, batch=batch, member=young)
        assert "最低工龄 10 年" in refused.value.message_dict["member"][0]
        with pytest.raises(ValidationError) as refused:
            s.application_submit(by=admin, batch=batch, member=retiree)
        assert "退休人员除外" in refused.value.message_dict["member"][0]
        # rotation: went two years ago, rule 3 years
        past = a_batch(admin, title="往年", starts_on=TODAY - datetime.timedelta(days=700), places=1,
                       opens=TODAY - datetime.timedelta(days=800), closes=TODAY - datetime.timedelta(days=750))
        s.application_submit(by=admin, batch=past, member=members[1])
        s.batch_close_applications(by=admin, batch=past)
        s.selection_fill(by=admin, batch=past)
        s.application_confirm(by=admin, application=past.applications.get())
        s.batch_confirm(by=admin, batch=past)
        with pytest.raises(ValidationError) as refused:
            s.application_submit(by=admin, batch=batch, member=members[1])
        assert "轮换年限 3 年" in refused.value.message_dict["member"][0]
        assert not batch.applications.exists()
        # not recorded: years counted from 入会日期 (2010), shown as estimated
        unknown = new_member(trips["own"], 92, started=None, name="未登记")
        s.application_submit(by=admin, batch=batch, member=unknown)
        row = next(r for r in q.ranking(batch) if r.application.member_id == unknown.pk)
        assert "按入会日期估算" in row.explanation
        # the rules' changes are audited
        assert AuditRecord.objects.filter(target_type="trips.triprules", action="update").exists()


def test_who_may_apply_window_and_duplicates(trips):
    admin, chair, person, members = trips["admin"], trips["chair"], trips["person"], trips["members"]
    with in_schema(trips["school"]):
        batch = a_batch(admin)
        s.application_submit(by=person, batch=batch, member=members[0])
        with pytest.raises(Conflict):
            s.application_submit(by=person, batch=batch, member=members[0])
        with pytest.raises(NotAllowed):
            s.application_submit(by=person, batch=batch, member=members[1])
        s.application_submit(by=chair, batch=batch, member=members[1])
        with pytest.raises(NotAllowed):
            s.application_submit(by=chair, batch=batch, member=members[4])  # another branch
        later = a_batch(admin, title="下一批", opens=TODAY + datetime.timedelta(days=5))
        with pytest.raises(ValidationError) as refused:
            s.application_submit(by=person, batch=later, member=members[0])
        assert "不在报名时间内" in refused.value.message_dict["batch"][0]
        s.application_submit(by=admin, batch=later, member=members[0])  # the office enters it any time
        # withdraw and apply again
        mine = batch.applications.get(member=members[0])
        s.application_withdraw(by=person, application=mine)
        assert s.application_submit(by=person, batch=batch, member=members[0]).status == "applied"


def test_ranking_selection_confirmation_replacement_and_the_books(trips):
    admin, person, members = trips["admin"], trips["person"], trips["members"]
    with in_schema(trips["school"]):
        members[3].is_front_line = True
        members[3].save(update_fields=["is_front_line"])
        members[4].is_model_worker = members[4].is_front_line = True
        members[4].save(update_fields=["is_model_worker", "is_front_line"])
        members[5].work_started_on = datetime.date(1990, 1, 1)
        members[5].save(update_fields=["work_started_on"])
        batch = a_batch(admin, places=2)
        for m in members:
            s.application_submit(by=admin, batch=batch, member=m)
        order = [r.application.member.name for r in q.ranking(batch)]
        assert order[:3] == ["会员4", "会员3", "会员5"]  # 2 priorities, 1 priority, longest service
        assert "劳动模范、一线教职工" in q.ranking(batch)[0].explanation
        with pytest.raises(Conflict):
            s.selection_fill(by=admin, batch=batch)  # still taking applications
        s.batch_close_applications(by=admin, batch=batch)
        chosen = s.selection_fill(by=admin, batch=batch)
        assert [a.member.name for a in chosen] == ["会员4", "会员3"]
        assert s.selection_fill(by=admin, batch=batch) == []  # no free place: never beyond
        first = batch.applications.get(member=members[0])
        with pytest.raises(Conflict):
            s.application_select(by=admin, application=first, reason="照顾")
        # the office's final word: take one back, give it to 会员0, with reasons
        s.application_deselect(by=admin, application=batch.applications.get(member=members[3]), reason="本人调岗")
        s.application_select(by=admin, application=first, reason="连续三年担任班主任")
        assert "连续三年担任班主任" in batch.applications.get(member=members[0]).decision_reason
        # 会员0 declines on the phone: the next in the ranking (会员5) is offered and told
        s.application_decline(by=person, application=first, reason="家中有事")
        assert statuses(batch)["会员5"] == "selected"
        offered = batch.applications.get(member=members[5])
        assert offered.is_replacement and "替补" in offered.decision_reason
        with pytest.raises(Conflict):
            s.batch_confirm(by=admin, batch=batch)  # two still to confirm
        for name in ("会员4", "会员5"):
            s.application_confirm(by=admin, application=batch.applications.get(member__name=name))
        s.batch_confirm(by=admin, batch=batch)
        assert Notification.objects.filter(user=person, message__contains="已入选").exists()
        with pytest.raises(ValidationError):
            s.batch_travel(by=admin, batch=batch)  # not yet set out
        TripBatch.objects.filter(pk=batch.pk).update(starts_on=TODAY)  # the trip day has come
        batch.refresh_from_db()
        s.batch_travel(by=admin, batch=batch)
        batch.refresh_from_db()
        entry = LedgerEntry.objects.get(pk=batch.ledger_entry_id)
        assert entry.amount == 6000 and entry.source_type == "trip" and entry.source_id == batch.pk
        assert entry.category == "activities" and entry.status == "pending"
        assert statuses(batch)["会员1"] == "not_selected"
        assert q.travellers_per_year()[TODAY.year] == 2 and q.trips_per_year()[TODAY.year] == 1
        assert [a.batch_id for a in q.member_history(members[4])] == [batch.pk]


def test_a_closed_year_refuses_the_travel_and_nothing_moves(trips):
    admin, members = trips["admin"], trips["members"]
    with in_schema(trips["school"]):
        batch = a_batch(admin, places=1)
        s.application_submit(by=admin, batch=batch, member=members[1])
        s.batch_close_applications(by=admin, batch=batch)
        s.selection_fill(by=admin, batch=batch)
        s.application_confirm(by=admin, application=batch.applications.get())
        s.batch_confirm(by=admin, batch=batch)
        TripBatch.objects.filter(pk=batch.pk).update(starts_on=TODAY)
        ClosedYear.objects.create(year=TODAY.year, closed_by="test")
        with pytest.raises(Conflict):
            s.batch_travel(by=admin, batch=batch)
        batch.refresh_from_db()
        assert batch.status == "confirmed" and batch.ledger_entry_id is None
        assert not LedgerEntry.objects.filter(source_type="trip").exists()


def test_bad_batch_input_is_named(trips):
    with in_schema(trips["school"]):
        with pytest.raises(ValidationError) as refused:
            s.batch_create(by=trips["admin"], title="", destination="杭州", starts_on=TODAY, ends_on=TODAY,
                           places="0", cost_per_person="12.345", applications_open_on=TODAY,
                           applications_close_on=TODAY + datetime.timedelta(days=3))
        assert {"title", "places", "cost_per_person", "applications_close_on"} <= set(refused.value.message_dict)
        with pytest.raises(NotAllowed):
            a_batch(trips["chair"])
        assert not TripBatch.objects.exists() and not TripApplication.objects.exists()
