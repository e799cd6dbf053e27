"""入会申请: submitted → confirmed by the branch chair → approved by the union office."""
import pytest

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.members.models import Member
from tests.conftest import in_schema
from tests.members.factories import a_branch


@pytest.fixture
def setting(guilin, host_client):
    chair = host_client(guilin, [Role.BRANCH_CHAIR])
    branch = a_branch(guilin, "艺术学院", chair=chair.user)
    return {"chair": chair, "branch": branch, "admin": host_client(guilin, [Role.UNION_ADMIN]),
            "applicant": host_client(guilin, [])}


def apply(client, branch, **extra):
    return client.post("/api/v1/membership-applications/", {
        "name": "新教师", "gender": "female", "employee_number": "2026101", "branch": branch.pk,
        "employment_type": "contract", "statement": "申请加入工会", **extra}, format="json")


def test_a_contract_staff_member_applies_and_becomes_a_member(guilin, setting):
    submitted = apply(setting["applicant"], setting["branch"])
    assert submitted.status_code == 201 and submitted.json()["status"] == "submitted"
    pk = submitted.json()["id"]

    early = setting["admin"].post(f"/api/v1/membership-applications/{pk}/approve/", {}, format="json")
    assert early.status_code == 409 and "已提交" in early.json()["detail"]

    assert setting["chair"].post(f"/api/v1/membership-applications/{pk}/confirm/", {},
                                 format="json").json()["status"] == "branch_confirmed"
    approved = setting["admin"].post(f"/api/v1/membership-applications/{pk}/approve/",
                                     {"join_date": "2026-11-01"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    with in_schema(guilin):
        member = Member.objects.get(employee_number="2026101")
        assert member.employment_type == "contract" and member.user_id == setting["applicant"].user.pk
        transitions = AuditRecord.objects.filter(target_type="members.membershipapplication", action="transition")
        assert [(t.from_state, t.to_state) for t in transitions.order_by("id")] == [
            ("submitted", "branch_confirmed"), ("branch_confirmed", "approved")]
    assert "member" in [r["code"] for r in setting["applicant"].get("/api/v1/me/").json()["roles"]]


def test_rejection_needs_a_reason(setting):
    pk = apply(setting["applicant"], setting["branch"]).json()["id"]
    no_reason = setting["chair"].post(f"/api/v1/membership-applications/{pk}/reject/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    rejected = setting["chair"].post(f"/api/v1/membership-applications/{pk}/reject/", {"reason": "非本校职工"},
                                     format="json")
    assert rejected.json()["status"] == "rejected" and rejected.json()["decision_reason"] == "非本校职工"


def test_a_chair_of_another_branch_cannot_confirm(guilin, setting, host_client):
    other_chair = host_client(guilin, [Role.BRANCH_CHAIR])
    a_branch(guilin, "体育学院", chair=other_chair.user)
    pk = apply(setting["applicant"], setting["branch"]).json()["id"]
    response = other_chair.post(f"/api/v1/membership-applications/{pk}/confirm/", {}, format="json")
    assert response.status_code == 404  # not among the applications that chair can see


def test_an_applicant_sees_only_their_own_applications(guilin, setting, host_client):
    apply(setting["applicant"], setting["branch"])
    stranger = host_client(guilin, [Role.MEMBER])
    assert stranger.get("/api/v1/membership-applications/").json()["count"] == 0
    assert setting["applicant"].get("/api/v1/membership-applications/").json()["count"] == 1


def test_bad_and_duplicate_applications(setting):
    bad_gender = apply(setting["applicant"], setting["branch"], gender="x")
    assert bad_gender.status_code == 400 and "gender" in bad_gender.json()["errors"]
    bad_id = apply(setting["applicant"], setting["branch"], id_number="123")
    assert bad_id.status_code == 400 and "18 位" in bad_id.json()["errors"]["id_number"][0]
    assert apply(setting["applicant"], setting["branch"]).status_code == 201
    again = apply(setting["applicant"], setting["branch"])
    assert again.status_code == 409 and "待处理" in again.json()["detail"]


def test_an_outsider_cannot_see_or_decide(setting, huzhou, host_client):
    pk = apply(setting["applicant"], setting["branch"]).json()["id"]
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.post(f"/api/v1/membership-applications/{pk}/approve/", {}, format="json").status_code == 404
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.get(f"/api/v1/membership-applications/{pk}/").status_code == 401


def test_a_chair_decides_only_at_the_branch_stage_and_never_on_their_own_submission(guilin, setting):
    pk = apply(setting["applicant"], setting["branch"]).json()["id"]
    setting["chair"].post(f"/api/v1/membership-applications/{pk}/confirm/", {}, format="json")
    late = setting["chair"].post(f"/api/v1/membership-applications/{pk}/reject/", {"reason": "改主意"}, format="json")
    assert late.status_code == 403 and "校工会审批" in late.json()["detail"]
    own = apply(setting["chair"], setting["branch"], employee_number="2026199").json()["id"]
    refused = setting["chair"].post(f"/api/v1/membership-applications/{own}/confirm/", {}, format="json")
    assert refused.status_code == 403 and "自己提交" in refused.json()["detail"]


def test_a_retiree_cannot_apply_to_join(guilin, host_client):
    from tests.members.factories import a_branch

    applicant = host_client(guilin, [])
    branch = a_branch(guilin, "退休申请测试学院")
    answer = applicant.post("/api/v1/membership-applications/", {
        "name": "老王", "gender": "male", "employee_number": "R0001", "branch": branch.pk,
        "employment_type": "retiree"}, format="json")
    assert answer.status_code == 400 and "employment_type" in answer.json()["errors"]
