"""劳模 and honours: the province runs a campaign, schools nominate within quota, review, 公示, decision."""
import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.honours.models import HonourCampaign, HonourRecord, Nomination
from shared.honours.services import campaign_create
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tests.conftest import client_for, delete_user_for_cleanup, make_user


@pytest.fixture
def campaign():
    return campaign_create(by=None, kind="regional_model", year=2026, title="2026 年自治区劳动模范推荐",
                           deadline=timezone.now() + datetime.timedelta(days=10), default_quota=2)


def nominee(campaign, name="李老师", **extra):
    return {"campaign": campaign.pk, "nominee_name": name, "gender": "female", "birth_date": "1978-05-01",
            "title": "教授", "post": "学院院长", "deeds": "长期扎根教学一线……", **extra}


def close_nominations(campaign, by):
    """The deadline passes and the provincial admin closes nominations: the campaign is 评审中."""
    from shared.honours import services

    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    return services.campaign_start_review(campaign=campaign, by=by)


@pytest.fixture
def guilin_admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


@pytest.fixture
def province_admin(province, host_client):
    return host_client(province, [Role.PROVINCE_ADMIN])


def test_a_school_nominates_within_its_quota_and_sees_what_is_left(campaign, guilin_admin):
    for name in ("甲", "乙"):
        assert guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, name),
                                 format="json").status_code == 201
    over = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, "丙"), format="json")
    assert over.status_code == 409 and "名额为 2 名" in over.json()["detail"]
    listed = guilin_admin.get("/api/v1/honours/campaigns/").json()["results"][0]
    assert (listed["my_quota"], listed["my_used"]) == (2, 2)
    assert Nomination.objects.filter(campaign=campaign).count() == 2


def test_withdrawing_frees_the_place_and_is_audited_in_the_public_schema(campaign, guilin_admin):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    assert guilin_admin.post(f"/api/v1/honours/nominations/{pk}/withdraw/").json()["status"] == "withdrawn"
    connection.set_schema_to_public()
    record = AuditRecord.objects.get(target_type="honours.nomination", target_id=str(pk), action="transition")
    assert record.actor_name == f"guilin:{guilin_admin.user.username}" and record.to_state == "withdrawn"
    listed = guilin_admin.get("/api/v1/honours/campaigns/").json()["results"][0]
    assert listed["my_used"] == 0


def test_nominations_after_the_deadline_are_refused(campaign, guilin_admin):
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    response = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json")
    assert response.status_code == 409 and "截止" in response.json()["detail"]


def test_bad_nominations_name_the_field_and_write_nothing(campaign, guilin_admin):
    response = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, deeds="", birth_date="明天"),
                                 format="json")
    assert response.status_code == 400 and {"deeds", "birth_date"} <= set(response.json()["errors"])
    future = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, birth_date="2999-01-01"),
                               format="json")
    assert future.status_code == 400 and "birth_date" in future.json()["errors"]
    assert not Nomination.objects.filter(campaign=campaign).exists()


def test_a_school_sees_and_changes_only_its_own_nominations(campaign, guilin_admin, huzhou, host_client):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    huzhou_admin = host_client(huzhou, [Role.UNION_ADMIN])
    assert huzhou_admin.get("/api/v1/honours/nominations/").json()["count"] == 0
    assert huzhou_admin.get(f"/api/v1/honours/nominations/{pk}/").status_code == 404
    assert huzhou_admin.post(f"/api/v1/honours/nominations/{pk}/withdraw/").status_code == 404
    assert huzhou_admin.get("/api/v1/honours/nominations/", {"school": "guilin"}).json()["count"] == 0
    # whatever it sends, a nomination it makes is its own
    mine = huzhou_admin.post("/api/v1/honours/nominations/", nominee(campaign, school=1), format="json").json()
    assert mine["school_name"] == "湖州师范学院"
    assert Nomination.objects.get(pk=pk).status == "submitted"


def test_only_the_union_office_nominates(campaign, guilin, host_client):
    member = host_client(guilin, [Role.MEMBER])
    assert member.post("/api/v1/honours/nominations/", nominee(campaign), format="json").status_code == 403


def test_review_publicity_objection_and_decision(campaign, guilin_admin, province_admin, province, host_client):
    won = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, "王老师"), format="json").json()["id"]
    lost = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, "赵老师"), format="json").json()["id"]
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    close_nominations(campaign, province_admin.user)
    no_comment = reviewer.post(f"/api/v1/honours/nominations/{lost}/review/", {"passed": False}, format="json")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["errors"]
    for pk in (won, lost):
        assert reviewer.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True, "comment": "事迹突出"},
                             format="json").json()["status"] == "passed"
    today = timezone.localdate()
    assert province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                               {"starts_on": str(today), "ends_on": str(today)},
                               format="json").json()["status"] == "publicizing"
    bad_body = province_admin.post(f"/api/v1/honours/nominations/{lost}/objections/", [], format="json")
    assert bad_body.status_code == 400
    objected = province_admin.post(f"/api/v1/honours/nominations/{lost}/objections/",
                                   {"content": "事迹材料与实际不符"}, format="json").json()
    assert objected["objections"][0]["content"] == "事迹材料与实际不符"
    # the notice period ends
    HonourCampaign.objects.filter(pk=campaign.pk).update(publicity_ends_on=today - datetime.timedelta(days=1))
    late = province_admin.post(f"/api/v1/honours/nominations/{lost}/objections/", {"content": "迟到的异议"},
                               format="json")
    assert late.status_code == 409 and "公示期为" in late.json()["detail"]
    awarded = province_admin.post(f"/api/v1/honours/nominations/{won}/decide/", {"award": True},
                                  format="json").json()
    declined = province_admin.post(f"/api/v1/honours/nominations/{lost}/decide/",
                                   {"award": False, "note": "异议属实"}, format="json").json()
    assert (awarded["status"], declined["status"]) == ("awarded", "not_awarded")
    record = HonourRecord.objects.get(nomination_id=won)
    assert (record.person_name, record.year, record.school.slug) == ("王老师", 2026, "guilin")
    assert guilin_admin.get("/api/v1/honours/records/").json()["results"][0]["person_name"] == "王老师"
    care = province_admin.post(f"/api/v1/honours/records/{record.pk}/care/",
                               {"kind": "spring_festival", "given_on": str(today), "amount": "800.00"},
                               format="json")
    assert care.status_code == 201 and care.json()["amount"] == "800.00"
    bad = province_admin.post(f"/api/v1/honours/records/{record.pk}/care/",
                              {"kind": "spring_festival", "given_on": str(today), "amount": "abc"}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()["errors"]
    assert province_admin.post(f"/api/v1/honours/records/{record.pk}/care/", [], format="json").status_code == 400
    assert HonourCampaign.objects.get(pk=campaign.pk).status == "decided"


def test_awarding_before_the_notice_period_ends_is_refused(campaign, guilin_admin, province_admin):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    close_nominations(campaign, province_admin.user)
    province_admin.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True}, format="json")
    today = timezone.localdate()
    province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                        {"starts_on": str(today), "ends_on": str(today + datetime.timedelta(days=5))}, format="json")
    early = province_admin.post(f"/api/v1/honours/nominations/{pk}/decide/", {"award": True}, format="json")
    assert early.status_code == 409 and "公示期" in early.json()["detail"]


def test_the_provincial_side_is_for_provincial_staff_only(campaign, guilin_admin, province, host_client):
    assert host_client(province, []).get("/api/v1/honours/nominations/").status_code == 403
    judge = host_client(province, [Role.JUDGE])
    assert judge.post("/api/v1/honours/campaigns/", {}, format="json").status_code == 403
    guilin_admin.defaults["HTTP_HOST"] = "localhost"
    assert guilin_admin.get("/api/v1/honours/nominations/").status_code == 401


def test_simultaneous_nominations_never_exceed_the_quota(committed_db, guilin):
    campaign = campaign_create(by=None, kind="may_day_medal", year=2026, title="并发测试",
                               deadline=timezone.now() + datetime.timedelta(days=1), default_quota=2)
    committed_db.append(lambda: (Nomination.objects.filter(campaign=campaign).delete(),
                                 AuditRecord.objects.filter(target_type__startswith="honours.").delete(),
                                 campaign.delete()))
    admin = make_user(guilin, [Role.UNION_ADMIN], username="concurrent-admin")

    def forget_admin():
        with schema_context("school_guilin"):
            AuditRecord.objects.filter(target_type="accounts.user", target_id=str(admin.pk)).delete()
            delete_user_for_cleanup("school_guilin", admin.pk)

    committed_db.append(forget_admin)
    client = client_for(guilin, admin)
    results, barrier = [], threading.Barrier(6)

    def nominate(i):
        barrier.wait()
        response = client.post("/api/v1/honours/nominations/", nominee(campaign, f"并发{i}"), format="json")
        results.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=nominate, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.set_schema_to_public()
    assert sorted(results) == [201, 201, 409, 409, 409, 409]
    assert Nomination.objects.filter(campaign=campaign).count() == 2


def test_closing_nominations_starts_the_review_and_schools_can_no_longer_nominate(campaign, guilin_admin,
                                                                                  province_admin):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    early = province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/start-review/", format="json")
    assert early.status_code == 409 and "推荐截止" in early.json()["detail"]
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))

    started = province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/start-review/", format="json")
    assert started.status_code == 200 and started.json()["status"] == "reviewing"
    again = province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/start-review/", format="json")
    assert again.status_code == 409 and "评审中" in again.json()["detail"]
    late = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, "迟到者"), format="json")
    assert late.status_code == 409
    province_admin.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True}, format="json")
    today = timezone.localdate()
    assert province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                               {"starts_on": str(today), "ends_on": str(today)},
                               format="json").json()["status"] == "publicizing"
    steps = AuditRecord.objects.filter(target_type="honours.honourcampaign", target_id=str(campaign.pk),
                                       action="transition").order_by("id")
    assert [(r.from_state, r.to_state) for r in steps] == [("open", "reviewing"), ("reviewing", "publicizing")]


def test_publicizing_an_open_campaign_records_the_review_it_passed_through(campaign, guilin_admin, province_admin):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    # passed while the campaign was still open — possible only before reviews waited for the close
    Nomination.objects.filter(pk=pk).update(status="passed")
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    today = timezone.localdate()
    province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                        {"starts_on": str(today), "ends_on": str(today)}, format="json")
    steps = AuditRecord.objects.filter(target_type="honours.honourcampaign", target_id=str(campaign.pk),
                                       action="transition").order_by("id")
    assert [(r.from_state, r.to_state) for r in steps] == [("open", "reviewing"), ("reviewing", "publicizing")]


def test_a_nomination_is_reviewed_only_while_its_campaign_is_in_review(campaign, guilin_admin, province_admin,
                                                                      province, host_client):
    from shared.honours import services
    from shared.honours.selectors import nominations_to_review

    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    left = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, "周老师"), format="json").json()["id"]
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    # still 推荐中 (even past the deadline): refused, and it waits for no reviewer yet
    for deadline in (campaign.deadline, timezone.now() - datetime.timedelta(hours=1)):
        HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=deadline)
        early = reviewer.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True, "comment": "同意"},
                              format="json")
        assert early.status_code == 409 and "还在推荐中" in early.json()["detail"]
        assert "截止推荐并进入评审后开始" in early.json()["detail"]
    with pytest.raises(services.Conflict):
        services.nomination_review(nomination=Nomination.objects.get(pk=pk), by=province_admin.user, passed=False,
                                   comment="材料不足")
    assert Nomination.objects.get(pk=pk).status == "submitted" and not nominations_to_review().exists()
    assert not AuditRecord.objects.filter(target_type="honours.nomination", target_id=str(pk),
                                          action="transition").exists()
    # a school's union office may not review, open campaign or not: the role is checked first
    assert guilin_admin.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True},
                             format="json").status_code in (403, 404)
    services.campaign_start_review(campaign=campaign, by=province_admin.user)
    assert set(nominations_to_review().values_list("pk", flat=True)) == {pk, left}
    done = reviewer.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True, "comment": "同意"},
                         format="json")
    assert done.status_code == 200 and done.json()["status"] == "passed"
    today = timezone.localdate()
    services.campaign_publicize(campaign=campaign, by=province_admin.user, starts_on=today, ends_on=today)
    # the 公示 has started: the one left unreviewed can no longer be
    late = reviewer.post(f"/api/v1/honours/nominations/{left}/review/", {"passed": True}, format="json")
    assert late.status_code == 409 and "评审已经结束" in late.json()["detail"]
    assert not nominations_to_review().exists()


def test_only_the_provincial_admin_closes_nominations(campaign, province, host_client):
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.post(f"/api/v1/honours/campaigns/{campaign.pk}/start-review/", format="json").status_code == 403
    assert HonourCampaign.objects.get(pk=campaign.pk).status == "open"


# ---- collective honours: a unit and its leader instead of a person --------------------------------

@pytest.fixture
def pioneer_campaign():
    return campaign_create(by=None, kind="pioneer", year=2026, title="2026 年工人先锋号推荐",
                           deadline=timezone.now() + datetime.timedelta(days=10), default_quota=2)


def unit(campaign, name="计算机学院教学团队", **extra):
    return {"campaign": campaign.pk, "unit_name": name, "leader_name": "蒙老师", "leader_post": "院长",
            "deeds": "团队建设国家级一流课程……", **extra}


def test_the_collective_kinds_are_the_may_day_certificate_and_the_workers_pioneer():
    from shared.honours.models import COLLECTIVE_KINDS, HonourKind

    assert COLLECTIVE_KINDS == {HonourKind.PIONEER, HonourKind.MAY_DAY_CERTIFICATE}
    assert HonourKind.MAY_DAY_CERTIFICATE.label == "五一劳动奖状"
    assert HonourKind.MAY_DAY_MEDAL not in COLLECTIVE_KINDS  # the medal goes to a person


def test_a_collective_honour_is_nominated_with_the_unit_and_its_leader(pioneer_campaign, guilin_admin,
                                                                       province_admin):
    created = guilin_admin.post("/api/v1/honours/nominations/", unit(pioneer_campaign), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["name"], body["is_collective"], body["unit_name"], body["leader_name"], body["leader_post"]) == (
        "计算机学院教学团队", True, "计算机学院教学团队", "蒙老师", "院长")
    assert (body["nominee_name"], body["gender"], body["birth_date"]) == ("", "", None)
    twice = guilin_admin.post("/api/v1/honours/nominations/", unit(pioneer_campaign), format="json")
    assert twice.status_code == 409 and twice.json()["errors"] == {"unit_name": ["计算机学院教学团队已在“2026 年工人先锋号推荐”中被推荐。"]}
    listed = province_admin.get("/api/v1/honours/campaigns/").json()["results"]
    assert next(c for c in listed if c["id"] == pioneer_campaign.pk)["is_collective"] is True


def test_a_collective_nomination_needs_the_unit_fields_and_refuses_a_person_s(pioneer_campaign, guilin_admin):
    missing = guilin_admin.post("/api/v1/honours/nominations/",
                                unit(pioneer_campaign, name="", leader_name="", leader_post=""), format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"unit_name": ["集体名称不能为空。"], "leader_name": ["负责人姓名不能为空。"],
                                        "leader_post": ["负责人职务不能为空。"]}
    as_person = guilin_admin.post("/api/v1/honours/nominations/", {
        "campaign": pioneer_campaign.pk, "nominee_name": "蒙老师", "gender": "male", "birth_date": "1975-01-01",
        "deeds": "……"}, format="json")
    errors = as_person.json()["errors"]
    assert as_person.status_code == 400 and {"unit_name", "nominee_name", "gender", "birth_date"} <= set(errors)
    assert errors["birth_date"] == ["“工人先锋号”是集体荣誉，不填写出生日期；请填写集体名称和负责人。"]
    assert not Nomination.objects.filter(campaign=pioneer_campaign).exists()


def test_an_individual_nomination_needs_the_person_and_refuses_unit_fields(campaign, guilin_admin):
    response = guilin_admin.post("/api/v1/honours/nominations/", {
        "campaign": campaign.pk, "unit_name": "某团队", "leader_name": "蒙老师", "deeds": "……"}, format="json")
    errors = response.json()["errors"]
    assert response.status_code == 400
    assert errors["nominee_name"] == ["姓名不能为空。"] and errors["gender"] == ["请选择性别。"]
    assert errors["birth_date"] == ["请填写出生日期。"]
    assert errors["unit_name"] == ["“自治区劳动模范和先进工作者”是个人荣誉，不填写集体名称。"]
    assert "leader_name" in errors and "leader_post" not in errors
    assert not Nomination.objects.filter(campaign=campaign).exists()


def test_an_awarded_collective_enters_the_registry_under_the_unit_s_name_and_receives_no_personal_care(
        pioneer_campaign, guilin_admin, province_admin):
    from shared.honours import services

    pk = guilin_admin.post("/api/v1/honours/nominations/", unit(pioneer_campaign), format="json").json()["id"]
    nomination = Nomination.objects.get(pk=pk)
    admin = province_admin.user
    close_nominations(pioneer_campaign, admin)
    services.nomination_review(nomination=nomination, by=admin, passed=True, comment="团队业绩突出")
    today = timezone.localdate()
    services.campaign_publicize(campaign=pioneer_campaign, by=admin, starts_on=today, ends_on=today)
    HonourCampaign.objects.filter(pk=pioneer_campaign.pk).update(  # the 公示 has since ended
        publicity_starts_on=today - datetime.timedelta(days=6), publicity_ends_on=today - datetime.timedelta(days=1))
    services.nomination_decide(nomination=nomination, by=admin, award=True)
    record = HonourRecord.objects.get(nomination=nomination)
    assert (record.person_name, record.is_collective) == ("计算机学院教学团队", True)
    refused = province_admin.post(f"/api/v1/honours/records/{record.pk}/care/",
                                  {"kind": "spring_festival", "given_on": str(today)}, format="json")
    assert refused.status_code == 409 and "集体荣誉" in refused.json()["detail"]
    assert guilin_admin.get("/api/v1/honours/records/").json()["results"][0]["is_collective"] is True


def test_the_migration_moves_a_collective_s_leader_out_of_the_person_fields():
    """Before 0003 a 工人先锋号 nomination held the leader as the person and the unit at the start
    of the deeds; the data migration turns such rows into unit + leader."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shared.honours.migrations.0003_collective_nominations")
    campaign = campaign_create(by=None, kind="pioneer", year=2026, title="旧工人先锋号",
                               deadline=timezone.now() + datetime.timedelta(days=3))
    from tenants.models import School

    school = School.objects.get(slug="guilin")
    old = Nomination.objects.create(campaign=campaign, school=school, nominee_name="蒙老师", gender="male",
                                    birth_date=datetime.date(1975, 1, 1), title="教授", post="院长",
                                    deeds="\n计算机学院教学团队\n团队建设……", submitted_by="admin")
    record = HonourRecord.objects.create(school=school, person_name="蒙老师", kind="pioneer", year=2026,
                                         nomination=old)
    migration.person_to_unit(apps, None)
    old.refresh_from_db()
    record.refresh_from_db()
    assert (old.unit_name, old.leader_name, old.leader_post) == ("计算机学院教学团队", "蒙老师", "院长")
    assert (old.nominee_name, old.gender, old.birth_date, old.title, old.post) == ("", "", None, "", "")
    assert record.person_name == "计算机学院教学团队"


# ---- quotas, campaign input, review and decision fields -------------------------------------------

def test_a_school_s_quota_is_never_set_below_what_it_used(campaign, guilin_admin, province_admin, guilin):
    for name in ("甲", "乙"):
        guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign, name), format="json")
    low = province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/quota/", {"school": "guilin", "quota": 1},
                              format="json")
    assert low.status_code == 400 and low.json()["errors"] == {"quota": ["桂林学院已推荐 2 名，名额不能少于 2。"]}
    assert not campaign.quotas.exists()
    assert province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/quota/", {"school": "guilin", "quota": 3},
                               format="json").status_code == 200
    assert campaign.quota_for(guilin) == 3


def test_the_quota_grid_is_saved_whole_or_not_at_all(campaign, guilin, huzhou, hnit, province_admin):
    from shared.honours import services

    for name in ("甲", "乙"):
        services.nomination_submit(by=None, campaign=campaign, school=guilin, nominee_name=name, gender="male",
                                   birth_date=datetime.date(1970, 1, 1), deeds="事迹")
    services.campaign_set_quota(campaign=campaign, school=hnit, quota=4, by=None)
    admin = province_admin.user
    with pytest.raises(services.ValidationError) as refused:
        services.campaign_set_quotas(campaign=campaign, by=admin, default_quota=1,
                                     quotas={guilin: "", huzhou: "5", hnit: "abc"})
    assert refused.value.message_dict == {
        "quota_guilin": ["桂林学院已推荐 2 名，按每校名额 1 名计会少于已推荐的人数；请为该校填写不少于 2 的名额。"],
        "quota_hnit": ["名额应为整数。"]}
    campaign.refresh_from_db()
    assert campaign.default_quota == 2 and dict(campaign.quotas.values_list("school__slug", "quota")) == {"hnit": 4}

    changed = services.campaign_set_quotas(campaign=campaign, by=admin, default_quota="1",
                                           quotas={guilin: "2", huzhou: "5", hnit: ""})
    campaign.refresh_from_db()
    assert changed == 4 and campaign.default_quota == 1
    assert dict(campaign.quotas.values_list("school__slug", "quota")) == {"guilin": 2, "huzhou": 5}
    audit = AuditRecord.objects.filter(target_type="honours.honourcampaign", target_id=str(campaign.pk),
                                       reason="设置名额").get()
    assert audit.changes["quota:hnit"] == [4, None] and audit.changes["default_quota"] == [2, 1]


def test_a_campaign_needs_its_kind_title_year_and_a_future_deadline():
    from shared.honours import services

    with pytest.raises(services.ValidationError) as refused:
        services.campaign_create(by=None, kind="", year="二〇二六", title=" ", default_quota="-1",
                                 deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert refused.value.message_dict == {
        "kind": ["请选择荣誉类别。"], "title": ["名称不能为空。"], "year": ["年度应为整数。"],
        "deadline": ["推荐截止时间应晚于现在。"], "default_quota": ["每校名额应在 0 到 100 之间。"]}
    assert not HonourCampaign.objects.filter(title=" ").exists()


def test_a_decline_without_a_note_and_missing_publicity_dates_name_their_fields(campaign, guilin_admin,
                                                                                province_admin):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    close_nominations(campaign, province_admin.user)
    province_admin.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True}, format="json")
    from shared.honours import services

    with pytest.raises(services.ValidationError) as refused:
        services.campaign_publicize(campaign=campaign, by=province_admin.user, starts_on=None, ends_on=None)
    assert set(refused.value.message_dict) == {"starts_on", "ends_on"}
    today = timezone.localdate()
    # a backdated 公示 (already over: no day left for objections) is refused, nothing written
    backdated = province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                                    {"starts_on": str(today - datetime.timedelta(days=6)),
                                     "ends_on": str(today - datetime.timedelta(days=1))}, format="json")
    assert backdated.status_code == 400 and "不能早于今天" in backdated.json()["errors"]["starts_on"][0]
    assert HonourCampaign.objects.get(pk=campaign.pk).publicity_starts_on is None
    assert Nomination.objects.get(pk=pk).status == "passed"
    province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                        {"starts_on": str(today), "ends_on": str(today)}, format="json")
    declined = province_admin.post(f"/api/v1/honours/nominations/{pk}/decide/", {"award": False}, format="json")
    assert declined.status_code == 400 and "note" in declined.json()["errors"]
    assert Nomination.objects.get(pk=pk).status == "publicized"


def test_a_reviewer_may_review_but_never_decide(campaign, guilin_admin, province_admin, province, host_client):
    pk = guilin_admin.post("/api/v1/honours/nominations/", nominee(campaign), format="json").json()["id"]
    close_nominations(campaign, province_admin.user)
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True, "comment": "同意"},
                         format="json").status_code == 200
    from shared.honours import services

    nomination = Nomination.objects.get(pk=pk)
    with pytest.raises(services.DomainError) as refused:
        services.nomination_decide(nomination=nomination, by=reviewer.user, award=True)
    assert "没有权限" in refused.value.message
    assert reviewer.post(f"/api/v1/honours/nominations/{pk}/decide/", {"award": True},
                         format="json").status_code == 403
