"""The hardship API: confidential to union_admin and care_officer, audited detail reads, refusals
in Chinese naming the field with nothing written, filters and pagination."""
import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.hardship.models import HardshipCase, HardshipLevel
from tests.conftest import in_schema
from tests.hardship.conftest import level_id, new_member

pytestmark = pytest.mark.django_db
CASES = "/api/v1/hardship/cases/"


def case_body(school, member, household, **extra):
    return {"member": member.pk, "level": level_id(school), "cause": "illness", "household": household, **extra}


@pytest.fixture
def officer(guilin, host_client):
    return host_client(guilin, [Role.CARE_OFFICER])


@pytest.fixture
def case_id(guilin, officer, household):
    member = new_member(guilin)
    answer = officer.post(CASES, case_body(guilin, member, household, registered_on="2024-01-15"), format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


@pytest.mark.parametrize("roles", [[Role.UNION_ADMIN], [Role.CARE_OFFICER]])
def test_readers_list_and_read_and_each_detail_read_is_audited(guilin, host_client, case_id, roles):
    reader = host_client(guilin, roles)
    listed = reader.get(CASES)
    assert listed.status_code == 200
    row = next(r for r in listed.json()["results"] if r["id"] == case_id)
    # the list is minimal: no household, no income
    assert "household" not in row and "household_income" not in row and row["review_overdue"] is True
    for _ in range(2):
        detail = reader.get(f"{CASES}{case_id}/")
        assert detail.status_code == 200
    body = detail.json()
    assert body["household_income"] == "3200.50" and len(body["household"]) == 3 and body["per_capita_income"] == \
        "1066.83"
    with in_schema(guilin):
        reads = AuditRecord.objects.filter(target_type="hardship.hardshipcase", target_id=str(case_id), action="read")
        assert [r.actor_name for r in reads] == [reader.user.username] * 2
    assert "no-store" in detail["Cache-Control"]


@pytest.mark.parametrize("roles", [[Role.BRANCH_CHAIR], [Role.TREASURER], [Role.AUDITOR], [Role.MEMBER],
                                   [Role.FINANCE_APPROVER]])
def test_everyone_else_of_the_school_is_refused(guilin, host_client, case_id, household, roles):
    other = host_client(guilin, roles)
    assert other.get(CASES).status_code == 403
    assert other.get(f"{CASES}{case_id}/").status_code == 403
    assert other.get("/api/v1/hardship/levels/").status_code == 403
    assert other.post(f"{CASES}{case_id}/reviews/", {"outcome": "keep"}, format="json").status_code == 403
    member = new_member(guilin)
    assert other.post(CASES, case_body(guilin, member, household), format="json").status_code == 403
    with in_schema(guilin):
        assert not AuditRecord.objects.filter(target_type="hardship.hardshipcase", action="read").exists()
        assert not HardshipCase.objects.filter(member=member).exists()


def test_another_school_finds_nothing(guilin, huzhou, host_client, case_id):
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"{CASES}{case_id}/").status_code == 404
    assert outsider.post(f"{CASES}{case_id}/reviews/", {"outcome": "keep"}, format="json").status_code == 404
    assert case_id not in [r["id"] for r in outsider.get(CASES).json()["results"]]


def test_refusals_name_the_field_and_write_nothing(guilin, huzhou, officer, household, case_id):
    with in_schema(guilin):
        before = HardshipCase.objects.count()
        same_member = HardshipCase.objects.get(pk=case_id).member
    elsewhere = new_member(huzhou, name="外校会员")
    unknown = officer.post(CASES, case_body(guilin, elsewhere, household) | {"member": 9_999_999}, format="json")
    assert unknown.status_code == 400 and "member" in unknown.json()["errors"]
    gone = new_member(guilin, status="transferred")
    departed = officer.post(CASES, case_body(guilin, gone, household), format="json")
    assert departed.status_code == 400 and "转出" in str(departed.json()["errors"]["member"])
    twice = officer.post(CASES, case_body(guilin, same_member, household), format="json")
    assert twice.status_code == 409 and "member" in twice.json()["errors"]
    for income in ("-5", "10.999", "1000000000", 12.345):
        bad = [dict(household[0], monthly_income=income)]
        answer = officer.post(CASES, case_body(guilin, new_member(guilin), bad), format="json")
        assert answer.status_code == 400 and "household" in answer.json()["errors"], (income, answer.content)
    with in_schema(guilin):
        assert HardshipCase.objects.count() == before


def test_reviews_close_and_reopen_through_actions(guilin, officer, case_id):
    kept = officer.post(f"{CASES}{case_id}/reviews/", {"outcome": "keep", "note": "情况未变"}, format="json")
    assert kept.status_code == 201 and kept.json()["outcome_label"] == "维持等级"
    assert officer.get(CASES, {"review_overdue": "true"}).json()["count"] == 0
    no_reason = officer.post(f"{CASES}{case_id}/close/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    closed = officer.post(f"{CASES}{case_id}/close/", {"reason": "家庭收入恢复"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = officer.post(f"{CASES}{case_id}/reviews/", {"outcome": "keep"}, format="json")
    assert late.status_code == 409 and "已脱困" in late.json()["detail"]
    again = officer.post(f"{CASES}{case_id}/close/", {"reason": "重复"}, format="json")
    assert again.status_code == 409
    reopened = officer.post(f"{CASES}{case_id}/reopen/", {"reason": "配偶再次住院"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "active"


def test_filters_and_levels(guilin, host_client, officer, case_id):
    with in_schema(guilin):
        case = HardshipCase.objects.select_related("member").get(pk=case_id)
    assert officer.get(CASES, {"review_overdue": "true"}).json()["count"] >= 1
    assert officer.get(CASES, {"level": case.level_id, "status": "active", "branch": case.member.branch_id,
                               "page_size": 1}).json()["results"][0]["id"] == case_id
    assert officer.get(CASES, {"status": "closed"}).json()["count"] == 0
    assert officer.get(CASES, {"status": "nonsense"}).status_code == 400
    assert officer.get(CASES, {"review_overdue": "maybe"}).status_code == 400
    assert officer.get(CASES, {"level": "x"}).status_code == 400
    admin = host_client(guilin, [Role.UNION_ADMIN])
    created = admin.post("/api/v1/hardship/levels/", {"name": "临时困难"}, format="json")
    assert created.status_code == 201
    assert admin.post("/api/v1/hardship/levels/", {"name": "临时困难"}, format="json").status_code == 409
    renamed = admin.patch(f"/api/v1/hardship/levels/{created.json()['id']}/", {"name": "突发困难"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "突发困难"
    # the 帮扶专干 reads the levels but only the office changes them
    assert officer.get("/api/v1/hardship/levels/").status_code == 200
    assert officer.post("/api/v1/hardship/levels/", {"name": "又一级"}, format="json").status_code == 403
    with in_schema(guilin):
        assert not HardshipLevel.objects.filter(name="又一级").exists()
