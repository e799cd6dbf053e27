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
    no_comment = reviewer.post(f"/api/v1/honours/nominations/{lost}/review/", {"passed": False}, format="json")
    assert no_comment.status_code == 400 and "reason" in no_comment.json()["errors"]
    for pk in (won, lost):
        assert reviewer.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True, "comment": "事迹突出"},
                             format="json").json()["status"] == "passed"
    today = timezone.localdate()
    early = province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                                {"starts_on": str(today), "ends_on": str(today)}, format="json")
    assert early.status_code == 409 and "推荐截止" in early.json()["detail"]
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    assert province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                               {"starts_on": str(today - datetime.timedelta(days=4)), "ends_on": str(today)},
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
    province_admin.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True}, format="json")
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
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
    province_admin.post(f"/api/v1/honours/nominations/{pk}/review/", {"passed": True}, format="json")
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    today = timezone.localdate()
    province_admin.post(f"/api/v1/honours/campaigns/{campaign.pk}/publicize/",
                        {"starts_on": str(today), "ends_on": str(today)}, format="json")
    steps = AuditRecord.objects.filter(target_type="honours.honourcampaign", target_id=str(campaign.pk),
                                       action="transition").order_by("id")
    assert [(r.from_state, r.to_state) for r in steps] == [("open", "reviewing"), ("reviewing", "publicizing")]


def test_only_the_provincial_admin_closes_nominations(campaign, province, host_client):
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.post(f"/api/v1/honours/campaigns/{campaign.pk}/start-review/", format="json").status_code == 403
    assert HonourCampaign.objects.get(pk=campaign.pk).status == "open"
