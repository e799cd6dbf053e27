"""Signing in with OpenID Connect against a real provider (django-oauth-toolkit on a loopback port)."""
import pytest

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.members.models import Member, MembershipApplication
from tests.conftest import in_schema, make_user
from tests.sso.conftest import school_browser, signed_in_user_id, start, through_idp
from tests.sso.helpers import add_member, configure_oidc, counts, refusals

pytestmark = pytest.mark.django_db


@pytest.fixture
def honest(oidc_idp):
    oidc_idp.set_mode("")
    yield oidc_idp
    oidc_idp.set_mode("")


def test_a_known_member_signs_in_the_first_time_and_gets_a_member_account(guilin, honest):
    configure_oidc(guilin, honest, match_by="employee_number")
    member = add_member(guilin, "张三", "G1001")
    browser = school_browser("guilin")
    assert "统一身份认证登录" in browser.get("/login/").content.decode()
    idp_url = start(browser, next_url="/proposals/")
    assert idp_url.startswith(honest.issuer) and "code_challenge_method=S256" in idp_url and "nonce=" in idp_url
    response = browser.get(through_idp(idp_url, "zhangsan"))
    assert response.status_code == 302 and response["Location"] == "/proposals/"
    with in_schema(guilin):
        member.refresh_from_db()
        user = member.user
        assert user.roles == [Role.MEMBER] and user.full_name == "张三" and not user.has_usable_password()
        assert str(user.pk) == signed_in_user_id(browser)
    assert browser.get("/").status_code == 200
    # the second time the same account is used, none is created
    again = school_browser("guilin")
    assert again.get(through_idp(start(again), "zhangsan")).status_code == 302
    with in_schema(guilin):
        assert User.objects.filter(member=member).count() == 1
        assert signed_in_user_id(again) == str(user.pk)


def test_a_replayed_callback_is_refused_and_audited(guilin, honest):
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "lisi")
    assert browser.get(callback).status_code == 302
    browser.logout()
    before = counts(guilin)
    replay = browser.get(callback)
    assert replay.status_code == 403 and "登录请求已失效" in replay.content.decode()
    assert signed_in_user_id(browser) is None
    assert counts(guilin) == before
    assert any("state_mismatch" in reason for reason in refusals(guilin))


def test_an_unknown_identity_is_refused_in_chinese_and_nothing_is_written(guilin, honest):
    configure_oidc(guilin, honest, match_by="employee_number")
    before = counts(guilin)
    browser = school_browser("guilin")
    response = browser.get(through_idp(start(browser), "stranger"))
    assert response.status_code == 403
    assert "未在本校找到与统一身份认证账号“stranger”对应的会员" in response.content.decode()
    assert counts(guilin) == before and signed_in_user_id(browser) is None
    assert any("unknown_identity" in reason for reason in refusals(guilin))


def test_an_unknown_identity_becomes_a_membership_application_when_the_school_chose_that(guilin, honest):
    configure_oidc(guilin, honest, match_by="employee_number", unknown_identity="apply")
    add_member(guilin, "某人", "G0000")  # a branch to choose
    browser = school_browser("guilin")
    response = browser.get(through_idp(start(browser), "stranger"))
    assert response.status_code == 302 and response["Location"] == "/sso/apply/"
    page = browser.get("/sso/apply/").content.decode()
    assert "X9999" in page and "陌生人" in page
    with in_schema(guilin):
        branch = Member.objects.get(employee_number="G0000").branch_id
    refused = browser.post("/sso/apply/", {"gender": "", "branch": branch, "employment_type": "staff"})
    assert refused.status_code == 200 and "性别只能是" in refused.content.decode()
    assert browser.post("/sso/apply/", {"gender": "female", "branch": branch, "employment_type": "staff"}
                        ).status_code == 200
    with in_schema(guilin):
        application = MembershipApplication.objects.get(employee_number="X9999")
        assert application.name == "陌生人" and application.submitted_by.username == "stranger"
        assert application.submitted_by.roles == []


def test_a_flow_of_one_school_never_signs_anyone_into_another(guilin, huzhou, honest):
    configure_oidc(guilin, honest, match_by="employee_number")
    configure_oidc(huzhou, honest, match_by="employee_number")
    add_member(guilin, "张三", "G1001")
    add_member(huzhou, "张三", "G1001")  # the same 工号 exists at huzhou too
    guilin_browser = school_browser("guilin")
    callback = through_idp(start(guilin_browser), "zhangsan")
    huzhou_browser = school_browser("huzhou")
    start(huzhou_browser)  # even with a flow of its own under way at huzhou
    before = counts(huzhou)
    response = huzhou_browser.get(callback)
    assert response.status_code == 403 and signed_in_user_id(huzhou_browser) is None
    assert counts(huzhou) == before
    assert any("state_mismatch" in reason for reason in refusals(huzhou))


@pytest.mark.parametrize("mode, code, words", [
    ("bad_signature", "oidc_bad_signature", "签名无效"),
    ("wrong_issuer", "oidc_wrong_issuer", "签发者不符"),
    ("wrong_audience", "oidc_wrong_audience", "不是签发给本校的"),
])
def test_a_spoiled_id_token_is_refused_nothing_written_and_audited(guilin, honest, mode, code, words):
    configure_oidc(guilin, honest, match_by="employee_number")
    add_member(guilin, "张三", "G1001")
    before = counts(guilin)
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "zhangsan")
    honest.set_mode(mode)
    response = browser.get(callback)
    assert response.status_code == 403 and words in response.content.decode()
    assert counts(guilin) == before and signed_in_user_id(browser) is None
    assert any(f"[{code}]" in reason for reason in refusals(guilin))


def _asked(served: dict, what: str) -> int:
    return sum(n for path, n in served.items() if what in path)


def test_a_second_sign_in_does_not_ask_the_campus_server_again_for_what_it_already_knows(guilin, huzhou, honest):
    """The discovery document and the signing keys are remembered per school (SSO_METADATA_SECONDS):
    one sign-in asks for each once, the next asks only to exchange its code; another school using the
    same provider asks for its own; saving the school's settings forgets them."""
    configure_oidc(guilin, honest, match_by="username")
    configure_oidc(huzhou, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    honest.served(reset=True)
    first = school_browser("guilin")
    assert first.get(through_idp(start(first), "lisi")).status_code == 302
    served = honest.served(reset=True)
    assert (_asked(served, "openid-configuration"), _asked(served, "jwks"), _asked(served, "/o/token")) == (1, 1, 1)
    second = school_browser("guilin")
    assert second.get(through_idp(start(second), "lisi")).status_code == 302
    assert signed_in_user_id(second) == signed_in_user_id(first)
    served = honest.served(reset=True)
    assert (_asked(served, "openid-configuration"), _asked(served, "jwks"), _asked(served, "/o/token")) == (0, 0, 1)
    start(school_browser("huzhou"))
    assert _asked(honest.served(reset=True), "openid-configuration") == 1
    # the school's admin saves the settings (the IdP changed something): the next sign-in asks afresh
    configure_oidc(guilin, honest, match_by="username")
    third = school_browser("guilin")
    assert third.get(through_idp(start(third), "lisi")).status_code == 302
    served = honest.served()
    assert (_asked(served, "openid-configuration"), _asked(served, "jwks")) == (1, 1)


def test_after_the_provider_rotates_its_keys_people_still_sign_in_and_a_forged_token_is_still_refused(guilin,
                                                                                                     honest):
    configure_oidc(guilin, honest, match_by="username")
    make_user(guilin, [Role.MEMBER], username="lisi")
    before = school_browser("guilin")
    assert before.get(through_idp(start(before), "lisi")).status_code == 302  # the old keys are remembered
    honest.set_mode("rotated")
    honest.served(reset=True)
    after = school_browser("guilin")
    response = after.get(through_idp(start(after), "lisi"))
    assert response.status_code == 302 and signed_in_user_id(after) is not None
    assert _asked(honest.served(), "jwks") == 1  # the token's key was not among the remembered: asked again
    honest.set_mode("bad_signature")
    forged = school_browser("guilin")
    response = forged.get(through_idp(start(forged), "lisi"))
    assert response.status_code == 403 and "签名无效" in response.content.decode()
    assert signed_in_user_id(forged) is None
