"""Audit records: read-only, for the admin of the host they were written on."""
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tests.conftest import in_schema


def test_a_union_admin_reads_the_schools_audit_records(guilin, host_client):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    created = host_client(guilin, [Role.MEMBER]).user
    body = admin.get("/api/v1/audit/", {"target_type": "accounts.user", "target_id": created.pk}).json()
    assert body["count"] == 1
    assert body["results"][0]["action"] == "create" and body["results"][0]["action_label"] == "创建"


def test_a_member_without_the_role_is_refused(guilin, host_client):
    assert host_client(guilin, [Role.MEMBER]).get("/api/v1/audit/").status_code == 403


def test_another_schools_admin_never_sees_these_records(guilin, huzhou, host_client):
    host_client(guilin, [Role.MEMBER], username="only-in-guilin")
    with in_schema(guilin):
        guilin_record = AuditRecord.objects.get(target_repr="only-in-guilin")
    huzhou_admin = host_client(huzhou, [Role.UNION_ADMIN])

    listed = huzhou_admin.get("/api/v1/audit/", {"search": "only-in-guilin"}).json()
    assert listed["count"] == 0
    # ids are per schema: the same number is either absent or huzhou's own, never guilin's record
    response = huzhou_admin.get(f"/api/v1/audit/{guilin_record.pk}/")
    assert response.status_code == 404 or response.json()["target_repr"] != "only-in-guilin"


def test_the_province_admin_reads_provincial_records_only(province, guilin, host_client):
    host_client(guilin, [Role.MEMBER], username="school-user")
    body = host_client(province, [Role.PROVINCE_ADMIN]).get("/api/v1/audit/", {"search": "school-user"}).json()
    assert body["count"] == 0


def test_audit_records_cannot_be_written_through_the_api(guilin, host_client):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    assert admin.post("/api/v1/audit/", {"reason": "x"}, format="json").status_code == 405
