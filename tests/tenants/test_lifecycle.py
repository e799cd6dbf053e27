"""Suspending, reactivating and archiving a school."""
import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import IllegalTransition
from tenants.models import Domain, School
from tenants.services import SCHOOL_LIFECYCLE, school_transition
from tests.conftest import anonymous_client


@pytest.fixture
def province_admin(province, host_client):
    return host_client(province, [Role.PROVINCE_ADMIN])


@pytest.fixture(autouse=True)
def archives_in_tmp(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path / "archives"


def test_a_suspended_school_refuses_its_tokens_until_reactivated(province_admin, guilin, host_client):
    school_admin = host_client(guilin, [Role.UNION_ADMIN])
    assert school_admin.get("/api/v1/me/").status_code == 200

    response = province_admin.post("/api/v1/schools/guilin/suspend/", {"reason": "未按期年检"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"

    refused = school_admin.get("/api/v1/me/")
    assert refused.status_code == 403 and refused.json()["detail"] == "该校账户已停用"
    assert anonymous_client(guilin).post("/api/v1/auth/token/", {"username": "admin", "password": "x"},
                                         format="json").status_code == 403

    assert province_admin.post("/api/v1/schools/guilin/activate/", {}, format="json").status_code == 200
    assert school_admin.get("/api/v1/me/").status_code == 200


def test_each_transition_is_audited_with_who_from_to_and_why(province_admin, guilin):
    province_admin.post("/api/v1/schools/guilin/suspend/", {"reason": "未按期年检"}, format="json")
    record = AuditRecord.objects.get(target_type="tenants.school", target_id=str(guilin.pk), action="transition")
    assert (record.actor_name, record.from_state, record.to_state, record.reason) == (
        province_admin.user.username, "active", "suspended", "未按期年检")


def test_an_illegal_transition_answers_409_naming_the_current_state(province_admin):
    response = province_admin.post("/api/v1/schools/guilin/activate/", {}, format="json")
    assert response.status_code == 409
    assert "正常" in response.json()["detail"] and "恢复" in response.json()["detail"]


def test_suspending_needs_a_reason(province_admin, guilin):
    response = province_admin.post("/api/v1/schools/guilin/suspend/", {"reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    guilin.refresh_from_db()
    assert guilin.status == "active"


def test_a_reviewer_cannot_suspend(province, host_client):
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.post("/api/v1/schools/guilin/suspend/", {"reason": "x"}, format="json").status_code == 403


def test_unknown_school_is_404(province_admin):
    assert province_admin.post("/api/v1/schools/nosuch/suspend/", {"reason": "x"}, format="json").status_code == 404


def test_archiving_exports_the_schema_and_keeps_it_until_dropped_by_command(province_admin, hnit, settings):
    response = province_admin.post("/api/v1/schools/hnit/archive/", {"reason": "学校合并"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "archived"

    hnit.refresh_from_db()
    export = settings.ARCHIVE_DIR.joinpath(hnit.archive_file.rsplit("/", 1)[-1]).read_text()
    assert "school_hnit.accounts_user" in export
    assert schema_exists("school_hnit")
    archived = anonymous_client(hnit).get("/healthz")
    assert archived.status_code == 403 and archived.json()["detail"] == "该校账户已归档"

    call_command("drop_archived_school", "hnit", confirm="hnit")
    assert not schema_exists("school_hnit")
    assert not Domain.objects.filter(tenant=hnit).exists()
    assert School.objects.get(slug="hnit").status == "archived"


def test_an_active_school_cannot_be_dropped(guilin):
    with pytest.raises(CommandError, match="未归档"):
        call_command("drop_archived_school", "guilin", confirm="guilin")
    with pytest.raises(CommandError, match="不一致"):
        call_command("drop_archived_school", "guilin", confirm="guilin2")
    assert schema_exists("school_guilin")


def test_the_lifecycle_table_allows_exactly_these_moves(guilin):
    allowed = {(source, t.target) for t in SCHOOL_LIFECYCLE.transitions.values() for source in t.sources}
    assert allowed == {("active", "suspended"), ("suspended", "active"), ("active", "archived"),
                       ("suspended", "archived")}
    school_transition(school=guilin, action="archive", by=None, reason="测试")
    # the stale in-memory object says "active": the service reads the row, not the object
    with pytest.raises(IllegalTransition, match="已归档"):
        school_transition(school=guilin, action="activate", by=None)


def test_a_suspended_schools_pages_show_a_chinese_page_not_json(province_admin, guilin):
    province_admin.post("/api/v1/schools/guilin/suspend/", {"reason": "未按期年检"}, format="json")
    page = anonymous_client(guilin).get("/login/")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
    assert "该校账户已停用" in page.content.decode() and "桂林学院" in page.content.decode()
