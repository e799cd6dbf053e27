"""The health-check API: the office organises, a member sees and asks about only their own batch,
a chair reads their branch's coverage, another school gets 404; refusals name the field."""
import datetime

from tenants.accounts.roles import Role
from tenants.healthchecks.models import HealthCheck, HealthCheckAssignment, HealthCheckBatch
from tests.conftest import client_for, in_schema, make_user
from tests.healthchecks.conftest import YEAR


def test_the_office_runs_a_check_through_the_api(hc, huzhou, host_client):
    school = hc["school"]
    admin = client_for(school, hc["admin"])
    pk = hc["check"].pk
    made = admin.post("/api/v1/health-checks/batches/", {
        "health_check": pk, "name": "补检", "date": f"{YEAR}-12-30", "place": "校医院", "places": 5}, format="json")
    assert made.status_code == 201 and made.json()["rule_label"] == "不限"
    bad = admin.post("/api/v1/health-checks/batches/", {
        "health_check": pk, "name": "", "date": f"{YEAR - 1}-12-30", "place": "校医院", "places": 0,
        "gender": "female", "age_min": 60, "age_max": 30}, format="json")
    assert bad.status_code == 400 and {"name", "date", "places", "age_max"} <= set(bad.json()["errors"])
    assert admin.post(f"/api/v1/health-checks/{pk}/assign/").json() == {"assigned": 5, "unplaced": 0}
    assert admin.post(f"/api/v1/health-checks/{pk}/open/", format="json").json()["status"] == "open"
    again = admin.post("/api/v1/health-checks/", {"year": YEAR, "title": "再来"}, format="json")
    assert again.status_code == 409 and "每年只安排一次" in again.json()["detail"]
    rows = admin.get("/api/v1/health-checks/assignments/", {"health_check": pk}).json()["results"]
    assert len(rows) == 5
    first = rows[0]["id"]
    refused = admin.post(f"/api/v1/health-checks/assignments/{first}/move/",
                         {"batch": made.json()["id"]}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    done = admin.post(f"/api/v1/health-checks/assignments/{first}/attendance/", {"attendance": "checked"},
                      format="json")
    assert done.status_code == 200 and done.json()["attendance"] == "checked"
    assert admin.post(f"/api/v1/health-checks/assignments/{first}/attendance/", {"attendance": "maybe"},
                      format="json").status_code == 400
    coverage = admin.get("/api/v1/health-checks/coverage/", {"year": YEAR}).json()
    assert (coverage["eligible"], coverage["checked"]) == (5, 1)
    export = admin.get("/api/v1/health-checks/coverage-export/", {"year": YEAR})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    cost = admin.post(f"/api/v1/health-checks/{pk}/book-cost/", {"amount": "1e3", "occurred_on": str(datetime.date.today())},
                      format="json")
    assert cost.status_code == 400 and "amount" in cost.json()["errors"]
    # a chair reads only their branch's coverage and nothing else
    chair = client_for(school, hc["chair"])
    mine = chair.get("/api/v1/health-checks/coverage/", {"year": YEAR}).json()
    assert [b["branch_name"] for b in mine["branches"]] == ["文学院"] and mine["eligible"] == 2
    assert chair.get("/api/v1/health-checks/").status_code == 403
    assert chair.get("/api/v1/health-checks/batches/").status_code == 403
    # another school: nothing of guilin's exists there
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/health-checks/{pk}/").status_code == 404
    assert outsider.get(f"/api/v1/health-checks/assignments/{first}/").status_code == 404


def test_a_member_sees_and_asks_about_only_their_own_batch(hc):
    school = hc["school"]
    with in_schema(school):
        user = make_user(school, [Role.MEMBER])
        member = hc["members"][0]
        member.user = user
        member.save(update_fields=["user"])
    admin = client_for(school, hc["admin"])
    pk = hc["check"].pk
    admin.post(f"/api/v1/health-checks/{pk}/assign/")
    admin.post(f"/api/v1/health-checks/{pk}/open/", format="json")
    client = client_for(school, user)
    rows = client.get("/api/v1/health-checks/assignments/").json()["results"]
    assert [r["member"] for r in rows] == [member.pk] and rows[0]["batch_detail"]["name"] == "女教职工批"
    with in_schema(school):
        other = HealthCheckAssignment.objects.exclude(member=member).first().pk
        late = HealthCheckBatch.objects.create(health_check=hc["check"], name="补检",
                                               date=datetime.date(YEAR, 12, 31), place="校医院", places=3)
    assert client.get(f"/api/v1/health-checks/assignments/{other}/").status_code == 404
    assert client.post(f"/api/v1/health-checks/assignments/{other}/request-change/",
                       {"batch": late.pk, "reason": "出差"}, format="json").status_code == 404
    assert client.post(f"/api/v1/health-checks/assignments/{rows[0]['id']}/move/",
                       {"batch": late.pk, "reason": "x"}, format="json").status_code == 403
    asked = client.post(f"/api/v1/health-checks/assignments/{rows[0]['id']}/request-change/",
                        {"batch": late.pk, "reason": "那天出差"}, format="json")
    assert asked.status_code == 200 and asked.json()["requested_batch"] == late.pk
    decided = admin.post(f"/api/v1/health-checks/assignments/{rows[0]['id']}/decide/", {"approve": True},
                         format="json")
    assert decided.json()["batch"] == late.pk
    assert client.get("/api/v1/health-checks/coverage/").status_code == 403
    assert client.get("/api/v1/health-checks/").status_code == 403
    with in_schema(school):
        assert HealthCheck.objects.count() == 1
