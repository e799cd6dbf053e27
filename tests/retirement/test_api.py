"""The 荣休 API: the union office only; refusals name the field; another school gets 404."""
from tenants.accounts.roles import Role
from tenants.retirement.models import Ceremony
from tests.conftest import client_for, in_schema
from tests.retirement.conftest import YEAR


def test_the_office_gathers_changes_and_records_a_ceremony(rt, huzhou, host_client):
    school = rt["school"]
    admin = client_for(school, rt["admin"])
    preview = admin.get("/api/v1/retirement/ceremonies/retirees/", {"year": YEAR}).json()
    assert sorted(r["member_name"] for r in preview) == ["退休0", "退休1", "退休2"]
    bad = admin.post("/api/v1/retirement/ceremonies/", {"year": YEAR}, format="json")
    assert bad.status_code == 400 and "held_on" in bad.json()["errors"]
    made = admin.post("/api/v1/retirement/ceremonies/", {"year": YEAR, "held_on": f"{YEAR}-12-20",
                                                         "place": "学术报告厅"}, format="json")
    assert made.status_code == 201 and made.json()["count"] == 3
    pk = made.json()["id"]
    person = rt["people"][1].pk
    refused = admin.post(f"/api/v1/retirement/ceremonies/{pk}/remove/", {"member": person}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    removed = admin.post(f"/api/v1/retirement/ceremonies/{pk}/remove/", {"member": person, "reason": "本人不参加"},
                         format="json")
    assert removed.json()["count"] == 2
    working = admin.post(f"/api/v1/retirement/ceremonies/{pk}/add/", {"member": rt["people"][4].pk, "reason": "x"},
                         format="json")
    assert working.status_code == 400 and "不是退休会员" in working.json()["errors"]["member"][0]
    recorded = admin.post(f"/api/v1/retirement/ceremonies/{pk}/record/", format="json")
    assert recorded.json()["status"] == "recorded"
    late = admin.post(f"/api/v1/retirement/ceremonies/{pk}/add/", {"member": person, "reason": "改变主意"},
                      format="json")
    assert late.status_code == 409
    history = admin.get(f"/api/v1/retirement/ceremonies/{pk}/history/").json()["results"]
    assert [r["to_state"] for r in history if r["action"] == "transition"] == ["recorded"]
    plain = host_client(school, [Role.MEMBER])
    assert plain.get("/api/v1/retirement/ceremonies/").status_code == 403
    assert plain.get(f"/api/v1/retirement/ceremonies/{pk}/").status_code == 403
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/retirement/ceremonies/{pk}/").status_code == 404
    with in_schema(school):
        assert Ceremony.objects.count() == 1
