"""The review findings on 统一身份认证: who a campus identity may enter (exact username, never an
admin account, bound to its subject), which addresses the platform fetches (no SSRF, no redirects),
and a client secret no configured key opens (a field error, an audited refusal — never a 500)."""
import pytest
import requests
from django.test import override_settings

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.sso import protocols
from tenants.sso.models import SsoLink, SsoSettings
from tests.conftest import in_schema, make_user
from tests.sso.conftest import school_browser, signed_in_user_id, start, through_idp
from tests.sso.helpers import (
    add_member,
    configure_cas,
    configure_oidc,
    counts,
    refusals,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/sso/settings/"


@pytest.fixture
def honest(oidc_idp):
    oidc_idp.set_mode("")
    yield oidc_idp
    oidc_idp.set_mode("")


# --- 1. account takeover through preferred_username -------------------------------------------------

def test_an_idp_user_called_admin_cannot_enter_the_admin_account(guilin, honest):
    configure_oidc(guilin, honest, match_by="username")
    with in_schema(guilin):  # every school has its union office's "admin"
        assert User.objects.get(username="admin").is_host_admin
    before = counts(guilin)
    browser = school_browser("guilin")
    response = browser.get(through_idp(start(browser), "admin"))
    assert response.status_code == 403 and "管理员账号请使用密码登录" in response.content.decode()
    assert signed_in_user_id(browser) is None and counts(guilin) == before
    assert any("[admin_account]" in reason for reason in refusals(guilin))
    with in_schema(guilin):
        assert not SsoLink.objects.exists()


def test_a_staff_account_is_never_entered_either(guilin, honest):
    configure_oidc(guilin, honest, match_by="username")
    user = make_user(guilin, [Role.MEMBER], username="lisi")
    with in_schema(guilin):
        User.objects.filter(pk=user.pk).update(is_staff=True)
    browser = school_browser("guilin")
    assert browser.get(through_idp(start(browser), "lisi")).status_code == 403
    assert signed_in_user_id(browser) is None
    assert any("[admin_account]" in reason for reason in refusals(guilin))


def test_the_username_must_match_exactly(guilin, honest):
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="LiSi")
    browser = school_browser("guilin")
    assert browser.get(through_idp(start(browser), "lisi")).status_code == 403
    assert signed_in_user_id(browser) is None
    assert any("[unknown_identity]" in reason for reason in refusals(guilin))


def test_a_linked_account_is_refused_to_another_idp_user_claiming_its_username(guilin, honest):
    # the account is matched by the 姓名 claim: lisi and the impostor both say 李四
    configure_oidc(guilin, honest, match_by="username", username_attribute="name")
    user = make_user(guilin, [Role.MEMBER], username="李四")
    browser = school_browser("guilin")
    assert browser.get(through_idp(start(browser), "lisi")).status_code == 302
    assert signed_in_user_id(browser) == str(user.pk)
    with in_schema(guilin):
        link = SsoLink.objects.get(user=user)
        assert link.kind == "oidc" and link.subject and link.subject != "李四"
    before = counts(guilin)
    other = school_browser("guilin")
    response = other.get(through_idp(start(other), "impostor"))
    assert response.status_code == 403 and "该账号已绑定另一个统一身份认证身份" in response.content.decode()
    assert signed_in_user_id(other) is None and counts(guilin) == before
    assert any("[subject_mismatch]" in reason for reason in refusals(guilin))
    again = school_browser("guilin")  # the bound person still signs in
    assert again.get(through_idp(start(again), "lisi")).status_code == 302
    assert signed_in_user_id(again) == str(user.pk)


def test_a_member_account_made_at_first_sign_in_is_bound_to_its_subject(guilin, honest):
    configure_oidc(guilin, honest, match_by="employee_number")
    member = add_member(guilin, "张三", "G1001")
    browser = school_browser("guilin")
    assert browser.get(through_idp(start(browser), "zhangsan")).status_code == 302
    with in_schema(guilin):
        member.refresh_from_db()
        assert SsoLink.objects.get(user=member.user).kind == "oidc"


def test_changing_the_campus_server_unbinds_every_account(guilin, honest, cas_server):
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    browser = school_browser("guilin")
    assert browser.get(through_idp(start(browser), "lisi")).status_code == 302
    configure_cas(guilin, cas_server, match_by="username")
    with in_schema(guilin):
        assert not SsoLink.objects.exists()
    cas = school_browser("guilin")
    assert cas.get(through_idp(start(cas), "lisi")).status_code == 302
    with in_schema(guilin):
        assert SsoLink.objects.get().kind == "cas"


# --- 2. SSRF through the school's IdP addresses -----------------------------------------------------

@override_settings(SSO_ALLOW_PRIVATE_TARGETS=False)
@pytest.mark.parametrize("body, field", [
    ({"protocol": "oidc", "oidc_issuer": "http://127.0.0.1:8080/o", "oidc_client_id": "x", "client_secret": "y"},
     "oidc_issuer"),
    ({"protocol": "oidc", "oidc_issuer": "https://user:pw@id.example.edu.cn/o", "oidc_client_id": "x",
      "client_secret": "y"}, "oidc_issuer"),
    ({"protocol": "cas3", "cas_server_url": "http://10.1.2.3/cas/"}, "cas_server_url"),
    ({"protocol": "cas2", "cas_server_url": "http://169.254.169.254/latest/"}, "cas_server_url"),
])
def test_a_private_idp_address_is_refused_on_save(guilin, host_client, body, field):
    response = host_client(guilin, [Role.UNION_ADMIN]).patch(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"] and "回调地址" not in str(response.json())
    with in_schema(guilin):
        assert SsoSettings.objects.get().protocol == ""


def test_the_oidc_addresses_are_checked_before_every_request(guilin, honest):
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    with override_settings(SSO_ALLOW_PRIVATE_TARGETS=False):  # discovery at sign-in start
        assert "已拒绝访问学校统一身份认证服务器" in school_browser("guilin").get("/sso/").content.decode()
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "lisi")
    with override_settings(SSO_ALLOW_PRIVATE_TARGETS=False):  # the callback's discovery
        response = browser.get(callback)
    assert response.status_code == 403 and signed_in_user_id(browser) is None
    assert any("[oidc_target_refused]" in reason for reason in refusals(guilin))


def test_a_discovery_document_pointing_the_token_and_keys_at_loopback_is_refused(guilin, honest, monkeypatch):
    """The issuer passes (as a public one would); its token_endpoint and jwks_uri, on 127.0.0.1, do not."""
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "lisi")
    checked = []
    real = protocols.target_problem

    def only_discovery_is_public(url, what):
        checked.append(url)
        return None if url.endswith("/.well-known/openid-configuration") else real(url, what)

    monkeypatch.setattr(protocols, "target_problem", only_discovery_is_public)
    with override_settings(SSO_ALLOW_PRIVATE_TARGETS=False):
        response = browser.get(callback)
    assert response.status_code == 403 and "令牌端点" in response.content.decode()
    assert checked[-1].startswith("http://127.0.0.1") and "token" in checked[-1]
    assert signed_in_user_id(browser) is None
    assert any("[oidc_target_refused]" in reason for reason in refusals(guilin))


def test_the_cas_validation_address_is_checked_before_the_request(guilin, cas_server):
    configure_cas(guilin, cas_server, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "lisi")
    with override_settings(SSO_ALLOW_PRIVATE_TARGETS=False):
        response = browser.get(callback)
    assert response.status_code == 403 and signed_in_user_id(browser) is None
    assert any("[cas_target_refused]" in reason for reason in refusals(guilin))


def test_no_redirect_is_followed(settings, monkeypatch):
    sent = {}

    def fake(self, *args, **kwargs):
        sent.update(kwargs)
        raise requests.ConnectionError()

    monkeypatch.setattr(requests.Session, "request", fake)
    with pytest.raises(requests.ConnectionError):
        protocols._TimeoutSession().get("http://cas.example.edu.cn/serviceValidate")
    assert sent["allow_redirects"] is False and sent["timeout"] == settings.SSO_HTTP_TIMEOUT


# --- 3. a client secret no configured key opens -----------------------------------------------------

def test_an_unreadable_secret_is_refused_at_the_callback_and_audited(guilin, honest, settings):
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "lisi")
    settings.PERSONAL_DATA_KEY = "a-key-the-secret-was-not-encrypted-with"
    response = browser.get(callback)
    assert response.status_code == 403
    assert "本校统一身份认证的客户端密钥无法解密，请管理员重新填写。" in response.content.decode()
    assert signed_in_user_id(browser) is None
    assert any("[oidc_secret_unreadable]" in reason for reason in refusals(guilin))


def test_an_unreadable_secret_must_be_entered_again_on_save(guilin, honest, host_client, settings):
    configure_oidc(guilin, honest)
    settings.PERSONAL_DATA_KEY = "a-key-the-secret-was-not-encrypted-with"
    admin = host_client(guilin, [Role.UNION_ADMIN])
    refused = admin.patch(URL, {"button_label": "校园统一认证"}, format="json")
    assert refused.status_code == 400 and "无法解密" in refused.json()["errors"]["client_secret"][0]
    saved = admin.patch(URL, {"button_label": "校园统一认证", "client_secret": "guilin-secret-2026"}, format="json")
    assert saved.status_code == 200, saved.json()
    off = admin.patch(URL, {"protocol": ""}, format="json")  # switching off needs no secret
    assert off.status_code == 200, off.json()
