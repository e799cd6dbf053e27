"""The member facts the 疗休养 and activity rules read (婚姻状况, 参加工作日期, 一线, 劳模): the union
office records them through the service, the form and the API; changes are audited; bad input named."""
import pytest

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.members.models import Member
from tests.conftest import in_schema, signed_in, text
from tests.members.factories import a_branch, a_member


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


def test_the_api_sets_reads_and_audits_the_facts(guilin, admin, host_client):
    member = a_member(guilin)
    changed = admin.patch(f"/api/v1/members/{member.pk}/", {
        "marital_status": "married", "work_started_on": "2003-07-01", "is_front_line": True,
        "is_model_worker": True}, format="json")
    assert changed.status_code == 200, changed.content
    row = changed.json()
    assert row["marital_status"] == "married" and row["work_started_on"] == "2003-07-01"
    assert row["is_front_line"] is True and row["is_model_worker"] is True
    with in_schema(guilin):
        record = AuditRecord.objects.filter(target_id=str(member.pk), action="update").latest("id")
        assert {"marital_status", "work_started_on", "is_front_line", "is_model_worker"} <= set(record.changes)
    # cleared again: blank means not recorded
    cleared = admin.patch(f"/api/v1/members/{member.pk}/", {"marital_status": "", "work_started_on": None},
                          format="json")
    assert cleared.status_code == 200 and cleared.json()["work_started_on"] is None
    assert cleared.json()["marital_status"] == "" and cleared.json()["is_front_line"] is True
    # only the office writes them
    chair = host_client(guilin, [Role.BRANCH_CHAIR])
    assert chair.patch(f"/api/v1/members/{member.pk}/", {"is_front_line": False}, format="json").status_code == 403


def test_bad_facts_are_named_and_nothing_is_written(guilin, admin):
    member = a_member(guilin)
    bad = admin.patch(f"/api/v1/members/{member.pk}/", {"work_started_on": "2099-01-01", "name": "改名"},
                      format="json")
    assert bad.status_code == 400 and "参加工作日期" in bad.json()["errors"]["work_started_on"][0]
    with in_schema(guilin):
        fresh = Member.objects.get(pk=member.pk)
        assert fresh.work_started_on is None and fresh.name == member.name
    created = admin.post("/api/v1/members/", {
        "name": "钱七", "gender": "female", "employee_number": "F0001", "branch": a_branch(guilin).pk,
        "employment_type": "staff", "join_date": "2020-09-01", "work_started_on": "2010-09-01",
        "is_front_line": True}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["work_started_on"] == "2010-09-01" and created.json()["is_front_line"] is True


def test_the_office_edits_them_on_the_member_form_and_sees_them_on_the_page(guilin):
    member = a_member(guilin)
    office = signed_in(guilin, [Role.UNION_ADMIN])
    form = office.get(f"/members/{member.pk}/edit/")
    assert form.status_code == 200 and "参加工作日期" in text(form) and "劳动模范" in text(form)
    body = {"name": member.name, "gender": "male", "employee_number": member.employee_number,
            "branch": member.branch_id, "employment_type": "staff", "join_date": "2020-09-01",
            "phone": "13812345678", "marital_status": "single", "work_started_on": "2001-09-01",
            "is_front_line": "on"}
    saved = office.post(f"/members/{member.pk}/edit/", body)
    assert saved.status_code == 302, text(saved)
    with in_schema(guilin):
        fresh = Member.objects.get(pk=member.pk)
        assert (fresh.marital_status, str(fresh.work_started_on), fresh.is_front_line, fresh.is_model_worker) == \
            ("single", "2001-09-01", True, False)
    page = text(office.get(f"/members/{member.pk}/"))
    assert "2001年9月1日" in page and "未婚" in page
    refused = office.post(f"/members/{member.pk}/edit/", {**body, "work_started_on": "明天"})
    assert refused.status_code == 200 and "参加工作日期无效" in text(refused)


def test_marital_status_is_the_office_s_and_the_member_s_own_not_the_branch_chair_s(guilin, admin):
    """A branch chair reads their branch's members, not their marital status; the audit record keeps
    that it changed, not what it is."""
    from tests.conftest import client_for

    page_client = signed_in(guilin, [Role.BRANCH_CHAIR])
    branch = a_branch(guilin, name="婚姻测试学院", chair=page_client.user)
    member = a_member(guilin, branch=branch)
    assert admin.patch(f"/api/v1/members/{member.pk}/", {"marital_status": "divorced"},
                       format="json").json()["marital_status"] == "divorced"
    chair = client_for(guilin, page_client.user)
    listed = {row["id"]: row for row in chair.get("/api/v1/members/", {"page_size": 100}).json()["results"]}
    assert member.pk in listed and listed[member.pk]["marital_status"] is None
    assert chair.get(f"/api/v1/members/{member.pk}/").json()["marital_status"] is None
    page = page_client.get(f"/members/{member.pk}/")
    assert page.status_code == 200 and "离异" not in text(page) and "婚姻状况" not in text(page)
    with in_schema(guilin):
        record = AuditRecord.objects.filter(target_id=str(member.pk), action="update").latest("id")
        assert record.changes["marital_status"] == ["", "（已登记）"]
        assert "divorced" not in str(record.changes) and "离异" not in str(record.changes)
