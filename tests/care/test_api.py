"""The care API: who may do what, refusals in Chinese naming the field, nothing written."""
import datetime

from tenants.accounts.roles import Role
from tenants.care.models import CareVisit, LifeEvent
from tenants.finance.models import LedgerEntry
from tests.conftest import client_for, in_schema

DAY = "2026-01-15"


def test_the_office_records_approves_and_reads_figures(care):
    school = care["school"]
    officer, admin = client_for(school, care["officer"]), client_for(school, care["admin"])
    member = care["members"][0].pk
    done = officer.post("/api/v1/care/visits/", {"member": member, "kind": "hospital", "visited_on": DAY,
                                                 "amount": "300.00", "visitors": "王主席"}, format="json")
    assert done.status_code == 201 and done.json()["status"] == "recorded" and done.json()["ledger_entry"]
    over = officer.post("/api/v1/care/visits/", {"member": member, "kind": "hospital", "visited_on": DAY,
                                                 "amount": "900", "reason": "手术"}, format="json")
    assert over.status_code == 201 and over.json()["status"] == "pending"
    pk = over.json()["id"]
    assert officer.post(f"/api/v1/care/visits/{pk}/approve/", format="json").status_code == 403
    approved = admin.post(f"/api/v1/care/visits/{pk}/approve/", format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = admin.post(f"/api/v1/care/visits/{pk}/reject/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and "已批准" in again.json()["detail"]
    history = admin.get(f"/api/v1/care/visits/{pk}/history/").json()["results"]
    assert [r["to_state"] for r in history if r["action"] == "transition"] == ["pending", "approved"]
    figures = officer.get("/api/v1/care/visits/figures/", {"year": 2026}).json()
    assert figures["totals"] == {"count": 2, "amount": "1200.00"}
    listed = officer.get("/api/v1/care/visits/", {"year": 2026, "kind": "hospital", "status": "approved"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    assert officer.get("/api/v1/care/visits/", {"kind": "nonsense"}).status_code == 400


def test_refusals_name_the_field_and_write_nothing(care):
    school = care["school"]
    officer = client_for(school, care["officer"])
    base = {"member": care["members"][0].pk, "kind": "hospital", "visited_on": DAY, "amount": "300"}
    for change, field in [({"member": 999999}, "member"), ({"amount": "1.234"}, "amount"),
                          ({"amount": "-1"}, "amount"), ({"amount": "1e9"}, "amount"),
                          ({"amount": "900"}, "reason")]:
        refused = officer.post("/api/v1/care/visits/", {**base, **change}, format="json")
        assert refused.status_code == 400 and field in refused.json()["errors"], (change, refused.json())
    with in_schema(school):
        assert not CareVisit.objects.exists() and not LedgerEntry.objects.exists()
    bad_batch = officer.post("/api/v1/care/batches/", {"kind": "holiday", "title": "中秋", "visited_on": DAY,
                                                       "per_head": "200", "scope": "branches"}, format="json")
    assert bad_batch.status_code == 400 and "branches" in bad_batch.json()["errors"]
    assert officer.patch("/api/v1/care/standards/settings/", {"reminder_days": 5}, format="json").status_code == 403


def test_a_chair_reports_for_their_branch_and_sees_only_its_visits(care, host_client):
    school = care["school"]
    chair = client_for(school, care["chair"])
    officer = client_for(school, care["officer"])
    own, other = care["members"][0].pk, care["members"][4].pk
    reported = chair.post("/api/v1/care/life-events/", {"member": own, "kind": "childbirth", "occurred_on": DAY,
                                                         "note": "喜得千金"}, format="json")
    assert reported.status_code == 201
    assert chair.post("/api/v1/care/life-events/", {"member": other, "kind": "childbirth", "occurred_on": DAY},
                      format="json").status_code == 403
    queue = officer.get("/api/v1/care/life-events/", {"status": "reported"}).json()["results"]
    assert [e["id"] for e in queue] == [reported.json()["id"]]
    for member in (own, other):
        assert officer.post("/api/v1/care/visits/", {"member": member, "kind": "childbirth", "visited_on": DAY,
                                                     "amount": "500"}, format="json").status_code == 201
    seen = chair.get("/api/v1/care/visits/").json()["results"]
    assert [v["member"] for v in seen] == [own]
    with in_schema(school):
        hidden = CareVisit.objects.get(member_id=other).pk
    assert chair.get(f"/api/v1/care/visits/{hidden}/").status_code == 404
    assert chair.post("/api/v1/care/visits/", {"member": own, "kind": "childbirth", "visited_on": DAY,
                                               "amount": "500"}, format="json").status_code == 403
    assert chair.get("/api/v1/care/batches/").status_code == 403
    member = host_client(school, [Role.MEMBER])
    for path in ("visits", "life-events", "batches", "standards"):
        assert member.get(f"/api/v1/care/{path}/").status_code == 403


def test_another_school_finds_nothing(care, huzhou, host_client):
    school = care["school"]
    officer = client_for(school, care["officer"])
    pk = officer.post("/api/v1/care/visits/", {"member": care["members"][0].pk, "kind": "hospital",
                                               "visited_on": DAY, "amount": "300"}, format="json").json()["id"]
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/care/visits/{pk}/").status_code == 404
    assert outsider.post(f"/api/v1/care/visits/{pk}/approve/", format="json").status_code == 404
    refused = outsider.post("/api/v1/care/visits/", {"member": care["members"][0].pk, "kind": "hospital",
                                                     "visited_on": DAY, "amount": "300"}, format="json")
    assert refused.status_code == 400 and "member" in refused.json()["errors"]


def test_batches_standards_and_closing_events(care):
    school = care["school"]
    admin, officer = client_for(school, care["admin"]), client_for(school, care["officer"])
    preview = officer.post("/api/v1/care/batches/preview/", {"scope": "branches", "branches": [care["own"].pk]},
                           format="json")
    assert preview.json() == {"count": 3}
    batch = officer.post("/api/v1/care/batches/", {"kind": "summer", "title": "2026 送清凉", "visited_on": DAY,
                                                   "per_head": "100", "scope": "branches",
                                                   "branches": [care["own"].pk]}, format="json")
    assert batch.status_code == 201 and batch.json()["count"] == 3 and batch.json()["total"] == "300.00"
    assert officer.get("/api/v1/care/visits/", {"batch": batch.json()["id"]}).json()["count"] == 3
    assert officer.post("/api/v1/care/standards/", {"kind": "birthday", "effective_from": DAY, "amount_min": "150"},
                        format="json").status_code == 403
    made = admin.post("/api/v1/care/standards/", {"kind": "birthday", "effective_from": DAY, "amount_min": "150"},
                      format="json")
    assert made.status_code == 201 and made.json()["category"] == "activities" and made.json()["amount_max"] == "150.00"
    assert admin.patch("/api/v1/care/standards/settings/", {"reminder_days": 5}, format="json").json() == \
        {"reminder_days": 5}
    with in_schema(school):
        event = LifeEvent.objects.create(member=care["members"][1], kind="marriage", occurred_on=datetime.date(2026, 1, 2))
    assert officer.post(f"/api/v1/care/life-events/{event.pk}/close/", {"reason": ""}, format="json").status_code == 400
    closed = officer.post(f"/api/v1/care/life-events/{event.pk}/close/", {"reason": "本人婉拒"}, format="json")
    assert closed.json()["status"] == "closed"
