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
    assert plain.get("/api/v1/awards/objections/").status_code == 403
    with in_schema(school):
        assert AwardObjection.objects.get().status == "dismissed"
