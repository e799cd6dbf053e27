"""Tokens belong to one host: the same credentials on two schools give two unrelated tokens."""
import pytest

from tenants.accounts.roles import Role
from tests.conftest import anonymous_client, make_user


def obtain(school, username, password):
    return anonymous_client(school).post("/api/v1/auth/token/", {"username": username, "password": password},
                                         format="json")


def me(school, token):
    client = anonymous_client(school)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


def test_same_username_and_password_on_two_schools_give_two_tokens_each_refused_elsewhere(
        guilin, huzhou, province):
    for school in (guilin, huzhou):
        make_user(school, [Role.MEMBER], username="zhangsan", password="Same-pass-2026")
    guilin_token = obtain(guilin, "zhangsan", "Same-pass-2026").json()["token"]
    huzhou_token = obtain(huzhou, "zhangsan", "Same-pass-2026").json()["token"]

    assert guilin_token != huzhou_token
    assert me(guilin, guilin_token).json()["host"]["slug"] == "guilin"
    assert me(huzhou, huzhou_token).json()["host"]["slug"] == "huzhou"
    for school, foreign in ((huzhou, guilin_token), (guilin, huzhou_token), (province, guilin_token),
                            (province, huzhou_token)):
        refused = me(school, foreign)
        assert refused.status_code == 401
        assert refused.json()["detail"] == "认证令牌无效或已撤销。"


def test_a_provincial_token_is_refused_on_a_school_host(province, guilin):
    make_user(province, [Role.PROVINCE_ADMIN], username="sheng", password="Province-2026")
    token = obtain(province, "sheng", "Province-2026").json()["token"]
    assert me(province, token).json()["host"]["kind"] == "province"
    assert me(guilin, token).status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_answer(guilin):
    make_user(guilin, [Role.MEMBER], username="lisi", password="Right-pass-2026")
    wrong_password = obtain(guilin, "lisi", "nope")
    unknown_user = obtain(guilin, "wangwu", "nope")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert wrong_password.json() == unknown_user.json() == {"detail": "用户名或密码不正确。"}


def test_missing_fields_are_named(guilin):
    response = anonymous_client(guilin).post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["errors"]


def test_repeated_failures_lock_the_username_on_that_host_only(guilin, huzhou, settings):
    for school in (guilin, huzhou):
        make_user(school, [Role.MEMBER], username="zhaoliu", password="Right-pass-2026")
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USERNAME):
        assert obtain(guilin, "zhaoliu", "wrong").status_code == 400

    locked = obtain(guilin, "zhaoliu", "Right-pass-2026")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.json()["detail"]
    assert obtain(huzhou, "zhaoliu", "Right-pass-2026").status_code == 200


def test_failures_from_one_address_lock_that_address(guilin, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    make_user(guilin, [Role.MEMBER], username="qianqi", password="Right-pass-2026")
    for name in ("a1", "a2", "a3"):
        obtain(guilin, name, "wrong")
    assert obtain(guilin, "qianqi", "Right-pass-2026").status_code == 429


def test_a_revoked_token_stops_working(guilin, host_client):
    client = host_client(guilin, [Role.MEMBER])
    assert client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_me_lists_roles_in_chinese(guilin, host_client):
    body = host_client(guilin, [Role.BRANCH_CHAIR, Role.MEMBER], full_name="张三").get("/api/v1/me/").json()
    assert body["full_name"] == "张三"
    assert {r["label"] for r in body["roles"]} == {"分工会主席", "会员"}


def test_anonymous_me_is_401(guilin):
    assert anonymous_client(guilin).get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("roles", [["province_admin"], ["judge"]])
def test_school_hosts_cannot_grant_province_roles(guilin, roles):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        make_user(guilin, roles)
    assert "roles" in info.value.message_dict


def test_password_validators_apply(guilin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        make_user(guilin, [Role.MEMBER], password="12345678")
    assert "password" in info.value.message_dict
