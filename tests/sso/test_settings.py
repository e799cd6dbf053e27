"""The union office's 统一身份认证 settings: API and page, who may see them, bad input, the secret."""
import pytest
from django.test import Client

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.sso.models import SsoSettings
from tests.conftest import anonymous_client, in_schema, signed_in
from tests.sso.helpers import configure_oidc

pytestmark = pytest.mark.django_db
URL = "/api/v1/sso/settings/"


def test_the_settings_api_is_the_union_offices_alone(guilin, huzhou, host_client):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    assert admin.get(URL).json()["protocol"] == ""
    assert host_client(guilin, [Role.MEMBER]).get(URL).status_code == 403
    assert anonymous_client(guilin).get(URL).status_code == 401
    other = host_client(huzhou, [Role.UNION_ADMIN])
    other.defaults["HTTP_HOST"] = "guilin.localhost"
    assert other.get(URL).status_code == 401  # huzhou's token means nothing on guilin's host
    assert anonymous_client(guilin).get(URL).status_code == 401
    province = anonymous_client(guilin)
    province.defaults["HTTP_HOST"] = "localhost"
    assert province.get(URL).status_code == 404


def test_the_client_secret_is_encrypted_at_rest_and_never_returned(guilin, huzhou, host_client):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    response = admin.patch(URL, {"protocol": "oidc", "oidc_issuer": "https://id.example.edu.cn/oidc",
                                 "oidc_client_id": "union", "client_secret": "s3cret-value-2026",
                                 "match_by": "employee_number"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert "client_secret" not in body and body["has_client_secret"] is True
    assert body["callback_urls"]["oidc"] == "http://guilin.localhost/sso/oidc/"
    with in_schema(guilin):
        stored = SsoSettings.objects.get().oidc_client_secret_encrypted
        assert stored and "s3cret" not in stored
        record = AuditRecord.objects.filter(target_type="sso.ssosettings").order_by("-id").first()
        assert record.actor_name == admin.user.username and "s3cret" not in str(record.changes)
    with in_schema(huzhou):
        assert SsoSettings.objects.get().protocol == ""  # one school's settings are its own


@pytest.mark.parametrize("body, field", [
    ({"protocol": "saml"}, "protocol"),
    ({"protocol": "oidc", "oidc_client_id": "x", "client_secret": "y"}, "oidc_issuer"),
    ({"protocol": "oidc", "oidc_issuer": "ftp://id.example.edu.cn", "oidc_client_id": "x", "client_secret": "y"},
     "oidc_issuer"),
    ({"protocol": "oidc", "oidc_issuer": "https://id.example.edu.cn", "oidc_client_id": "x"}, "client_secret"),
    ({"protocol": "cas3"}, "cas_server_url"),
    ({"match_by": "email"}, "match_by"),
])
def test_bad_settings_are_refused_naming_the_field_and_nothing_is_written(guilin, host_client, body, field):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    response = admin.patch(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    with in_schema(guilin):
        assert SsoSettings.objects.get().protocol == ""
        assert not AuditRecord.objects.filter(target_type="sso.ssosettings").exists()


def test_the_settings_page(guilin, huzhou):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    page = admin.get("/sso/settings/")
    assert page.status_code == 200 and "http://guilin.localhost/sso/cas/" in page.content.decode()
    refused = admin.post("/sso/settings/", {"protocol": "cas3", "cas_server_url": "", "match_by": "username",
                                            "unknown_identity": "refuse", "button_label": "统一身份认证登录"})
    assert refused.status_code == 200 and "使用 CAS 时须填写 CAS 服务器地址" in refused.content.decode()
    saved = admin.post("/sso/settings/", {"protocol": "cas3", "cas_server_url": "https://cas.example.edu.cn/cas/",
                                          "match_by": "username", "unknown_identity": "refuse",
                                          "button_label": "校园统一认证", "employee_number_attribute": "gh"})
    assert saved.status_code == 302
    assert 'value="https://cas.example.edu.cn/cas/"' in admin.get("/sso/settings/").content.decode()
    assert "校园统一认证" in Client(HTTP_HOST="guilin.localhost").get("/login/").content.decode()
    assert "校园统一认证" not in Client(HTTP_HOST="huzhou.localhost").get("/login/").content.decode()
    assert signed_in(guilin, [Role.MEMBER]).get("/sso/settings/").status_code == 403
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get("/sso/settings/").content.decode().count('value="https://cas.example.edu.cn/cas/"') == 0


def test_sso_does_not_exist_on_the_provincial_host(province):
    assert Client(HTTP_HOST="localhost").get("/sso/").status_code == 404
    assert "统一身份认证" not in Client(HTTP_HOST="localhost").get("/login/").content.decode()


def test_a_school_without_sso_shows_no_button_and_refuses_to_start(guilin, oidc_idp):
    browser = Client(HTTP_HOST="guilin.localhost")
    assert "统一身份认证登录" not in browser.get("/login/").content.decode()
    assert "尚未启用统一身份认证" in browser.get("/sso/").content.decode()
    configure_oidc(guilin, oidc_idp)
    assert "统一身份认证登录" in browser.get("/login/").content.decode()
