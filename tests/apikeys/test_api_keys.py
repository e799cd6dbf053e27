"""API keys through the real HTTP stack (APIClient against real schemas): created once and shown
once, stored hashed, scoped per area and read/write, bound to their host, revocable, expiring,
rate-limited per key, and every refusal audited on the host where it was tried."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.key_scopes import KEY_OPEN_VIEWS, KEY_REFUSED_MODULES, VIEW_MODULE_AREAS, view_module
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.apikeys.models import ApiKey
from tenants.apikeys.scopes import AREAS, PROVINCE, SCHOOL
from tenants.apikeys.services import api_key_create
from tenants.audit.models import AuditRecord
from tests.api.test_base import _api_views
from tests.conftest import host_of, in_schema, make_user

LATER = (timezone.now() + timedelta(days=365)).isoformat()


def bearer(school, key: str) -> APIClient:
    client = APIClient(HTTP_HOST=host_of(school))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def province_host_client(key: str) -> APIClient:
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def refusals(school) -> list[AuditRecord]:
    with in_schema(school):
        return list(AuditRecord.objects.filter(target_type="apikeys.apikey", target_repr__startswith="API 密钥被拒绝"))


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


def test_a_key_is_shown_once_stored_hashed_and_works_only_within_its_scopes(guilin, admin):
    created = admin.post("/api/v1/api-keys/", {"name": "人事系统", "scopes": ["members:write", "members:read",
                                                                            "statistics:read"],
                                               "expires_at": LATER, "rate_limit": 100}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    plaintext = body["key"]
    assert plaintext.startswith(f"eduk_{body['prefix']}_") and body["scopes"] == ["members:write", "statistics:read"]
    with in_schema(guilin):
        stored = ApiKey.objects.get(pk=body["id"])
        assert plaintext not in (stored.digest, stored.prefix) and plaintext.split("_")[2] not in stored.digest
        assert stored.user.roles == [Role.UNION_ADMIN] and not stored.user.has_usable_password()
        creation = AuditRecord.objects.get(target_type="apikeys.apikey", target_id=str(stored.pk), action="create")
        assert plaintext not in str(creation.changes) and creation.actor_id == admin.user.pk
    # never shown again: not in the list nor the detail
    assert "key" not in admin.get(f"/api/v1/api-keys/{body['id']}/").json()
    assert plaintext not in admin.get("/api/v1/api-keys/").content.decode()

    client = bearer(guilin, plaintext)
    assert client.get("/api/v1/members/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200  # any valid key may ask who it is
    made = client.post("/api/v1/branches/", {"name": "密钥建的学院"}, format="json")
    assert made.status_code == 201
    with in_schema(guilin):
        record = AuditRecord.objects.get(target_type="members.branch", target_id=str(made.json()["id"]))
        assert "人事系统" in record.actor_name  # audited as the key
        used = ApiKey.objects.get(pk=body["id"])
        assert used.last_used_at is not None and used.last_used_ip == "127.0.0.1"

    # outside its scopes: 403 in Chinese naming the area, nothing written, the attempt audited
    refused = client.post("/api/v1/proposals/", {"title": "x"}, format="json")
    assert refused.status_code == 403 and "教代会与提案" in refused.json()["detail"]
    assert client.get("/api/v1/ledger/").status_code == 403
    assert client.post("/api/v1/stats/", {}, format="json").status_code in (403, 405)
    # a key never manages keys, whatever its scopes
    assert client.get("/api/v1/api-keys/").status_code == 403
    assert client.post("/api/v1/api-keys/", {"name": "更大的", "scopes": ["finance:write"],
                                             "expires_at": LATER}, format="json").status_code == 403
    assert client.post("/api/v1/auth/token/revoke/").status_code == 403
    with in_schema(guilin):
        assert ApiKey.objects.count() == 1
    why = [r.reason for r in refusals(guilin)]
    assert any("教代会与提案" in reason and "POST /api/v1/proposals/" in reason for reason in why)
    assert not any(plaintext.split("_")[2] in reason for reason in why)


def test_a_key_of_one_host_matches_nothing_on_another(guilin, huzhou, province):
    with in_schema(guilin):
        key, plaintext = api_key_create(name="桂林的对接", scopes=["members:read"],
                                        expires_at=timezone.now() + timedelta(days=30), by=None)
    elsewhere = bearer(huzhou, plaintext).get("/api/v1/members/")
    assert elsewhere.status_code == 401 and "无效" in elsewhere.json()["detail"]
    assert province_host_client(plaintext).get("/api/v1/stats/").status_code == 401
    assert bearer(guilin, plaintext).get("/api/v1/members/").status_code == 200
    # audited where it was tried, by nothing more than a refusal: not the key, not even its prefix
    tried = refusals(huzhou)
    assert len(tried) == 1 and tried[0].actor_name == "未知 API 密钥" and key.prefix not in tried[0].reason
    assert not refusals(guilin)
    garbage = bearer(guilin, "eduk_zzzzzzzzzz_not-a-key").get("/api/v1/members/")
    assert garbage.status_code == 401 and garbage.json()["detail"].startswith("API 密钥无效")


def test_a_provincial_key_works_on_the_provincial_host_only(province, guilin):
    key, plaintext = api_key_create(name="省厅数据中心", scopes=["statistics:read"],
                                    expires_at=timezone.now() + timedelta(days=30), by=None)
    assert key.user.roles == [Role.PROVINCE_ADMIN]
    client = province_host_client(plaintext)
    assert client.get("/api/v1/stats/").status_code == 200
    assert client.get("/api/v1/schools/").status_code == 403
    assert bearer(guilin, plaintext).get("/api/v1/stats/").status_code == 401


def test_revoked_and_expired_keys_answer_401_in_chinese_and_the_attempt_is_audited(guilin, admin):
    with in_schema(guilin):
        key, plaintext = api_key_create(name="旧系统", scopes=["members:read"],
                                        expires_at=timezone.now() + timedelta(days=1), by=admin.user)
        old, old_plaintext = api_key_create(name="过期的", scopes=["members:read"],
                                            expires_at=timezone.now() + timedelta(days=1), by=admin.user)
        ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = admin.post(f"/api/v1/api-keys/{key.pk}/revoke/", {"reason": "系统下线"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["state"] == "已撤销"
    assert admin.post(f"/api/v1/api-keys/{key.pk}/revoke/", {}, format="json").status_code == 409
    with in_schema(guilin):
        step = AuditRecord.objects.get(target_type="apikeys.apikey", target_id=str(key.pk), action="transition")
        assert (step.from_state, step.to_state, step.reason) == ("active", "revoked", "系统下线")
    answer = bearer(guilin, plaintext).get("/api/v1/members/")
    assert answer.status_code == 401 and answer.json()["detail"] == "API 密钥已撤销。"
    answer = bearer(guilin, old_plaintext).get("/api/v1/members/")
    assert answer.status_code == 401 and answer.json()["detail"] == "API 密钥已过期。"
    # a wrong secret behind a real prefix is refused like an unknown key, and audited against that key
    forged = bearer(guilin, f"eduk_{key.prefix}_forged").get("/api/v1/members/")
    assert forged.status_code == 401 and forged.json()["detail"].startswith("API 密钥无效")
    reasons = {r.reason.split("；")[0] for r in refusals(guilin)}
    assert {"API 密钥已撤销", "API 密钥已过期", "密钥不正确"} <= reasons


def test_the_rate_limit_answers_429_with_retry_after(guilin):
    with in_schema(guilin):
        key, plaintext = api_key_create(name="压测", scopes=["members:read"], rate_limit=2,
                                        expires_at=timezone.now() + timedelta(days=1), by=None)
    client = bearer(guilin, plaintext)
    served = 0
    for _ in range(8):  # two fit in a minute; a turn of the minute in between only starts a new count
        throttled = client.get("/api/v1/branches/")
        if throttled.status_code != 200:
            break
        served += 1
    assert throttled.status_code == 429 and served >= 2
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert throttled.json()["detail"] == f"请求过于频繁：该 API 密钥每分钟最多 2 次，请 {throttled['Retry-After']} 秒后再试。"


def test_creating_a_key_refuses_bad_input_naming_the_field_and_writes_nothing(guilin, admin, host_client):
    def count():
        with in_schema(guilin):
            return ApiKey.objects.count(), User.objects.count()

    before = count()
    for payload, field in [
        ({"name": "", "scopes": ["members:read"], "expires_at": LATER}, "name"),
        ({"name": "a", "scopes": ["schools:read"], "expires_at": LATER}, "scopes"),  # the province's area
        ({"name": "a", "scopes": ["members:admin"], "expires_at": LATER}, "scopes"),
        ({"name": "a", "scopes": [], "expires_at": LATER}, "scopes"),
        ({"name": "a", "scopes": ["audit:write"], "expires_at": LATER}, "scopes"),
        ({"name": "a", "scopes": ["members:read"], "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"name": "a", "scopes": ["members:read"], "expires_at": "2099-01-01T00:00:00Z"}, "expires_at"),
        ({"name": "a", "scopes": ["members:read"], "expires_at": LATER, "rate_limit": 0}, "rate_limit"),
    ]:
        answer = admin.post("/api/v1/api-keys/", payload, format="json")
        assert answer.status_code == 400 and field in answer.json()["errors"], (payload, answer.content)
    assert count() == before
    # the host's admin only; another school's admin finds nothing
    member = host_client(guilin, [Role.MEMBER])
    assert member.get("/api/v1/api-keys/").status_code == 403
    assert member.post("/api/v1/api-keys/", {"name": "a", "scopes": ["members:read"], "expires_at": LATER},
                       format="json").status_code == 403
    assert count()[0] == before[0]


def test_a_key_user_cannot_sign_in_or_receive_the_office_notifications(guilin):
    with in_schema(guilin):
        key, _ = api_key_create(name="对接", scopes=["members:read"],
                                expires_at=timezone.now() + timedelta(days=1), by=None)
        office = User.objects.filter(roles__contains=[Role.UNION_ADMIN], is_active=True)
        assert key.user not in office
    page = APIClient(HTTP_HOST=host_of(guilin))
    assert page.post("/api/v1/auth/token/", {"username": key.user.username, "password": ""},
                     format="json").status_code == 400


def test_the_published_schema_declares_the_bearer_key(guilin, province):
    for host in (host_of(guilin), "localhost"):
        schema = APIClient(HTTP_HOST=host).get("/api/schema/?format=json").json()
        scheme = schema["components"]["securitySchemes"]["apiKey"]
        assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
        stats = next(iter(schema["paths"]["/api/v1/stats/"].values()))
        assert any("apiKey" in requirement for requirement in stats["security"])
        assert "429" in stats["responses"]  # a key over its limit


@pytest.mark.parametrize("urlconf,host", [("config.urls_tenant", SCHOOL), ("config.urls_public", PROVINCE)])
def test_every_api_view_has_an_area_or_is_refused_to_keys(urlconf, host):
    missing = []
    for route, callback in _api_views(urlconf):
        view_class = getattr(callback, "cls", None)
        if view_class is None:
            continue
        module = view_module(view_class())
        if module in VIEW_MODULE_AREAS[host] or module in KEY_REFUSED_MODULES or view_class.__name__ in KEY_OPEN_VIEWS:
            continue
        missing.append(f"{route} ({view_class.__module__}.{view_class.__name__})")
    assert not missing, "API 密钥的区域未定义（api/key_scopes.py）：\n" + "\n".join(missing)
    for area in VIEW_MODULE_AREAS[host].values():
        assert host in AREAS[area].hosts


def test_a_read_only_key_gets_lists_but_not_what_they_mask(guilin):
    from tests.members.factories import a_member, valid_id_number

    member = a_member(guilin, id_number=valid_id_number("19850312", "461"))
    with in_schema(guilin):
        _, reader = api_key_create(name="只读", scopes=["members:read"], by=None,
                                   expires_at=timezone.now() + timedelta(days=1))
        _, writer = api_key_create(name="人事系统", scopes=["members:write"], by=None,
                                   expires_at=timezone.now() + timedelta(days=1))
    assert bearer(guilin, reader).get(f"/api/v1/members/{member.pk}/").status_code == 200
    refused = bearer(guilin, reader).get(f"/api/v1/members/{member.pk}/id-number/")
    assert refused.status_code == 403 and "会员与组织" in refused.json()["detail"]
    assert bearer(guilin, writer).get(f"/api/v1/members/{member.pk}/id-number/").json() == {
        "id_number": valid_id_number("19850312", "461")}


def test_made_up_keys_in_a_loop_are_audited_once_a_minute_not_once_a_request(guilin):
    for _ in range(5):
        assert bearer(guilin, "eduk_madeup0000_nothing").get("/api/v1/members/").status_code == 401
    assert len(refusals(guilin)) == 1


def test_the_answer_that_shows_a_new_key_is_never_cached(guilin, admin):
    created = admin.post("/api/v1/api-keys/", {"name": "缓存", "scopes": ["members:read"], "expires_at": LATER},
                         format="json")
    assert created.status_code == 201 and created["Cache-Control"] == "no-store"
