"""The activities API: sign-up, refusals with Chinese messages naming the field, access, another
school's activity (404), and simultaneous sign-ups over HTTP that never overbook."""
import datetime
import threading

from django.db import connection
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.activities.models import Activity, Registration
from tenants.members.models import Branch, Member
from tests.activities.conftest import activity_fields, new_member, open_activity, starting_now
from tests.conftest import client_for, in_schema, make_user


def test_member_signs_up_sees_own_registration_and_cannot_organise(act, host_client):
    school = act["school"]
    with in_schema(school):
        activity = open_activity(act["admin"], capacity=1)
        member = act["members"][0]
    me = client_for(school, member.user)
    answer = me.post(f"/api/v1/activities/{activity.pk}/register/", {}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "confirmed" and len(answer.json()["code"]) == 8
    twice = me.post(f"/api/v1/activities/{activity.pk}/register/", {}, format="json")
    assert twice.status_code == 409 and "重复报名" in twice.content.decode()
    other = client_for(school, act["members"][1].user)
    waiting = other.post(f"/api/v1/activities/{activity.pk}/register/", {}, format="json").json()
    assert waiting["status"] == "waitlisted" and waiting["waitlist_place"] == 1
    listed = other.get("/api/v1/activities/registrations/").json()["results"]
    assert [r["id"] for r in listed] == [waiting["id"]]
    assert other.get(f"/api/v1/activities/registrations/{answer.json()['id']}/").status_code == 404
    assert other.post(f"/api/v1/activities/{activity.pk}/close/", {}, format="json").status_code == 403
    assert other.post(f"/api/v1/activities/{activity.pk}/check-in/", {"code": "X"}, format="json").status_code == 403
    cancelled = me.post(f"/api/v1/activities/registrations/{answer.json()['id']}/cancel/", {}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert other.get(f"/api/v1/activities/registrations/{waiting['id']}/").json()["status"] == "confirmed"


def test_bad_sign_ups_are_refused_in_chinese_naming_the_rule_nothing_written(act, huzhou, host_client):
    school = act["school"]
    with in_schema(school):
        m = act["members"]
        closed = open_activity(act["admin"], registration_opens_at=timezone.now() - datetime.timedelta(days=3),
                               registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
        women = open_activity(act["admin"], kind="women", gender="female", quotas={act["own"]: 1}, capacity=5)
        team = open_activity(act["admin"], kind="ball", sign_up="team", team_size=2)
        man = new_member(act["own"], user=make_user(school, [Role.MEMBER]), gender="male")
        before = Registration.objects.count()
    first = client_for(school, m[0].user)
    assert first.post(f"/api/v1/activities/{women.pk}/register/", {}, format="json").status_code == 201
    cases = [
        (first, closed, {}, 409, "报名已截止"),
        (client_for(school, m[1].user), women, {}, 409, "名额（1 人）已报满"),
        (first, women, {}, 409, "不能重复报名"),
        (client_for(school, man.user), women, {}, 400, "仅限女"),
    ]
    for client, activity, body, code, words in cases:
        answer = client.post(f"/api/v1/activities/{activity.pk}/register/", body, format="json")
        assert answer.status_code == code and words in answer.content.decode(), (words, answer.content)
    chair = client_for(school, act["chair"])
    mixed = chair.post(f"/api/v1/activities/{team.pk}/teams/", {"name": "混合队", "members": [m[0].pk, m[3].pk]},
                       format="json")
    assert mixed.status_code == 400
    assert "不是活动文学院的会员" in mixed.content.decode()
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.post(f"/api/v1/activities/{women.pk}/register/", {}, format="json").status_code == 404
    assert outsider.get(f"/api/v1/activities/{women.pk}/").status_code == 404
    with in_schema(school):
        assert Registration.objects.count() == before + 1


def test_organiser_creates_opens_checks_in_and_holds(act):
    school = act["school"]
    admin = client_for(school, act["admin"])
    fields = {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in activity_fields().items()}
    created = admin.post("/api/v1/activities/", {**fields, "quotas": [{"branch": act["own"].pk, "places": 2}]},
                         format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    plain = client_for(school, act["members"][0].user)
    assert plain.get(f"/api/v1/activities/{pk}/").status_code == 404  # a draft
    assert admin.post(f"/api/v1/activities/{pk}/open/", {}, format="json").json()["status"] == "open"
    code = plain.post(f"/api/v1/activities/{pk}/register/", {}, format="json").json()["code"]
    early = admin.post(f"/api/v1/activities/{pk}/check-in/", {"code": code}, format="json")
    assert early.status_code == 409 and "当天起才能签到" in early.content.decode()
    with in_schema(school):
        starting_now(Activity.objects.get(pk=pk))
    wrong = admin.post(f"/api/v1/activities/{pk}/check-in/", {"code": "ZZZZ2222"}, format="json")
    assert wrong.status_code == 400 and "签到码无效" in wrong.content.decode()
    assert admin.post(f"/api/v1/activities/{pk}/check-in/", {"code": code}, format="json").json()["checked_in_at"]
    assert admin.get(f"/api/v1/activities/{pk}/attendance/").json()["checked_in"] == 1
    bad = admin.patch(f"/api/v1/activities/{pk}/", {"capacity": 0}, format="json")
    assert bad.status_code == 400 and "名额" in bad.content.decode()
    admin.post(f"/api/v1/activities/{pk}/close/", {}, format="json")
    held = admin.post(f"/api/v1/activities/{pk}/hold/", {"union_cost": "800.00"}, format="json").json()
    assert held["status"] == "held" and held["ledger_entry"]


def test_simultaneous_sign_ups_over_http_never_overbook_and_hold_branch_quotas(committed_db, guilin):
    """24 people of two branches sign up at the same moment on their own connections for 5 places,
    each branch limited to 8: 5 confirmed, the rest up to the quotas waitlisted in arrival order."""
    admin = make_user(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        branches = [Branch.objects.create(name=f"并发活动分工会{i}") for i in range(2)]
        people = []
        for i in range(24):
            user = make_user(guilin, [Role.MEMBER])
            people.append(new_member(branches[i % 2], user=user))
        activity = open_activity(admin, capacity=5, quotas={branches[0]: 8, branches[1]: 8})
    clients = [client_for(guilin, member.user) for member in people]

    def cleanup():
        from tenants.accounts.models import Notification
        from tenants.audit.models import AuditRecord
        from tests.conftest import delete_user_for_cleanup

        with in_schema(guilin):
            AuditRecord.objects.filter(target_type__startswith="activities.").delete()
            Registration.objects.filter(activity=activity).delete()
            Activity.objects.filter(pk=activity.pk).delete()
            users = [admin.pk] + [m.user_id for m in people]
            Notification.objects.filter(user_id__in=users).delete()
            AuditRecord.objects.filter(target_type="members.member", target_id__in=[str(m.pk) for m in people]).delete()
            Member.objects.filter(pk__in=[m.pk for m in people]).delete()
            Branch.objects.filter(pk__in=[b.pk for b in branches]).delete()
            AuditRecord.objects.filter(actor_id__in=users).delete()
            AuditRecord.objects.filter(target_type="accounts.user", target_id__in=[str(u) for u in users]).delete()
        for user_id in users:
            delete_user_for_cleanup(guilin.schema_name, user_id)

    committed_db.append(cleanup)
    barrier, answers = threading.Barrier(len(clients)), {}

    def sign_up(index):
        try:
            barrier.wait()
            answers[index] = clients[index].post(f"/api/v1/activities/{activity.pk}/register/", {}, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(a.status_code for a in answers.values())
    assert codes.count(201) == 16 and codes.count(409) == 8, codes
    with in_schema(guilin):
        rows = list(Registration.objects.filter(activity=activity).order_by("arrival"))
        assert sum(r.status == "confirmed" for r in rows) == 5
        assert [r.status for r in rows] == ["confirmed"] * 5 + ["waitlisted"] * 11
        for branch in branches:
            assert sum(r.branch_id == branch.pk for r in rows) == 8
        assert [r.arrival for r in rows] == list(range(1, 17))
        times = [r.registered_at for r in rows]
        assert times == sorted(times)


def test_child_details_only_for_the_member_and_the_organiser(act):
    """The chair of the member's branch sees the registration, not the child's name or birth date,
    when someone else organises the activity (the same rule as the check-in code)."""
    school, m = act["school"], act["members"]
    with in_schema(school):
        from tenants.activities import services as s

        six = open_activity(act["admin"], kind="children", child_age_min=3, child_age_max=12)
        born = timezone.localdate().replace(year=2020)
        registration = s.registration_create(by=m[0].user, activity=six, member=m[0], child_name="小明",
                                             child_birth_date=born)
    url = f"/api/v1/activities/registrations/{registration.pk}/"
    for user, shown in ((m[0].user, True), (act["admin"], True), (act["chair"], False)):
        answer = client_for(school, user).get(url)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert (body["child_name"], body["child_birth_date"]) == (("小明", born.isoformat()) if shown else ("", None))
        assert "小明" in answer.content.decode() if shown else "小明" not in answer.content.decode()
