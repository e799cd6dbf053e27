"""Activities: the waitlist in arrival order, promotion on cancel and on more places, quotas,
eligibility, teams, check-in, the cost to the books; bad input refused with nothing written."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.accounts.models import Notification
from tenants.activities import selectors as q
from tenants.activities import services as s
from tenants.activities.models import Registration
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import LedgerEntry
from tests.activities.conftest import activity_fields, new_member, open_activity, starting_now
from tests.conftest import in_schema

R = Registration.Status


def sign(activity, member, **extra):
    return s.registration_create(by=member.user, activity=activity, member=member, **extra)


def test_beyond_capacity_a_waitlist_in_arrival_order_that_moves_on_cancel_and_on_more_places(act):
    with in_schema(act["school"]):
        activity = open_activity(act["admin"], capacity=2)
        regs = [sign(activity, m) for m in act["members"][:5]]
        assert [r.status for r in regs] == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED, R.WAITLISTED, R.WAITLISTED]
        assert [s.waitlist_place(r) for r in regs[2:]] == [1, 2, 3]
        s.registration_cancel(by=act["members"][0].user, registration=regs[0])
        regs = [Registration.objects.get(pk=r.pk) for r in regs]
        assert regs[2].status == R.CONFIRMED and regs[3].status == R.WAITLISTED
        assert Notification.objects.filter(user=act["members"][2].user, message__contains="递补").exists()
        s.activity_update(by=act["admin"], activity=activity, capacity=4)
        assert {Registration.objects.get(pk=r.pk).status for r in regs[3:]} == {R.CONFIRMED}
        assert s.counts(activity)["confirmed"] == 4
        with pytest.raises(ValidationError, match="名额不能少于"):
            s.activity_update(by=act["admin"], activity=activity, capacity=2)


def test_refusals_write_nothing(act):
    with in_schema(act["school"]):
        m = act["members"]
        activity = open_activity(act["admin"], capacity=10, quotas={act["own"]: 2}, gender="female")
        sign(activity, m[0])
        before = Registration.objects.count()
        with pytest.raises(Conflict, match="不能重复报名"):
            sign(activity, m[0])
        sign(activity, m[1])
        with pytest.raises(Conflict, match="名额（2 人）已报满"):
            sign(activity, m[2])
        man = new_member(act["other"], user=m[3].user.__class__.objects.create(username="actman"), gender="male")
        with pytest.raises(ValidationError, match="仅限女"):
            sign(activity, man)
        with pytest.raises(NotAllowed):
            s.registration_create(by=m[4].user, activity=activity, member=m[5])
        late = open_activity(act["admin"], registration_opens_at=timezone.now() - datetime.timedelta(days=3),
                             registration_closes_at=timezone.now() - datetime.timedelta(days=1))
        with pytest.raises(Conflict, match="报名已截止"):
            sign(late, m[4])
        assert Registration.objects.count() == before + 1


def test_eligibility_child_age_marital_status_and_retirees(act):
    with in_schema(act["school"]):
        m = act["members"]
        six = open_activity(act["admin"], kind="children", child_age_min=3, child_age_max=12)
        with pytest.raises(ValidationError) as error:
            sign(six, m[0])
        assert set(error.value.message_dict) == {"child_name", "child_birth_date"}
        with pytest.raises(ValidationError, match="岁"):
            sign(six, m[0], child_name="小明", child_birth_date=datetime.date(2000, 1, 1))
        assert sign(six, m[0], child_name="小明", child_birth_date=timezone.localdate().replace(year=2020)).child_name
        mixer = open_activity(act["admin"], kind="mixer", marital_status="single")
        with pytest.raises(ValidationError, match="婚姻状况未登记"):
            sign(mixer, m[1])
        m[1].marital_status = "single"
        m[1].save(update_fields=["marital_status"])
        sign(mixer, m[1])
        old = open_activity(act["admin"], retirees="only")
        with pytest.raises(ValidationError, match="仅限退休"):
            sign(old, m[2])


def test_teams_of_one_branch_one_team_per_person(act):
    with in_schema(act["school"]):
        m = act["members"]
        volley = open_activity(act["admin"], kind="ball", sign_up="team", team_size=2, capacity=4)
        with pytest.raises(ValidationError, match="不是活动文学院的会员"):
            s.team_register(by=act["chair"], activity=volley, name="文学院队", members=[m[0], m[3]])
        team = s.team_register(by=act["chair"], activity=volley, name="文学院一队", members=[m[0], m[1]])
        assert {r.status for r in team.registrations.all()} == {R.CONFIRMED}
        with pytest.raises(Conflict, match="只能参加一支队"):
            s.team_register(by=act["chair"], activity=volley, name="文学院二队", members=[m[1], m[2]])
        with pytest.raises(ValidationError, match="组队报名"):
            sign(volley, m[2])


def test_organiser_moves_with_a_reason_and_member_cancels_until_the_deadline(act):
    with in_schema(act["school"]):
        m = act["members"]
        activity = open_activity(act["chair"], organiser_branch=act["own"], capacity=1)
        first, second = sign(activity, m[0]), sign(activity, m[1])
        with pytest.raises(Exception, match="必须填写原因"):
            s.registration_move(by=act["chair"], registration=first, action="demote")
        s.registration_move(by=act["chair"], registration=first, action="demote", reason="未按要求提交材料")
        assert Registration.objects.get(pk=second.pk).status == R.CONFIRMED
        assert s.waitlist_place(Registration.objects.get(pk=first.pk)) == 1
        with pytest.raises(Conflict, match="已满"):
            s.registration_move(by=act["chair"], registration=first, action="confirm", reason="补报")
        with pytest.raises(NotAllowed):
            s.registration_move(by=m[0].user, registration=second, action="reject", reason="x")
        activity.cancel_deadline = timezone.now() - datetime.timedelta(minutes=1)
        activity.save(update_fields=["cancel_deadline"])
        with pytest.raises(Conflict, match="取消报名截止"):
            s.registration_cancel(by=m[1].user, registration=second)


def test_check_in_by_code_only_for_this_activity_then_held_with_its_cost_in_the_books(act):
    with in_schema(act["school"]):
        m = act["members"]
        activity = open_activity(act["admin"], capacity=2)
        other = open_activity(act["admin"], capacity=2)
        a, b = sign(activity, m[0]), sign(activity, m[1])
        foreign = sign(other, m[2])
        with pytest.raises(Conflict, match="当天起才能签到"):
            s.check_in(by=act["admin"], activity=activity, code=a.code)
        starting_now(activity)
        with pytest.raises(ValidationError, match="不是本活动"):
            s.check_in(by=act["admin"], activity=activity, code=foreign.code)
        assert s.check_in(by=act["admin"], activity=activity, code=f" {a.code.lower()} ").checked_in_at
        with pytest.raises(Conflict, match="已于"):
            s.check_in(by=act["admin"], activity=activity, code=a.code)
        with pytest.raises(NotAllowed):
            s.check_in(by=m[0].user, activity=activity, code=b.code)
        assert [r.pk for r in q.no_shows(activity)] == [b.pk]
        s.activity_act(by=act["admin"], activity=activity, action="close")
        held = s.activity_hold(by=act["admin"], activity=activity, union_cost="1200.50")
        with pytest.raises(Conflict, match="已举办，不能再签到"):
            s.check_in(by=act["admin"], activity=activity, code=b.code)
        assert Registration.objects.get(pk=b.pk).checked_in_at is None
        entry = LedgerEntry.objects.get(source_type=LedgerEntry.Source.ACTIVITY, source_id=activity.pk)
        assert entry.amount == Decimal("1200.50") and entry.category == "activities" and held.ledger_entry == entry
        year = timezone.localtime(activity.starts_at).year
        assert q.activities_held(year).filter(pk=activity.pk).exists()
        row = next(r for r in q.participation_by_branch(year) if r["branch"] == act["own"].name)
        assert row["participants"] >= 2 and row["attended"] >= 1


def test_bad_activity_input_names_the_field(act):
    with in_schema(act["school"]):
        with pytest.raises(ValidationError) as error:
            s.activity_create(by=act["admin"], **activity_fields(capacity="0", fee="1.001", title=""))
        assert {"capacity", "fee", "title"} <= set(error.value.message_dict)
        with pytest.raises(NotAllowed):
            s.activity_create(by=act["chair"], organiser_branch=act["other"], **activity_fields())


def test_under_the_activity_lock_only_the_count_the_insert_and_the_move(act):
    """Everything that does not need the lock (the member, eligibility, the code) happens before it;
    after the locking UPDATE only one count, the insert with its audit record and the 递补 move."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with in_schema(act["school"]):
        activity = open_activity(act["admin"], capacity=5, quotas={act["own"]: 3})
        from tenants.members.models import Member

        member = Member.objects.select_related("branch", "user").get(pk=act["members"][0].pk)
        with CaptureQueriesContext(connection) as queries:
            registration = s.registration_create(by=member.user, activity=activity, member=member)
        assert registration.status == "confirmed"
        sql = [q["sql"] for q in queries.captured_queries]
        lock = next(i for i, text in enumerate(sql) if "arrivals = arrivals + 1" in text)
        # (django-tenants repeats `SET search_path` before each query; savepoints are the machine's)
        under_lock = [text for text in sql[lock + 1:]
                      if not text.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET search_path"))]
        assert not any(table in text for text in under_lock for table in
                       ("members_member", "members_branch", "accounts_user", "FROM \"activities_activity\""))
        kinds = [" ".join(text.split()[:3]) for text in under_lock]
        assert len(under_lock) == 6, kinds  # count; insert; audit; the machine: lock, update, audit
        assert under_lock[0].startswith("SELECT count(*)") and under_lock[1].startswith(
            'INSERT INTO "activities_registration"'), kinds


def test_demoting_the_only_person_keeps_them_waitlisted_with_one_notice(act):
    with in_schema(act["school"]):
        m = act["members"]
        activity = open_activity(act["admin"], capacity=2)
        first = sign(activity, m[0])
        s.registration_move(by=act["admin"], registration=first, action="demote", reason="材料不全")
        first = Registration.objects.get(pk=first.pk)
        assert first.status == R.WAITLISTED and s.waitlist_place(first) == 1
        assert Notification.objects.filter(user=m[0].user, message__contains=activity.title).count() == 1
        # the organiser's decision holds: the free place goes to the next sign-up
        second = sign(activity, m[1])
        assert second.status == R.CONFIRMED


def test_teams_keep_their_size_queue_in_order_and_move_whole(act):
    with in_schema(act["school"]):
        m = act["members"]
        more = [new_member(act["own"]) for _ in range(4)]
        volley = open_activity(act["admin"], kind="ball", sign_up="team", team_size=2, capacity=4)
        one = s.team_register(by=act["chair"], activity=volley, name="一队", members=[m[0], m[1]])
        with pytest.raises(ValidationError) as error:
            s.activity_update(by=act["admin"], activity=volley, team_size=3)
        assert "不能再改每队人数" in error.value.message_dict["team_size"][0]
        # capacity 4: the second team fills it, the third waits
        two = s.team_register(by=act["chair"], activity=volley, name="二队", members=[m[2], more[0]])
        three = s.team_register(by=act["chair"], activity=volley, name="三队", members=[more[1], more[2]])
        assert {r.status for r in three.registrations.all()} == {R.WAITLISTED}
        # demoting one player moves the whole team to the end of the line; the waiting team moves up
        player = one.registrations.first()
        s.registration_move(by=act["admin"], registration=player, action="demote", reason="队员资格待核")
        assert {r.status for r in one.registrations.all()} == {R.WAITLISTED}
        assert len({r.arrival for r in one.registrations.all()}) == 1
        assert {r.status for r in three.registrations.all()} == {R.CONFIRMED}
        # two places free after 二队 cancels; a new team may not jump 一队 waiting ahead of it
        s.activity_update(by=act["admin"], activity=volley, capacity=6)  # 一队 admitted by the larger capacity
        assert {r.status for r in one.registrations.all()} == {R.CONFIRMED}
        s.registration_move(by=act["admin"], registration=one.registrations.first(), action="demote", reason="再核")
        four = s.team_register(by=act["chair"], activity=volley, name="四队", members=[more[3], new_member(act["own"])])
        assert {r.status for r in four.registrations.all()} == {R.WAITLISTED}
        # rejecting or cancelling one player takes the whole team: never a team below its size
        s.registration_move(by=act["admin"], registration=two.registrations.last(), action="reject", reason="弃权")
        assert {r.status for r in two.registrations.all()} == {R.REJECTED}
        s.registration_cancel(by=act["admin"], registration=three.registrations.first(), reason="退赛")
        assert {r.status for r in three.registrations.all()} == {R.CANCELLED}
        live = Registration.objects.filter(activity=volley, status__in=[R.CONFIRMED, R.WAITLISTED])
        assert all(live.filter(team=t).count() in (0, 2) for t in (one, two, three, four))


def test_a_chair_of_several_branches_enters_a_team_for_the_branch_they_name(act):
    with in_schema(act["school"]):
        from tenants.members.models import Branch

        second = Branch.objects.create(name="活动化学院", chair=act["chair"])
        players = [new_member(second) for _ in range(2)]
        volley = open_activity(act["admin"], kind="ball", sign_up="team", team_size=2, capacity=4)
        with pytest.raises(ValidationError) as error:
            s.team_register(by=act["chair"], activity=volley, name="化学院队", members=players)
        assert error.value.message_dict["branch"] == ["请选择分工会。"]
        team = s.team_register(by=act["chair"], activity=volley, name="化学院队", members=players, branch=second)
        assert team.branch == second
        team = s.team_register(by=act["chair"], activity=volley, name="文学院队", members=act["members"][:2],
                               branch=act["own"])
        assert team.branch == act["own"]
        with pytest.raises(NotAllowed, match="不是活动理学院的主席"):
            s.team_register(by=act["chair"], activity=volley, name="理学院队", members=act["members"][3:5],
                            branch=act["other"])
