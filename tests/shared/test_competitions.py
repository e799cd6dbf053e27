"""The youth-teacher teaching competition from registration to published results."""
import datetime

import pytest
from django.utils import timezone

from shared.competitions.models import Competition, Entry, Judge
from shared.competitions.services import competition_create, judge_register
from tenants.accounts.roles import Role
from tests.conftest import client_for, make_user


@pytest.fixture
def competition():
    now = timezone.now()
    return competition_create(
        by=None, edition=10, year=2026, title="第十届全区高校青年教师教学竞赛", age_limit=40,
        age_cutoff_on=datetime.date(2026, 9, 1), registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10), national_top_k=1,
        groups=[{"name": "文科", "quota_per_school": 2}, {"name": "理科", "quota_per_school": 1}])


def group_id(competition, name):
    return competition.groups.get(name=name).pk


def contestant(competition, group="文科", name="韦老师", birth="1990-03-01"):
    return {"group": group_id(competition, group), "name": name, "gender": "female", "birth_date": birth,
            "course": "大学语文", "title": "讲师"}


@pytest.fixture
def admins(guilin, huzhou, hnit, province, host_client):
    return {"guilin": host_client(guilin, [Role.UNION_ADMIN]), "huzhou": host_client(huzhou, [Role.UNION_ADMIN]),
            "hnit": host_client(hnit, [Role.UNION_ADMIN]), "province": host_client(province, [Role.PROVINCE_ADMIN])}


def register(client, competition, **kwargs):
    return client.post("/api/v1/competitions/entries/", contestant(competition, **kwargs), format="json")


def test_registration_checks_the_age_rule_and_the_quota_per_group(competition, admins):
    guilin = admins["guilin"]
    too_old = register(guilin, competition, birth="1985-08-31")  # 41 on 2026-09-01
    assert too_old.status_code == 400 and "40 周岁" in too_old.json()["errors"]["birth_date"][0]
    assert register(guilin, competition, birth="1985-09-02").status_code == 201  # still 40
    assert register(guilin, competition, name="第二位").status_code == 201
    over = register(guilin, competition, name="第三位")
    assert over.status_code == 409 and "文科的名额为 2 名" in over.json()["detail"]
    assert register(guilin, competition, group="理科", name="理科选手").status_code == 201
    assert register(admins["huzhou"], competition).status_code == 201  # quotas are per school


def test_registration_outside_the_window_is_refused(competition, admins):
    Competition.objects.filter(pk=competition.pk).update(registration_closes_at=timezone.now())
    response = register(admins["guilin"], competition)
    assert response.status_code == 409 and "报名时间" in response.json()["detail"]


def test_a_school_sees_only_its_own_entries(competition, admins):
    pk = register(admins["guilin"], competition).json()["id"]
    assert admins["huzhou"].get("/api/v1/competitions/entries/").json()["count"] == 0
    assert admins["huzhou"].get(f"/api/v1/competitions/entries/{pk}/").status_code == 404
    assert admins["huzhou"].post(f"/api/v1/competitions/entries/{pk}/withdraw/").status_code == 404
    assert admins["guilin"].post(f"/api/v1/competitions/entries/{pk}/withdraw/").json()["status"] == "withdrawn"


def make_judge(province, school=None, name=None):
    user = make_user(province, [Role.JUDGE], username=name)
    return judge_register(by=None, user=user, home_school=school), user


def test_a_judge_is_never_assigned_to_and_can_never_score_their_own_school(competition, admins, guilin, huzhou,
                                                                           province):
    province_admin = admins["province"]
    own = register(admins["guilin"], competition).json()["id"]
    other = register(admins["huzhou"], competition).json()["id"]
    for pk in (own, other):
        province_admin.post(f"/api/v1/competitions/entries/{pk}/confirm/", {}, format="json")
    judge, user = make_judge(province, guilin)
    assigned = province_admin.post(f"/api/v1/competitions/{competition.pk}/panel/",
                                   {"group": group_id(competition, "文科"), "judges": [judge.pk]}, format="json")
    assert assigned.json() == {"assignments": 1}
    province_admin.post(f"/api/v1/competitions/{competition.pk}/start-judging/")
    judge_client = client_for(province, user)
    assert [e["id"] for e in judge_client.get("/api/v1/competitions/judging/").json()["results"]] == [other]
    refused = judge_client.post(f"/api/v1/competitions/judging/{own}/score/",
                                {"design": 90, "classroom": 90, "reflection": 90}, format="json")
    assert refused.status_code == 403 and "本校选手" in refused.json()["detail"]
    out_of_range = judge_client.post(f"/api/v1/competitions/judging/{other}/score/",
                                     {"design": 120, "classroom": 90, "reflection": 90}, format="json")
    assert out_of_range.status_code == 400 and "design" in out_of_range.json()["errors"]
    ok = judge_client.post(f"/api/v1/competitions/judging/{other}/score/",
                           {"design": 90, "classroom": 80, "reflection": 100}, format="json")
    assert ok.status_code == 201 and ok.json()["weighted_total"] == "83.000"  # 18 + 60 + 5


def test_scores_rank_tiers_and_recommendation_with_the_documented_tie_rule(competition, admins, guilin, huzhou, hnit,
                                                                           province):
    province_admin = admins["province"]
    entries = {}
    for school, names in (("guilin", ["桂一", "桂二"]), ("huzhou", ["湖一", "湖二"]), ("hnit", ["信一", "信二"])):
        for name in names:
            entries[name] = register(admins[school], competition, name=name).json()["id"]
    for pk in entries.values():
        province_admin.post(f"/api/v1/competitions/entries/{pk}/confirm/", {}, format="json")
    judges = [make_judge(province, None, f"judge{i}") for i in range(5)]
    province_admin.post(f"/api/v1/competitions/{competition.pk}/panel/",
                        {"group": group_id(competition, "文科"), "judges": [j.pk for j, _ in judges]}, format="json")
    province_admin.post(f"/api/v1/competitions/{competition.pk}/start-judging/")
    # 湖一 and 信一 tie on the final score; 湖一 has the higher 课堂教学 mean and ranks first.
    plan = {"桂一": (80, 80, 80), "桂二": (70, 70, 70), "湖一": (70, 90, 70), "信一": (82, 86, 82),
            "湖二": (60, 60, 60), "信二": (50, 50, 50)}
    for index, (judge, user) in enumerate(judges):
        client = client_for(province, user)
        for name, (design, classroom, reflection) in plan.items():
            bump = 30 if (index == 0 and name == "桂二") else 0  # one outlier, dropped with 5 judges
            client.post(f"/api/v1/competitions/judging/{entries[name]}/score/",
                        {"design": min(100, design + bump), "classroom": min(100, classroom + bump),
                         "reflection": min(100, reflection + bump)}, format="json")

    before = admins["guilin"].get("/api/v1/competitions/entries/").json()["results"]
    assert all("final_score" not in row and "rank" not in row for row in before)

    province_admin.post(f"/api/v1/competitions/{competition.pk}/publish/")
    results = province_admin.get(f"/api/v1/competitions/{competition.pk}/results/").json()["results"]
    order = [row["name"] for row in results]
    assert order == ["湖一", "信一", "桂一", "桂二", "湖二", "信二"]
    by_name = {row["name"]: row for row in results}
    assert by_name["湖一"]["final_score"] == by_name["信一"]["final_score"] == "85.000"
    assert by_name["桂二"]["final_score"] == "70.000"  # the outlier judge was dropped
    # 6 entries, cumulative shares 15/40/75%: 一等 up to round(0.9)=1, 二等 up to round(2.4)=2,
    # 三等 up to round(4.5)=5, then 未获奖
    assert [by_name[n]["award"] for n in order] == ["first", "second", "third", "third", "third", "none"]
    assert [n for n in order if by_name[n]["recommended"]] == ["湖一"]
    after = admins["guilin"].get("/api/v1/competitions/entries/").json()["results"]
    assert {row["name"]: row["award_label"] for row in after} == {"桂一": "三等奖", "桂二": "三等奖"}


def test_bad_competition_settings_are_refused(admins):
    now = timezone.now()
    body = {"edition": 10, "year": 2026, "title": "x", "age_cutoff_on": "2026-09-01",
            "registration_opens_at": now.isoformat(), "registration_closes_at": (now + datetime.timedelta(days=1)).isoformat(),
            "weight_design": "30", "groups": [{"name": "文科", "quota_per_school": 2}]}
    response = admins["province"].post("/api/v1/competitions/", body, format="json")
    assert response.status_code == 400 and "weight_classroom" in response.json()["errors"]
    assert not Competition.objects.filter(title="x").exists()


def test_only_judges_score_and_only_the_province_confirms(competition, admins, guilin, province, host_client):
    pk = register(admins["guilin"], competition).json()["id"]
    assert admins["guilin"].post(f"/api/v1/competitions/entries/{pk}/confirm/").status_code == 404
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.post(f"/api/v1/competitions/entries/{pk}/confirm/", {}, format="json").status_code == 403
    not_judge = host_client(province, [Role.PROVINCE_ADMIN])
    assert not_judge.get("/api/v1/competitions/judging/").status_code == 403
    unregistered_judge = host_client(province, [Role.JUDGE])
    assert unregistered_judge.get("/api/v1/competitions/judging/").status_code == 403
    assert Entry.objects.get(pk=pk).status == "registered" and not Judge.objects.exists()


def test_a_judge_moved_to_a_school_loses_assignments_to_its_contestants(competition, admins, guilin, province):
    pk = register(admins["guilin"], competition).json()["id"]
    admins["province"].post(f"/api/v1/competitions/entries/{pk}/confirm/", {}, format="json")
    judge, user = make_judge(province, None)
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/panel/",
                            {"group": group_id(competition, "文科"), "judges": [judge.pk]}, format="json")
    judge_register(by=None, user=user, home_school=guilin)
    assert client_for(province, user).get("/api/v1/competitions/judging/").json()["count"] == 0


def test_an_entry_no_judge_scored_gets_no_rank_or_award(competition, admins, guilin, huzhou, province):
    scored = register(admins["guilin"], competition, name="有分").json()["id"]
    unscored = register(admins["huzhou"], competition, name="无分").json()["id"]
    for pk in (scored, unscored):
        admins["province"].post(f"/api/v1/competitions/entries/{pk}/confirm/", {}, format="json")
    judge, user = make_judge(province, None)
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/panel/",
                            {"group": group_id(competition, "文科"), "judges": [judge.pk]}, format="json")
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/start-judging/")
    client_for(province, user).post(f"/api/v1/competitions/judging/{scored}/score/",
                                    {"design": 80, "classroom": 80, "reflection": 80}, format="json")
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/publish/")
    rows = {r["name"]: r for r in admins["province"].get(f"/api/v1/competitions/{competition.pk}/results/").json()["results"]}
    assert rows["有分"]["rank"] == 1 and rows["有分"]["recommended"] is True
    assert rows["无分"]["rank"] is None and rows["无分"]["award"] == "none" and rows["无分"]["recommended"] is False


def test_out_of_range_settings_and_future_birth_dates_are_refused(competition, admins):
    now = timezone.now()
    body = {"edition": 11, "year": 2027, "title": "y", "age_cutoff_on": "2027-09-01",
            "registration_opens_at": now.isoformat(),
            "registration_closes_at": (now + datetime.timedelta(days=1)).isoformat(),
            "weight_design": "-50", "weight_classroom": "145", "groups": [{"name": "文科"}]}
    assert admins["province"].post("/api/v1/competitions/", body, format="json").status_code == 400
    future = register(admins["guilin"], competition, birth="2030-01-01")
    assert future.status_code == 400 and "birth_date" in future.json()["errors"]


def test_registering_once_judging_started_says_so(competition, admins):
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/start-judging/")
    response = register(admins["guilin"], competition)
    assert response.status_code == 409 and "评审中" in response.json()["detail"]


def test_simultaneous_registrations_never_exceed_the_group_quota(committed_db, guilin):
    import threading

    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants.audit.models import AuditRecord
    from tests.conftest import delete_user_for_cleanup

    now = timezone.now()
    competition = competition_create(by=None, edition=99, year=2026, title="并发报名",
                                     age_cutoff_on=datetime.date(2026, 9, 1),
                                     registration_opens_at=now - datetime.timedelta(days=1),
                                     registration_closes_at=now + datetime.timedelta(days=1),
                                     groups=[{"name": "文科", "quota_per_school": 1}])
    admin = make_user(guilin, [Role.UNION_ADMIN], username="concurrent-entries")

    def cleanup():
        Entry.objects.filter(competition=competition).delete()
        AuditRecord.objects.filter(target_type__startswith="competitions.").delete()
        competition.groups.all().delete()
        competition.delete()
        with schema_context("school_guilin"):
            AuditRecord.objects.filter(target_type="accounts.user", target_id=str(admin.pk)).delete()
            delete_user_for_cleanup("school_guilin", admin.pk)

    committed_db.append(cleanup)
    client = client_for(guilin, admin)
    results, barrier = [], threading.Barrier(4)

    def enter(i):
        barrier.wait()
        results.append(register(client, competition, name=f"选手{i}").status_code)
        connection.close()

    threads = [threading.Thread(target=enter, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.set_schema_to_public()
    assert sorted(results) == [201, 409, 409, 409]
    assert Entry.objects.filter(competition=competition).count() == 1


def confirmed(competition, admins, school, name):
    pk = register(admins[school], competition, name=name).json()["id"]
    admins["province"].post(f"/api/v1/competitions/entries/{pk}/confirm/", {}, format="json")
    return Entry.objects.get(pk=pk)


def test_assigning_a_judge_to_a_contestant_of_their_own_school_is_refused(competition, admins, guilin, province):
    from django.core.exceptions import ValidationError

    from shared.competitions.models import JudgeAssignment
    from shared.competitions.services import assignment_add

    own = confirmed(competition, admins, "guilin", "桂一")
    other = confirmed(competition, admins, "huzhou", "湖一")
    judge, _ = make_judge(province, guilin)
    with pytest.raises(ValidationError) as refused:
        assignment_add(by=None, entry=own, judge=judge)
    assert refused.value.message_dict == {"judge": [f"评委{judge.user}来自桂林学院，不能评本校选手桂一（回避）。"]}
    url = f"/api/v1/competitions/{competition.pk}/assign/"
    answer = admins["province"].post(url, {"entry": own.pk, "judge": judge.pk}, format="json")
    assert answer.status_code == 400 and "本校选手" in answer.json()["errors"]["judge"][0]
    assert not JudgeAssignment.objects.filter(judge=judge).exists()
    assert admins["province"].post(url, {"entry": other.pk, "judge": judge.pk}, format="json").status_code == 201
    twice = admins["province"].post(url, {"entry": other.pk, "judge": judge.pk}, format="json")
    assert twice.status_code == 409 and JudgeAssignment.objects.filter(judge=judge).count() == 1


def test_quotas_never_go_below_what_a_school_already_used_all_or_nothing(competition, admins):
    for name in ("甲", "乙"):
        register(admins["guilin"], competition, name=name)
    wenke, like = (group_id(competition, name) for name in ("文科", "理科"))
    url = f"/api/v1/competitions/{competition.pk}/quotas/"
    refused = admins["province"].post(url, {"quotas": {str(wenke): 1, str(like): 5}}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {f"quota_{wenke}": ["已有学校在文科报名 2 名，名额不能少于 2。"]}
    assert [g.quota_per_school for g in competition.groups.order_by("id")] == [2, 1]
    assert admins["province"].post(url, {"quotas": {str(wenke): 2, str(like): 5}}, format="json").status_code == 200
    assert [g.quota_per_school for g in competition.groups.order_by("id")] == [2, 5]
    added = admins["province"].post(f"/api/v1/competitions/{competition.pk}/groups/",
                                    {"name": "医科", "quota_per_school": 1}, format="json")
    assert added.status_code == 201 and competition.groups.count() == 3
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/start-judging/")
    late = admins["province"].post(url, {"quotas": {str(wenke): 3}}, format="json")
    assert late.status_code == 409 and "不能再修改名额" in late.json()["detail"]


def test_a_judge_who_scored_stays_on_the_panel_and_scores_out_of_range_are_all_named(competition, admins, province):
    from django.core.exceptions import ValidationError

    from shared.competitions.models import Score
    from shared.competitions.services import panel_remove, score_submit

    entry = confirmed(competition, admins, "huzhou", "湖一")
    judge, user = make_judge(province, None)
    group = competition.groups.get(name="文科")
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/panel/",
                            {"group": group.pk, "judges": [judge.pk]}, format="json")
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/start-judging/")
    with pytest.raises(ValidationError) as wrong:
        score_submit(entry=entry, judge=judge, design="101", classroom="-1", reflection="abc")
    assert wrong.value.message_dict == {"design": ["教学设计应在 0 到 100 之间。"],
                                        "classroom": ["课堂教学应在 0 到 100 之间。"],
                                        "reflection": ["教学反思应为数字。"]}
    assert not Score.objects.exists()
    score_submit(entry=entry, judge=judge, design=80, classroom=80, reflection=80)
    removal = admins["province"].post(f"/api/v1/competitions/{competition.pk}/panel-remove/",
                                      {"group": group.pk, "judge": judge.pk}, format="json")
    assert removal.status_code == 409 and "不能移出评审组" in removal.json()["detail"]
    from tenants.errors import Conflict

    with pytest.raises(Conflict):
        panel_remove(by=None, group=group, judge=judge)
    admins["province"].post(f"/api/v1/competitions/{competition.pk}/publish/")
    after = admins["province"].post(f"/api/v1/competitions/{competition.pk}/panel/",
                                    {"group": group.pk, "judges": [judge.pk]}, format="json")
    assert after.status_code == 409 and "结果已公布" in after.json()["detail"]


def test_a_competition_without_its_required_settings_names_each_one(admins):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as missing:
        competition_create(by=None, groups=[], edition=None, year=None, title=" ", age_cutoff_on=None,
                           registration_opens_at=None, registration_closes_at=None)
    assert set(missing.value.message_dict) == {"edition", "year", "title", "age_cutoff_on", "registration_opens_at",
                                               "registration_closes_at", "groups"}
    assert not Competition.objects.exists()
