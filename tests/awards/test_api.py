"""The awards API: who may do what; refusals in Chinese naming the field or rule, nothing written."""
import datetime

from django.utils import timezone

from tenants.awards.models import AwardCampaign, AwardNomination, AwardObjection
from tests.conftest import client_for, in_schema


def _dates():
    today = timezone.localdate()
    return str(today - datetime.timedelta(days=2)), str(today + datetime.timedelta(days=5))


def test_the_office_runs_a_campaign_through_the_api(awards, huzhou, host_client):
    a, school = awards, awards["school"]
    admin, chair = client_for(school, a["admin"]), client_for(school, a["chair"])
    plain = client_for(school, a["plain"])
    opens, closes = _dates()
    body = {"year": 2026, "title": "工会积极分子评选", "kind": "activist", "opens_on": opens, "closes_on": closes,
            "default_quota": 1}
    short = admin.post("/api/v1/awards/campaigns/", {**body, "publicity_days": 3}, format="json")
    assert short.status_code == 400 and "不少于 5 个工作日" in short.json()["errors"]["publicity_days"][0]
    assert chair.post("/api/v1/awards/campaigns/", body, format="json").status_code == 403
    with in_schema(school):
        assert not AwardCampaign.objects.exists()
    created = admin.post("/api/v1/awards/campaigns/", body, format="json")
    assert created.status_code == 201 and created.json()["publicity_days"] == 5
    pk = created.json()["id"]
    assert plain.get("/api/v1/awards/campaigns/").status_code == 403
    assert chair.get(f"/api/v1/awards/campaigns/{pk}/").status_code == 200
    other_school = host_client(huzhou, ["union_admin"])
    assert other_school.get(f"/api/v1/awards/campaigns/{pk}/").status_code == 404

    nominate = {"campaign": pk, "member": a["members"][0].pk, "deeds": "事迹"}
    foreign = chair.post("/api/v1/awards/nominations/", {**nominate, "member": a["members"][4].pk}, format="json")
    assert foreign.status_code == 400 and "只能推荐本分工会" in foreign.json()["errors"]["member"][0]
    first = chair.post("/api/v1/awards/nominations/", nominate, format="json")
    assert first.status_code == 201
    twice = admin.post("/api/v1/awards/nominations/", nominate, format="json")
    assert twice.status_code == 409 and "已在" in twice.json()["detail"]
    beyond = chair.post("/api/v1/awards/nominations/", {**nominate, "member": a["members"][1].pk}, format="json")
    assert beyond.status_code == 409 and "名额为 1 名" in beyond.json()["detail"]
    with in_schema(school):
        assert AwardNomination.objects.count() == 1
    n = first.json()["id"]
    assert client_for(school, a["chair2"]).get(f"/api/v1/awards/nominations/{n}/").status_code == 404
    assert chair.post(f"/api/v1/awards/nominations/{n}/pass/", format="json").status_code == 403
    assert admin.post(f"/api/v1/awards/nominations/{n}/pass/", format="json").json()["status"] == "passed"
    quotas = admin.get(f"/api/v1/awards/campaigns/{pk}/quotas/").json()
    assert {row["branch_name"]: row["used"] for row in quotas} == {"文学院": 1, "理学院": 0}

    too_short = admin.post(f"/api/v1/awards/campaigns/{pk}/publicize/", {"starts_on": str(timezone.localdate()), "days": 4}, format="json")
    assert too_short.status_code == 400 and "publicity_days" in too_short.json()["errors"]
    with in_schema(school):
        AwardCampaign.objects.filter(pk=pk).update(publicity_days=6)
    shorter = admin.post(f"/api/v1/awards/campaigns/{pk}/publicize/", {"starts_on": str(timezone.localdate()),
                                                                       "days": 5}, format="json")
    assert shorter.status_code == 400 and "规定公示 6 个工作日" in shorter.json()["errors"]["publicity_days"][0]
    with in_schema(school):
        AwardCampaign.objects.filter(pk=pk).update(publicity_days=5)
    backdated = admin.post(f"/api/v1/awards/campaigns/{pk}/publicize/",
                           {"starts_on": str(timezone.localdate() - datetime.timedelta(days=10))}, format="json")
    assert backdated.status_code == 400 and "不能早于今天" in backdated.json()["errors"]["starts_on"][0]
    with in_schema(school):
        assert AwardCampaign.objects.get(pk=pk).status == "open"
    publicized = admin.post(f"/api/v1/awards/campaigns/{pk}/publicize/", {"starts_on": str(timezone.localdate())},
                            format="json")
    assert publicized.status_code == 200 and publicized.json()["status"] == "publicizing"
    objection = admin.post(f"/api/v1/awards/nominations/{n}/objections/", {"raised_by": "匿名", "content": "不实"},
                           format="json")
    assert objection.status_code == 201
    early = admin.post(f"/api/v1/awards/campaigns/{pk}/finalise/", format="json")
    assert early.status_code == 409 and "结束后才能公布" in early.json()["detail"]
    o = objection.json()["id"]
    assert admin.post(f"/api/v1/awards/objections/{o}/dismiss/", {"resolution": ""}, format="json").status_code == 400
    dismissed = admin.post(f"/api/v1/awards/objections/{o}/dismiss/", {"resolution": "经核实无问题"}, format="json")
    assert dismissed.json()["status"] == "dismissed"
    with in_schema(school):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        AwardCampaign.objects.filter(pk=pk).update(publicity_starts_on=yesterday - datetime.timedelta(days=8),
                                                   publicity_ends_on=yesterday)
    assert admin.post(f"/api/v1/awards/campaigns/{pk}/finalise/", format="json").json()["status"] == "final"
    # the member reads their own honour; the office all of them; a chair none of the list
    mine = plain.get("/api/v1/awards/honours/").json()["results"]
    assert [h["title"] for h in mine] == ["工会积极分子评选"]
    assert client_for(school, a["chair2"]).get("/api/v1/awards/honours/").json()["results"] == []
    figures = admin.get("/api/v1/awards/campaigns/figures/").json()
    assert figures["years"][0]["winners"] == 1
    assert plain.get("/api/v1/awards/objections/").json()["results"] == []  # only their own: none
    assert plain.get(f"/api/v1/awards/objections/{o}/").status_code == 404
    with in_schema(school):
        assert AwardObjection.objects.get().status == "dismissed"


def test_a_member_reads_the_publicity_and_objects_through_the_api(awards, huzhou, host_client):
    from tenants.awards import services as s

    a, school = awards, awards["school"]
    today = timezone.localdate()
    with in_schema(school):
        c = s.campaign_create(by=a["admin"], year=today.year, title="三育人先进评选", kind="three_edu",
                              opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=5))
        other = s.campaign_create(by=a["admin"], year=today.year, title="未公示的评选", kind="other",
                                  opens_on=today - datetime.timedelta(days=1),
                                  closes_on=today + datetime.timedelta(days=5))
        passed = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="事迹")
        failed = s.nomination_submit(by=a["chair2"], campaign=c, member=a["members"][4], deeds="事迹")
        s.nomination_review(nomination=passed, by=a["admin"], passed=True)
        s.nomination_review(nomination=failed, by=a["admin"], passed=False, comment="原因")
        s.campaign_publicize(campaign=c, by=a["admin"], starts_on=today)
    plain = client_for(school, a["plain"])
    listed = plain.get("/api/v1/awards/publicity/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [r["title"] for r in rows] == ["三育人先进评选"]
    assert rows[0]["nominees"] == [{"id": passed.pk, "name": a["members"][1].name, "branch_name": "文学院",
                                    "is_branch": False}]
    assert rows[0]["objections_open"] and rows[0]["publicity_ends_on"]
    assert plain.get(f"/api/v1/awards/publicity/{other.pk}/").status_code == 404
    assert host_client(huzhou, ["member"]).get(f"/api/v1/awards/publicity/{c.pk}/").status_code == 404

    empty = plain.post("/api/v1/awards/objections/", {"nomination": passed.pk, "content": ""}, format="json")
    assert empty.status_code == 400 and "异议内容不能为空" in empty.json()["errors"]["content"][0]
    hidden = plain.post("/api/v1/awards/objections/", {"nomination": failed.pk, "content": "x"}, format="json")
    assert hidden.status_code == 400 and "nomination" in hidden.json()["errors"]
    made = plain.post("/api/v1/awards/objections/", {"nomination": passed.pk, "content": "事迹不实",
                                                     "raised_by": "别人"}, format="json")
    assert made.status_code == 201 and made.json()["raised_by"] == a["members"][0].name
    o = made.json()["id"]
    assert [r["id"] for r in plain.get("/api/v1/awards/objections/").json()["results"]] == [o]
    assert plain.post(f"/api/v1/awards/objections/{o}/dismiss/", {"resolution": "x"}, format="json").status_code == 403
    someone = client_for(school, a["chair2"])
    assert someone.get(f"/api/v1/awards/objections/{o}/").status_code == 404
    assert someone.get("/api/v1/awards/objections/").json()["results"] == []
    office = client_for(school, a["admin"]).get(f"/api/v1/awards/objections/{o}/").json()
    assert office["raised_by"] == a["members"][0].name and office["raised_by_user"] == a["plain"].pk
    assert host_client(huzhou, ["union_admin"]).get(f"/api/v1/awards/objections/{o}/").status_code == 404
    with in_schema(school):
        from tenants.awards.models import AwardCampaign as Campaign

        Campaign.objects.filter(pk=c.pk).update(publicity_starts_on=today - datetime.timedelta(days=9),
                                                publicity_ends_on=today - datetime.timedelta(days=1))
    late = plain.post("/api/v1/awards/objections/", {"nomination": passed.pk, "content": "x"}, format="json")
    assert late.status_code == 409 and "不能记录异议" in late.json()["detail"]
