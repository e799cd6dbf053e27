"""荣休: the year's retirees come from status changes, the list is changed with reasons, recorded."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.retirement import selectors as q
from tenants.retirement import services as s
from tenants.retirement.models import Ceremony, Honouree
from tests.conftest import in_schema, make_user
from tests.retirement.conftest import YEAR


def _listed(ceremony):
    return [h.member.employee_number for h in q.honourees_of(ceremony)]


def test_a_ceremony_gathers_the_years_retirees_and_is_recorded(rt):
    admin, people = rt["admin"], rt["people"]
    with in_schema(rt["school"]):
        assert sorted(s.year_retirees(YEAR)) == sorted(p.pk for p in people[:3])
        assert [m.employee_number for m in q.retirees_not_honoured(YEAR)] == ["R0", "R1", "R2"]
        ceremony = s.ceremony_create(by=admin, year=YEAR, held_on=datetime.date(YEAR, 12, 20), place="学术报告厅")
        assert ceremony.title == f"{YEAR}年荣休仪式" and _listed(ceremony) == ["R0", "R1", "R2"]
        assert not q.retirees_not_honoured(YEAR).exists()
        with pytest.raises(ValidationError) as error:
            s.honouree_remove(by=admin, honouree=Honouree.objects.get(member=people[1]), reason="")
        assert "reason" in error.value.message_dict
        s.honouree_remove(by=admin, honouree=Honouree.objects.get(member=people[1]), reason="本人不参加")
        with pytest.raises(ValidationError) as error:
            s.honouree_add(by=admin, ceremony=ceremony, member=people[4], reason="同事")
        assert "不是退休会员" in error.value.message_dict["member"][0]
        added = s.honouree_add(by=admin, ceremony=ceremony, member=people[3], reason="去年年底退休，未赶上去年的仪式")
        assert added.source == "added"
        assert s.ceremony_refresh(by=admin, ceremony=ceremony) == 0  # the one taken off is not put back
        assert _listed(ceremony) == ["R0", "R2", "R3"]
        recorded = s.ceremony_move(by=admin, ceremony=ceremony, action="record")
        assert recorded.status == "recorded" and recorded.recorded_at
        with pytest.raises(Conflict):
            s.honouree_add(by=admin, ceremony=ceremony, member=people[1], reason="改变主意")
        with pytest.raises(IllegalTransition):
            s.ceremony_move(by=admin, ceremony=ceremony, action="record")
        with pytest.raises(Exception):
            s.ceremony_move(by=admin, ceremony=ceremony, action="reopen", reason="")
        s.ceremony_move(by=admin, ceremony=ceremony, action="reopen", reason="补充一人")
        s.honouree_add(by=admin, ceremony=ceremony, member=people[1], reason="改变主意")
        assert _listed(ceremony) == ["R0", "R1", "R2", "R3"]
        assert [h.ceremony for h in q.member_honours(people[0])] == [ceremony]


def test_one_ceremony_per_person_and_refusals_write_nothing(rt, guilin):
    admin, people = rt["admin"], rt["people"]
    with in_schema(rt["school"]):
        first = s.ceremony_create(by=admin, year=YEAR, held_on=datetime.date(YEAR, 6, 30))
        second = s.ceremony_create(by=admin, year=YEAR, held_on=datetime.date(YEAR, 12, 30))
        assert _listed(second) == []  # all three already on the first list
        with pytest.raises(Conflict):
            s.honouree_add(by=admin, ceremony=second, member=people[0], reason="再来一次")
        with pytest.raises(Conflict):
            s.ceremony_move(by=admin, ceremony=second, action="record")
        with pytest.raises(ValidationError) as error:
            s.ceremony_create(by=admin, year=1800, held_on="明天")
        assert set(error.value.message_dict) == {"year", "held_on"}
        with pytest.raises(NotAllowed):
            s.ceremony_create(by=make_user(guilin, []), year=YEAR, held_on=datetime.date(YEAR, 12, 1))
        assert Ceremony.objects.count() == 2 and len(_listed(first)) == 3
