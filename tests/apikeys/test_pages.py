"""The API 密钥 pages of both hosts, through Django's test client: the host's admin only, the key
shown once on the answer to the form, errors beside the field with the input kept, revoke audited."""
from datetime import timedelta

from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.apikeys.models import ApiKey
from tenants.audit.models import AuditRecord
from tests.conftest import anonymous_client, in_schema, signed_in, text

NEXT_YEAR = (timezone.localdate() + timedelta(days=365)).isoformat()


def test_the_school_admin_creates_a_key_sees_it_once_and_revokes_it(guilin, huzhou):
    office = signed_in(guilin, [Role.UNION_ADMIN])
    listed = office.get("/settings/api-keys/")
    assert listed.status_code == 200 and "还没有 API 密钥" in text(listed) and "API 密钥" in text(office.get("/"))
    form = office.get("/settings/api-keys/new/")
    assert "会员与组织" in text(form) and "学校" not in [f.label for f in form.context["form"].fields.values()]

    refused = office.post("/settings/api-keys/new/", {"name": "人事系统", "expires_at": "2020-01-01",
                                                     "rate_limit": "60", "scope_members": "read"})
    page = text(refused)
    assert refused.status_code == 200 and "到期时间必须晚于现在" in page and 'value="人事系统"' in page
    assert refused.context["form"].errors["expires_at"]

    made = office.post("/settings/api-keys/new/", {"name": "人事系统", "expires_at": NEXT_YEAR,
                                                  "rate_limit": "60", "scope_members": "write",
                                                  "scope_statistics": "read"})
    plaintext = made.context["plaintext"]
    assert made.status_code == 200 and plaintext in text(made) and made["Cache-Control"] == "no-store"
    with in_schema(guilin):
        key = ApiKey.objects.get(name="人事系统")
        assert key.scopes == ["members:write", "statistics:read"] and key.rate_limit == 60
    detail = office.get(f"/settings/api-keys/{key.pk}/")
    assert plaintext not in text(detail) and key.prefix in text(detail)
    assert plaintext not in text(office.get("/settings/api-keys/"))

    # another school's admin does not find it; a member of the school is refused the pages
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(f"/settings/api-keys/{key.pk}/").status_code == 404
    member = signed_in(guilin, [Role.MEMBER])
    assert member.get("/settings/api-keys/").status_code == 403
    assert member.post(f"/settings/api-keys/{key.pk}/revoke/", {"reason": "x"}).status_code == 403
    assert "API 密钥" not in text(member.get("/"))

    assert office.post(f"/settings/api-keys/{key.pk}/revoke/", {"reason": "系统下线"}).status_code == 302
    with in_schema(guilin):
        key.refresh_from_db()
        assert key.status == "revoked"
        assert AuditRecord.objects.filter(target_type="apikeys.apikey", action="transition",
                                          reason="系统下线").count() == 1
    assert "已撤销" in text(office.get(f"/settings/api-keys/{key.pk}/"))
    client = anonymous_client(guilin)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.get("/api/v1/members/").status_code == 401


def test_the_provincial_admin_has_the_same_pages_on_the_provincial_host(province):
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    form = admin.get("/settings/api-keys/new/")
    assert form.status_code == 200 and "学校" in text(form) and "会员与组织" not in text(form)
    made = admin.post("/settings/api-keys/new/", {"name": "数据中心", "expires_at": NEXT_YEAR,
                                                 "rate_limit": "", "scope_statistics": "read"})
    assert made.context["plaintext"].startswith("eduk_")
    assert ApiKey.objects.get(name="数据中心").rate_limit == 120
    assert signed_in(province, [Role.PROVINCE_REVIEWER]).get("/settings/api-keys/").status_code == 403
