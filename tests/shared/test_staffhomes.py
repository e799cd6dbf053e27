"""先进教职工之家: a round with its own criteria, apply with a self-assessment, reviewers score, inspect,
confirm, publish the list, re-check."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shared.staffhomes import selectors
from shared.staffhomes.models import Criterion, HomeApplication, Round
from shared.staffhomes.services import (
    application_decide,
    application_submit,
    criterion_create,
    criterion_delete,
    criterion_update,
    inspection_record,
    review_submit,
    round_close,
    round_create,
    round_open,
    round_update,
)
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tests.conftest import make_user


@pytest.fixture
def admin_user(province):
    return make_user(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def reviewer_user(province):
    return make_user(province, [Role.PROVINCE_REVIEWER])


def a_round(by, *, year=2026, title=None, opened=True):
    now = timezone.now()
    created = round_create(by=by, year=year, title=title or f"{year} 年先进教职工之家评选",
                           opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=20),
                           recheck_years=3)
    return round_open(round=created, by=by) if opened else created


@pytest.fixture
def round_(admin_user):
    return a_round(admin_user)


def full_marks(round_, value="18"):
    return {str(c.pk): value for c in round_.criteria.all()}


@pytest.fixture
def clients(guilin, huzhou, province, host_client):
    return {"guilin": host_client(guilin, [Role.UNION_ADMIN]), "huzhou": host_client(huzhou, [Role.UNION_ADMIN]),
            "admin": host_client(province, [Role.PROVINCE_ADMIN]),
            "reviewer": host_client(province, [Role.PROVINCE_REVIEWER])}


def apply(client, round_, **extra):
    return client.post("/api/v1/staff-homes/applications/", {
        "round": round_.pk, "level": "small_home", "unit_name": "文学院分工会", "self_scores": full_marks(round_),
        "self_assessment": "制度健全，活动丰富……", **extra}, format="json")


def submitted(round_, school, unit_name="文学院分工会"):
    return application_submit(by=None, round=round_, school=school, level="small_home", unit_name=unit_name,
                              self_scores=full_marks(round_), self_assessment="制度健全。")


def test_the_default_criteria_are_the_five_of_the_rules(round_, clients):
    names = [c["name"] for c in clients["guilin"].get("/api/v1/staff-homes/criteria/",
                                                      {"round": round_.pk}).json()["results"]]
    assert names == ["规范", "和谐", "温暖", "平安", "创新"]


def test_apply_review_inspect_confirm_and_recheck(round_, clients):
    pk = apply(clients["guilin"], round_).json()["id"]
    first = clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/review/",
                                     {"scores": full_marks(round_, "16"), "comment": "台账规范"}, format="json")
    assert first.status_code == 200 and first.json()["review_total"] == "80.00"
    clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/review/", {"scores": full_marks(round_, "18")},
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


def test_a_refused_score_is_named_by_its_criterion_and_nothing_is_written(round_, clients):
    first, second = round_.criteria.all()[:2]
    over = apply(clients["guilin"], round_, self_scores={**full_marks(round_), str(first.pk): "25",
                                                         str(second.pk): "-1"})
    errors = over.json()["errors"]
    assert over.status_code == 400 and "“规范”的分数应在 0 到 20.00 之间" in errors[f"self_scores.{first.pk}"][0]
    assert "“和谐”的分数应在 0 到 20.00 之间" in errors[f"self_scores.{second.pk}"][0]
    blank = apply(clients["guilin"], round_, self_scores={**full_marks(round_), str(first.pk): ""})
    assert blank.json()["errors"][f"self_scores.{first.pk}"] == ["请填写“规范”的分数。"]
    partial = apply(clients["guilin"], round_, self_scores={str(first.pk): "10"})
    assert partial.status_code == 400 and "每项标准" in partial.json()["errors"]["self_scores"][0]
    assert not HomeApplication.objects.exists()


def test_a_reviewer_s_score_above_the_maximum_is_refused_and_nothing_is_saved(round_, clients, guilin):
    application = submitted(round_, guilin)
    first = round_.criteria.first()
    refused = clients["reviewer"].post(f"/api/v1/staff-homes/applications/{application.pk}/review/",
                                       {"scores": {**full_marks(round_), str(first.pk): "20.5"}}, format="json")
    assert refused.status_code == 400 and f"scores.{first.pk}" in refused.json()["errors"]
    application.refresh_from_db()
    assert not application.reviews.exists() and application.review_total is None


def test_confirming_without_any_review_is_refused_and_not_confirming_needs_a_reason(round_, clients):
    pk = apply(clients["guilin"], round_).json()["id"]
    early = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": True}, format="json")
    assert early.status_code == 409 and "评审" in early.json()["detail"]
    no_reason = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": False},
                                      format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"]["note"] == ["不予确认必须填写原因。"]
    reviewer_decides = clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/decide/",
                                                {"confirm": False, "note": "x"}, format="json")
    assert reviewer_decides.status_code == 403
    assert HomeApplication.objects.get(pk=pk).status == "submitted"


def test_the_service_refuses_a_reviewer_s_decision_too(round_, guilin, reviewer_user):
    application = submitted(round_, guilin)
    review_submit(application=application, by=reviewer_user, scores=full_marks(round_))
    with pytest.raises(NotAllowed):
        application_decide(application=application, by=reviewer_user, confirm=True)
    with pytest.raises(NotAllowed):
        application_decide(application=application, by=reviewer_user, confirm=False, note="")


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
    first = round_.criteria.first()
    nan = apply(clients["guilin"], round_, self_scores={**full_marks(round_), str(first.pk): "NaN"})
    assert nan.status_code == 400 and f"self_scores.{first.pk}" in nan.json()["errors"]
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
    assert Round.objects.get(pk=round_.pk).status == "open"  # the refused publication closed nothing
    clients["reviewer"].post(f"/api/v1/staff-homes/applications/{pk}/review/", {"scores": full_marks(round_)},
                             format="json")
    clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/", {"confirm": True}, format="json")
    assert clients["reviewer"].post(url, format="json").status_code == 403

    published = clients["admin"].post(url, format="json")
    assert published.status_code == 200 and published.json()["status"] == "confirmed"
    steps = AuditRecord.objects.filter(target_type="staffhomes.round", target_id=str(round_.pk),
                                       action="transition").order_by("id")
    assert [(r.from_state, r.to_state) for r in steps] == [("draft", "open"), ("open", "reviewing"),
                                                           ("reviewing", "confirmed")]
    again = clients["admin"].post(url, format="json")
    assert again.status_code == 409 and "已公布名单" in again.json()["detail"]
    reversed_ = clients["admin"].post(f"/api/v1/staff-homes/applications/{pk}/decide/",
                                      {"confirm": False, "note": "改判"}, format="json")
    assert reversed_.status_code == 409
    assert apply(clients["huzhou"], round_).status_code == 409
    assert HomeApplication.objects.get(pk=pk).status == "confirmed"


# ---- a round's own criteria and its steps ---------------------------------------------------------

def test_a_new_round_starts_with_the_criteria_of_the_round_before_and_changing_them_leaves_that_round(
        admin_user):
    first = a_round(admin_user, year=2025, opened=False)
    criterion_create(round=first, by=admin_user, name="特色", max_score="10", description="工作特色")
    criterion_delete(criterion=first.criteria.get(name="创新"), by=admin_user)
    criterion_update(criterion=first.criteria.get(name="规范"), by=admin_user, max_score="30")
    second = a_round(admin_user, year=2026, opened=False)
    assert [(c.name, c.max_score) for c in second.criteria.all()] == [
        ("规范", Decimal("30.00")), ("和谐", Decimal("20.00")), ("温暖", Decimal("20.00")),
        ("平安", Decimal("20.00")), ("特色", Decimal("10.00"))]
    criterion_update(criterion=second.criteria.get(name="特色"), by=admin_user, name="智慧工会")
    assert first.criteria.filter(name="特色").exists() and not first.criteria.filter(name="智慧工会").exists()


def test_criteria_are_checked_and_fixed_once_the_round_opens(admin_user):
    draft = a_round(admin_user, opened=False)
    with pytest.raises(ValidationError) as too_high:
        criterion_create(round=draft, by=admin_user, name="特色", max_score="150")
    assert "满分应在 1 到 100 之间" in too_high.value.message_dict["max_score"][0]
    with pytest.raises(Conflict) as twice:
        criterion_create(round=draft, by=admin_user, name="规范", max_score="10")
    assert twice.value.field == "name"
    with pytest.raises(ValidationError) as nameless:
        criterion_create(round=draft, by=admin_user, name="  ", max_score="10")
    assert "name" in nameless.value.message_dict
    opened = round_open(round=draft, by=admin_user)
    for attempt in (lambda: criterion_create(round=opened, by=admin_user, name="特色", max_score="10"),
                    lambda: criterion_update(criterion=opened.criteria.first(), by=admin_user, max_score="5"),
                    lambda: criterion_delete(criterion=opened.criteria.first(), by=admin_user),
                    lambda: round_update(round=opened, by=admin_user, title="改名")):
        with pytest.raises(Conflict) as fixed:
            attempt()
        assert "已申报中" in fixed.value.message
    assert opened.criteria.count() == 5 and Criterion.objects.filter(max_score=Decimal("20.00")).count() == 5


def test_a_round_opens_only_with_criteria_and_a_deadline_ahead_and_closes_early(admin_user, reviewer_user,
                                                                                  guilin):
    draft = a_round(admin_user, opened=False)
    with pytest.raises(NotAllowed):
        round_open(round=draft, by=reviewer_user)
    for criterion in draft.criteria.all():
        criterion_delete(criterion=criterion, by=admin_user)
    with pytest.raises(Conflict, match="至少一项建家标准"):
        round_open(round=draft, by=admin_user)
    criterion_create(round=draft, by=admin_user, name="规范", max_score="100")
    round_update(round=draft, by=admin_user, closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(Conflict) as late:
        round_open(round=draft, by=admin_user)
    assert late.value.field == "closes_at"
    with pytest.raises(ValidationError) as backwards:
        round_update(round=draft, by=admin_user, closes_at=draft.opens_at - datetime.timedelta(days=1))
    assert "closes_at" in backwards.value.message_dict
    round_update(round=draft, by=admin_user, closes_at=timezone.now() + datetime.timedelta(days=3))
    with pytest.raises(Conflict, match="不在申报时间内"):
        submitted(draft, guilin)  # 筹备中: schools cannot apply yet
    opened = round_open(round=draft, by=admin_user)
    with pytest.raises(IllegalTransition):
        round_open(round=opened, by=admin_user)
    application = submitted(opened, guilin)
    closed = round_close(round=opened, by=admin_user)
    assert closed.status == "reviewing"
    with pytest.raises(Conflict, match="不在申报时间内"):
        submitted(closed, guilin, unit_name="理学院分工会")
    review_submit(application=application, by=reviewer_user, scores=full_marks(closed, "90"))
    assert application_decide(application=application, by=admin_user, confirm=True).status == "confirmed"


def test_schools_do_not_see_a_round_in_preparation_or_its_criteria(admin_user, clients):
    draft = a_round(admin_user, title="筹备中的评选", opened=False)
    rounds = clients["guilin"].get("/api/v1/staff-homes/rounds/").json()["results"]
    assert "筹备中的评选" not in [r["title"] for r in rounds]
    assert clients["guilin"].get("/api/v1/staff-homes/criteria/", {"round": draft.pk}).json()["count"] == 0
    assert clients["admin"].get("/api/v1/staff-homes/criteria/", {"round": draft.pk}).json()["count"] == 5


def test_the_admin_sets_a_round_s_criteria_and_opens_it_through_the_api(admin_user, clients):
    draft = a_round(admin_user, opened=False)
    added = clients["admin"].post("/api/v1/staff-homes/criteria/", {"round": draft.pk, "name": "特色",
                                                                    "max_score": "10"}, format="json")
    assert added.status_code == 201 and added.json()["order"] == 5
    changed = clients["admin"].patch(f"/api/v1/staff-homes/criteria/{added.json()['id']}/", {"max_score": "15"},
                                     format="json")
    assert changed.status_code == 200 and changed.json()["max_score"] == "15.00"
    assert clients["reviewer"].post("/api/v1/staff-homes/criteria/", {"round": draft.pk, "name": "x",
                                                                      "max_score": "10"}, format="json").status_code == 403
    assert clients["reviewer"].post(f"/api/v1/staff-homes/rounds/{draft.pk}/open/").status_code == 403
    opened = clients["admin"].post(f"/api/v1/staff-homes/rounds/{draft.pk}/open/")
    assert opened.status_code == 200 and opened.json()["status_label"] == "申报中"
    frozen = clients["admin"].delete(f"/api/v1/staff-homes/criteria/{added.json()['id']}/")
    assert frozen.status_code == 409 and "建家标准不能再修改" in frozen.json()["detail"]
    closed = clients["admin"].post(f"/api/v1/staff-homes/rounds/{draft.pk}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "reviewing"


def test_an_inspection_needs_its_date_inspectors_and_findings(round_, guilin, admin_user):
    application = submitted(round_, guilin)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        inspection_record(application=application, by=admin_user, inspected_on=tomorrow, inspectors=" ", notes="")
    assert refused.value.message_dict == {"inspected_on": ["检查日期不能晚于今天。"], "inspectors": ["请填写检查人员。"],
                                          "notes": ["请填写检查情况。"]}
    assert not application.inspections.exists()


# ---- what waits, the confirmed list and the re-check list ------------------------------------------

def test_what_waits_for_a_reviewer_and_for_the_admin(round_, guilin, huzhou, admin_user, reviewer_user):
    ours, theirs = submitted(round_, guilin), submitted(round_, huzhou)
    assert set(selectors.applications_to_score(reviewer_user)) == {ours, theirs}
    assert not selectors.applications_to_decide().exists()
    review_submit(application=ours, by=reviewer_user, scores=full_marks(round_))
    assert list(selectors.applications_to_score(reviewer_user)) == [theirs]
    assert set(selectors.applications_to_score(admin_user)) == {ours, theirs}
    assert list(selectors.applications_to_decide()) == [ours]
    application_decide(application=ours, by=admin_user, confirm=True)
    assert not selectors.applications_to_decide().exists()
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() + datetime.timedelta(days=5))
    assert list(selectors.rounds_closing()) == [round_]


def confirmed(round_, school, unit_name, by, reviewer):
    application = submitted(round_, school, unit_name)
    review_submit(application=application, by=reviewer, scores=full_marks(round_))
    return application_decide(application=application, by=by, confirm=True)


def test_the_recheck_list_of_a_year(admin_user, reviewer_user, guilin, huzhou):
    round_2023 = a_round(admin_user, year=2023)
    due = confirmed(round_2023, guilin, "文学院分工会", admin_user, reviewer_user)
    renewed = confirmed(round_2023, guilin, "理学院分工会", admin_user, reviewer_user)
    rechecked = confirmed(round_2023, huzhou, "校工会", admin_user, reviewer_user)
    round_2025 = a_round(admin_user, year=2025)
    confirmed(round_2025, guilin, "理学院分工会", admin_user, reviewer_user)  # won again: the 2023 title is replaced
    inspection_record(application=rechecked, by=admin_user, inspected_on=datetime.date(2026, 4, 2),
                      inspectors="复查组", notes="保持良好")

    assert {a.recheck_year for a in (due, renewed, rechecked)} == {2026}
    assert not selectors.due_for_recheck(year=2025).exists()
    this_year = {a.unit_name: a.rechecked_on for a in selectors.due_for_recheck(year=2026)}
    assert this_year == {"文学院分工会": None, "校工会": datetime.date(2026, 4, 2)}
    # a year later: what was not re-checked is still due; what was re-checked in 2026 is not
    assert [a.pk for a in selectors.due_for_recheck(year=2027)] == [due.pk]
    assert [a.unit_name for a in selectors.confirmed_homes(year=2025)] == ["理学院分工会"]
    assert selectors.confirmed_homes().count() == 4
