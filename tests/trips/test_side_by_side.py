"""Batches running side by side (two summer batches both 遴选中): a member holds one place inside
a rotation period — applying, selecting, filling, replacing and confirming all refuse a second."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from tenants.errors import Conflict
from tenants.trips import services as s
from tests.conftest import client_for, in_schema
from tests.trips.conftest import TODAY, a_batch

APPLICATIONS = "/api/v1/trips/applications/"


def two_summer_batches(trips, members, places=1):
    admin = trips["admin"]
    first = a_batch(admin, title="暑期第一批", places=places, starts_on=TODAY + datetime.timedelta(days=30))
    second = a_batch(admin, title="暑期第二批", places=places, starts_on=TODAY + datetime.timedelta(days=40))
    for batch in (first, second):
        for member in members:
            s.application_submit(by=admin, batch=batch, member=member)
    return first, second


def test_a_place_in_one_batch_refuses_select_fill_and_apply_in_another(trips):
    admin, members = trips["admin"], trips["members"]
    with in_schema(trips["school"]):
        first, second = two_summer_batches(trips, members[1:3])
        for batch in (first, second):
            s.batch_close_applications(by=admin, batch=batch)
        held = first.applications.get(member=members[1])
        s.application_select(by=admin, application=held, reason="班主任")
        # the office's final word is refused too, naming the rule; nothing written
        other = second.applications.get(member=members[1])
        with pytest.raises(ValidationError) as refused:
            s.application_select(by=admin, application=other, reason="照顾")
        message = refused.value.message_dict["reason"][0]
        assert "轮换年限 3 年" in message and "暑期第一批" in message
        other.refresh_from_db()
        assert other.status == "applied"
        # the draft by the rules skips them and gives the place to the next
        chosen = s.selection_fill(by=admin, batch=second)
        assert [a.member_id for a in chosen] == [members[2].pk]
        # a third batch open now: applying is refused as well
        third = a_batch(admin, title="秋季批", starts_on=TODAY + datetime.timedelta(days=60))
        with pytest.raises(ValidationError) as refused:
            s.application_submit(by=admin, batch=third, member=members[1])
        assert "轮换年限 3 年" in refused.value.message_dict["member"][0]
        assert not third.applications.exists()
        # a place in a cancelled batch does not count
        s.batch_cancel(by=admin, batch=first, reason="酒店停业")
        assert s.application_submit(by=admin, batch=third, member=members[1]).status == "applied"


def test_a_replacement_skips_who_holds_a_place_elsewhere(trips):
    admin, members = trips["admin"], trips["members"]
    with in_schema(trips["school"]):
        first, second = two_summer_batches(trips, members[1:4])
        for batch in (first, second):
            s.batch_close_applications(by=admin, batch=batch)
        s.application_select(by=admin, application=first.applications.get(member=members[2]), reason="班主任")
        s.application_select(by=admin, application=second.applications.get(member=members[1]), reason="一线")
        s.application_decline(by=admin, application=second.applications.get(member=members[1]))
        # members[2] ranks before members[3] (same facts, applied first) but holds a place in the first batch
        assert second.applications.get(member=members[2]).status == "applied"
        assert second.applications.get(member=members[3]).status == "selected"


def test_confirming_a_second_place_is_refused(trips, host_client):
    admin, person, members = trips["admin"], trips["person"], trips["members"]
    school = trips["school"]
    with in_schema(school):
        s.rules_update(by=admin, rotation_years=0)  # no rotation while the places were given
        first, second = two_summer_batches(trips, [members[0]])
        for batch in (first, second):
            s.batch_close_applications(by=admin, batch=batch)
            s.selection_fill(by=admin, batch=batch)
        s.application_confirm(by=person, application=first.applications.get())
        s.rules_update(by=admin, rotation_years=3)
        with pytest.raises(Conflict) as refused:
            s.application_confirm(by=admin, application=second.applications.get())
        assert "轮换年限 3 年" in str(refused.value) and "暑期第一批" in str(refused.value)
        pending = second.applications.get()
        assert pending.status == "selected"
    answer = client_for(school, person).post(f"{APPLICATIONS}{pending.pk}/confirm/", {}, format="json")
    assert answer.status_code == 409 and "轮换年限 3 年" in answer.json()["detail"]
    with in_schema(school):
        assert second.applications.get().status == "selected"
        # nor can the first batch's list be made final while they hold a place in the second
        with pytest.raises(Conflict) as refused:
            s.batch_confirm(by=admin, batch=first)
        assert "轮换年限 3 年" in str(refused.value)
        # handing the other place back lets them confirm this one
        s.application_decline(by=person, application=first.applications.get())
        assert s.application_confirm(by=person, application=second.applications.get()).status == "confirmed"
        assert s.batch_confirm(by=admin, batch=second).status == "confirmed"
