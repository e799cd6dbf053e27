"""疗休养 through the API: who reads and writes what, refusals in Chinese naming the rule, the whole
path from a batch to a replacement, another school's records not found."""
import datetime

from tenants.accounts.roles import Role
from tenants.trips.models import TripApplication, TripBatch
from tests.conftest import client_for, in_schema
from tests.trips.conftest import TODAY

BATCHES, APPLICATIONS = "/api/v1/trips/batches/", "/api/v1/trips/applications/"


def batch_body(**extra):
    start = TODAY + datetime.timedelta(days=40)
    return {"title": "暑期疗休养", "destination": "浙江安吉", "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=4)).isoformat(), "places": "2",
            "cost_per_person": "2800.00", "applications_open_on": TODAY.isoformat(),
            "applications_close_on": (TODAY + datetime.timedelta(days=7)).isoformat(), **extra}


def test_the_path_through_the_api(trips, huzhou, host_client):
    school, members = trips["school"], trips["members"]
    admin, person = client_for(school, trips["admin"]), client_for(school, trips["person"])
    chair = client_for(school, trips["chair"])
    refused = person.post(BATCHES, batch_body(), format="json")
    assert refused.status_code == 403
    bad = admin.post(BATCHES, batch_body(places="0", cost_per_person="1.234"), format="json")
    assert bad.status_code == 400 and {"places", "cost_per_person"} <= set(bad.json()["errors"])
    created = admin.post(BATCHES, batch_body(), format="json")
    assert created.status_code == 201, created.content
    batch = created.json()["id"]
    assert person.get(BATCHES).json()["count"] == 1  # everyone reads the batches
    # the member applies for themselves (no member given); twice is 409
    mine = person.post(APPLICATIONS, {"batch": batch}, format="json")
    assert mine.status_code == 201 and mine.json()["member"] == members[0].pk
    again = person.post(APPLICATIONS, {"batch": batch}, format="json")
    assert again.status_code == 409 and "已申请过" in again.json()["detail"]
    assert person.post(APPLICATIONS, {"batch": batch, "member": members[1].pk}, format="json").status_code == 403
    assert chair.post(APPLICATIONS, {"batch": batch, "member": members[1].pk}, format="json").status_code == 201
    for member in members[3:]:
        assert admin.post(APPLICATIONS, {"batch": batch, "member": member.pk}, format="json").status_code == 201
    # rules: readable by all, the office changes them; the rule is named when it refuses
    assert person.get(BATCHES + "rules/").json()["rotation_years"] == 3
    assert person.patch(BATCHES + "rules/", {"min_service_years": 40}, format="json").status_code == 403
    assert admin.patch(BATCHES + "rules/", {"min_service_years": 60}, format="json").status_code == 400
    with in_schema(school):
        members[2].work_started_on = TODAY - datetime.timedelta(days=400)
        members[2].save(update_fields=["work_started_on"])
    short = admin.post(APPLICATIONS, {"batch": batch, "member": members[2].pk}, format="json")
    assert short.status_code == 400 and "最低工龄 5 年" in short.json()["errors"]["member"][0]
    # what each one sees
    assert person.get(APPLICATIONS).json()["count"] == 1
    assert chair.get(APPLICATIONS).json()["count"] == 2  # own branch
    assert admin.get(APPLICATIONS).json()["count"] == 5
    other = admin.get(APPLICATIONS, {"member": members[4].pk}).json()["results"][0]["id"]
    assert person.get(f"{APPLICATIONS}{other}/").status_code == 404
    assert person.get(f"{BATCHES}{batch}/ranking/").status_code == 403
    # selection
    assert admin.post(f"{BATCHES}{batch}/fill/").status_code == 409  # still open
    assert admin.post(f"{BATCHES}{batch}/close-applications/").json()["status"] == "selecting"
    ranking = admin.get(f"{BATCHES}{batch}/ranking/").json()
    assert [r["rank"] for r in ranking] == [1, 2, 3, 4, 5] and "工龄" in ranking[0]["explanation"]
    chosen = admin.post(f"{BATCHES}{batch}/fill/").json()
    assert len(chosen) == 2
    mine_id = mine.json()["id"]
    if mine_id not in [c["id"] for c in chosen]:
        taken = chosen[0]["id"]
        assert admin.post(f"{APPLICATIONS}{mine_id}/select/", {"reason": "照顾"}, format="json").status_code == 409
        assert admin.post(f"{APPLICATIONS}{taken}/deselect/", {}, format="json").status_code == 400  # no reason
        assert admin.post(f"{APPLICATIONS}{taken}/deselect/", {"reason": "本人调岗"}, format="json").status_code == 200
        picked = admin.post(f"{APPLICATIONS}{mine_id}/select/", {"reason": "连续三年班主任"}, format="json")
        assert picked.status_code == 200 and picked.json()["status"] == "selected"
    assert person.post(f"{APPLICATIONS}{mine_id}/select/", {"reason": "x"}, format="json").status_code == 403
    declined = person.post(f"{APPLICATIONS}{mine_id}/decline/", {"reason": "家中有事"}, format="json")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    with in_schema(school):
        batch_row = TripBatch.objects.get(pk=batch)
        assert batch_row.applications.filter(status="selected").count() == 2
        assert batch_row.applications.filter(is_replacement=True, status="selected").count() == 1
    history = admin.get(f"{APPLICATIONS}{mine_id}/history/")
    assert history.status_code == 200 and history.json()["count"] >= 2
    # another school: not found
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"{BATCHES}{batch}/").status_code == 404
    assert outsider.get(f"{APPLICATIONS}{mine_id}/").status_code == 404
    with in_schema(school):
        assert TripApplication.objects.filter(batch_id=batch).count() == 5
