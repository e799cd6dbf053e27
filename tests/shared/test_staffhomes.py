"""先进教职工之家: apply with a self-assessment, reviewers score, inspect, confirm, re-check."""
import datetime

import pytest
from django.utils import timezone

from shared.staffhomes.models import Criterion, HomeApplication, Round
from shared.staffhomes.services import ensure_default_criteria
from tenants.accounts.roles import Role


@pytest.fixture
def round_():
    ensure_default_criteria()
    now = timezone.now()
    return Round.objects.create(year=2026, title="2026 年先进教职工之家评选", opens_at=now - datetime.timedelta(days=1),
                                closes_at=now + datetime.timedelta(days=20), recheck_years=3)


def full_marks(value="18"):
    return {str(c.pk): value for c in Criterion.objects.all()}


@pytest.fixture
def clients(guilin, huzhou, province, host_client):
    return {"guilin": host_client(guilin, [Role.UNION_ADMIN]), "huzhou": host_client(huzhou, [Role.UNION_ADMIN]),
            "admin": host_client(province, [Role.PROVINCE_ADMIN]),
            "reviewer": host_client(province, [Role.PROVINCE_REVIEWER])}


def apply(client, round_, **extra):
    return client.post("/api/v1/staff-homes/applications/", {
        "round": round_.pk, "level": "small_home", "unit_name": "文学院分工会", "self_scores": full_marks(),
        "self_assessment": "制度健全，活动丰富……", **extra}, format="json")


def test_the_default_criteria_are_the_five_of_the_rules(round_, clients):
    names = [c["name"] for c in clients["guilin"].get("/api/v1/staff-homes/criteria/").json()["results"]]
    assert names == ["规范", "和谐", "温暖", "平安", "创新"]


def test_apply_review_inspect_confirm_and_recheck(round_, clients):
    pk = apply(clients["guilin"], round_).json()["id"]
    first = clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/review/",
                                     {"scores": full_marks("16"), "comment": "台账规范"}, format="json")
    assert first.status_code == 200 and first.json()["review_total"] == "80.00"
    clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/review/", {"scores": full_marks("18")},
                          format="json")
    inspected = clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/inspection/",
                                         {"inspected_on": "2026-05-10", "inspectors": "李处长、王科长",
                                          "notes": "活动室面积 80 平方米，设施齐全"}, format="json").json()
    assert inspected["review_total"] == "85.00" and inspected["inspections"][0]["inspectors"] == "李处长、王科长"
    decided = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": True},
                                    format="json").json()
    assert decided["status"] == "confirmed" and decided["recheck_year"] == 2029
    listed = clients["admin"].get("/api/v1/staff-homes/applications/confirmed/", {"year": 2026}).json()["results"]
    assert [row["unit_name"] for row in listed] == ["文学院分工会"]
    assert clients["admin"].get("/api/v1/staff-homes/applications/due-for-recheck/", {"year": 2028}).json()["results"] == []
    assert len(clients["admin"].get("/api/v1/staff-homes/applications/due-for-recheck/",
                                    {"year": 2029}).json()["results"]) == 1
    school_view = clients["guilin"].get(f"/api/v1/staff-homes/applications/{pk}/").json()
    assert school_view["status"] == "confirmed" and "reviews" not in school_view


def test_scores_must_cover_every_criterion_within_its_maximum(round_, clients):
    over = apply(clients["guilin"], round_, self_scores={**full_marks(), str(Criterion.objects.first().pk): "25"})
    assert over.status_code == 400 and "0 到 20" in over.json()["errors"]["self_scores"][0]
    partial = apply(clients["guilin"], round_, self_scores={str(Criterion.objects.first().pk): "10"})
    assert partial.status_code == 400 and "每项标准" in partial.json()["errors"]["self_scores"][0]
    assert not HomeApplication.objects.exists()


def test_confirming_without_any_review_is_refused_and_not_confirming_needs_a_reason(round_, clients):
    pk = apply(clients["guilin"], round_).json()["id"]
    early = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": True}, format="json")
    assert early.status_code == 409 and "评审" in early.json()["detail"]
    no_reason = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": False},
                                      format="json")
    assert no_reason.status_code == 400
    reviewer_decides = clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/decide/",
                                                {"confirm": False, "note": "x"}, format="json")
    assert reviewer_decides.status_code == 403


def test_applications_after_the_window_or_twice_are_refused(round_, clients):
    assert apply(clients["guilin"], round_).status_code == 201
    assert apply(clients["guilin"], round_).status_code == 409
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    late = apply(clients["guilin"], round_, unit_name="理学院分工会")
    assert late.status_code == 409 and "申报时间" in late.json()["detail"]


def test_a_school_sees_only_its_own_applications(round_, clients):
    pk = apply(clients["guilin"], round_).json()["id"]
    assert clients["huzhou"].get("/api/v1/staff-homes/applications/").json()["count"] == 0
    assert clients["huzhou"].get(f"/api/v1/staff-homes/applications/{pk}/").status_code == 404
    assert apply(clients["huzhou"], round_).status_code == 201  # the same unit name in another school


def test_not_a_number_scores_and_unbounded_rounds_are_refused(round_, clients):
    nan = apply(clients["guilin"], round_, self_scores={**full_marks(), str(Criterion.objects.first().pk): "NaN"})
    assert nan.status_code == 400 and "self_scores" in nan.json()["errors"]
    now = timezone.now()
    bad_round = clients["admin"].post("/api/v1/staff-homes/rounds/", {
        "year": 2026, "title": "x", "opens_at": now.isoformat(), "closes_at": (now - datetime.timedelta(days=1)).isoformat(),
        "recheck_years": 32000}, format="json")
    assert bad_round.status_code == 400 and {"closes_at", "recheck_years"} <= set(bad_round.json()["errors"])


def test_the_list_is_published_once_every_application_is_decided_and_is_then_final(round_, clients):
    pk = apply(clients["guilin"], round_).json()["id"]
    url = f"/api/v1/staff-homes/rounds/{round_.pk}/publish-list/"
    pending = clients["admin"].post(url, format="json")
    assert pending.status_code == 409 and "1 份申报尚未" in pending.json()["detail"]
    clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/review/", {"scores": full_marks()},
                             format="json")
    clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": True}, format="json")
    assert clients["reviewer"].post(url, format="json").status_code == 403

    published = clients["admin"].post(url, format="json")
    assert published.status_code == 200 and published.json()["status"] == "confirmed"
    again = clients["admin"].post(url, format="json")
    assert again.status_code == 409 and "已公布名单" in again.json()["detail"]
    reversed_ = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/",
                                      {"confirm": False, "note": "改判"}, format="json")
    assert reversed_.status_code == 409
    assert apply(clients["huzhou"], round_).status_code == 409
    assert HomeApplication.objects.get(pk=pk).status == "confirmed"
