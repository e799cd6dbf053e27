"""Every error, inside DRF or not, is JSON in Chinese under /api/ and a Chinese page elsewhere."""
import json

import pytest
from django.test import Client

from api.views.auth import Me
from tests.conftest import anonymous_client, host_of, in_schema, make_user
from web.views import LoginView

HOSTS = ["localhost", "guilin.localhost"]


def logged_in_browser(school, **kwargs):
    client = browser(host_of(school), **kwargs)
    user = make_user(school, [])
    with in_schema(school):
        client.force_login(user)
    return client


def browser(host, **kwargs):
    # Django's test client re-raises view exceptions unless told to answer like production does.
    return Client(HTTP_HOST=host, raise_request_exception=False, **kwargs)


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    return body


def assert_chinese_page(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'lang="zh-CN"' in page and 'href="/"' in page and "返回首页" in page
    # The Content-Security-Policy refuses inline script: every script is a file of the site.
    assert all("src=" in tag.split(">")[0] for tag in page.split("<script")[1:])
    assert "Django" not in page and "Traceback" not in page
    return page


@pytest.mark.parametrize("host", HOSTS)
def test_an_unknown_page_is_a_chinese_404_page_with_a_way_home(guilin, host):
    page = assert_chinese_page(browser(host).get("/no/such/page/"), 404)
    assert "不存在" in page


@pytest.mark.parametrize("host", HOSTS)
def test_a_method_a_page_does_not_take_is_a_chinese_405_page(guilin, host):
    response = browser(host).get("/logout/")
    assert_chinese_page(response, 405)
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("host", HOSTS)
def test_too_many_form_fields_are_a_400_page_not_django_english(guilin, host):
    body = "&".join(f"f{i}=x" for i in range(1500))
    page = assert_chinese_page(browser(host).post("/login/", body, content_type="application/x-www-form-urlencoded"),
                               400)
    assert "太多" in page


@pytest.mark.parametrize("host", HOSTS)
def test_too_many_form_fields_to_the_api_are_a_json_400(guilin, host):
    body = "&".join(f"f{i}=x" for i in range(1500))
    response = browser(host).post("/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded")
    assert_json_error(response, 400)


@pytest.mark.parametrize("host", HOSTS)
def test_a_form_over_the_memory_limit_is_a_413_page(guilin, host, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = browser(host).post("/login/", "username=" + "a" * 5000, content_type="application/x-www-form-urlencoded")
    assert "太大" in assert_chinese_page(response, 413)


@pytest.mark.parametrize("host", HOSTS)
def test_the_csrf_refusal_is_chinese(guilin, host):
    page = assert_chinese_page(browser(host, enforce_csrf_checks=True).post("/login/", {"username": "a"}), 403)
    assert "CSRF" in page and "刷新" in page


def test_the_csrf_refusal_of_a_session_api_call_is_chinese_json(guilin):
    client = logged_in_browser(guilin, enforce_csrf_checks=True)
    body = assert_json_error(client.post("/api/v1/auth/token/revoke/"), 403)
    assert "CSRF" in body["detail"] and "Failed" not in body["detail"]


@pytest.mark.parametrize("which", ["province", "guilin"])
def test_an_unexpected_api_failure_is_a_chinese_json_500(request, which, monkeypatch):
    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(Me, "get", broken)
    client = logged_in_browser(request.getfixturevalue(which))
    body = assert_json_error(client.get("/api/v1/me/"), 500)
    assert "boom" not in json.dumps(body) and "服务器" in body["detail"]


def test_an_unexpected_page_failure_is_a_chinese_500_page(guilin, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(LoginView, "get", broken)
    page = assert_chinese_page(browser("localhost").get("/login/"), 500)
    assert "boom" not in page and "服务器" in page


@pytest.mark.parametrize("path,status", [("/api/v1/me/", "json"), ("/login/", "page")])
def test_a_host_outside_allowed_hosts_is_an_unknown_site_in_the_contract(guilin, path, status, settings):
    settings.ALLOWED_HOSTS = ["localhost", ".localhost"]
    response = browser("evil.example").get(path)
    if status == "json":
        assert assert_json_error(response, 404)["detail"] == "未找到该站点。"
    else:
        assert "未找到该站点" in assert_chinese_page(response, 404)


@pytest.mark.parametrize("host", HOSTS)
def test_a_session_cookie_with_a_nul_byte_is_treated_as_no_session(guilin, host):
    client = browser(host)
    client.cookies["sessionid"] = "\x00aaa"
    client.cookies["csrftoken"] = "\x00bbb"
    assert client.get("/login/").status_code == 200
    assert client.get("/").status_code == 302
    assert_json_error(client.get("/api/v1/me/"), 401)
    raw = Client(HTTP_HOST=host, raise_request_exception=False, HTTP_COOKIE='sessionid="\\000aaa"')
    assert raw.get("/login/").status_code == 200 and raw.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_REQUESTED_WITH", "HTTP_ACCEPT_LANGUAGE"])
def test_control_characters_in_a_header_are_a_400_never_a_500(guilin, header):
    response = browser("guilin.localhost").get("/api/v1/me/", **{header: "Token a\x00b\x08"})
    body = assert_json_error(response, 400)
    assert "非法字符" in body["detail"]


@pytest.mark.parametrize("host", HOSTS)
def test_deeply_nested_json_is_a_400_before_login(guilin, host):
    body = "[" * 1000 + "]" * 1000
    response = browser(host).post("/api/v1/auth/token/", body, content_type="application/json")
    assert "嵌套" in assert_json_error(response, 400)["detail"]
    response = browser(host).post("/api/v1/auth/token/", '{"username": ' + "[" * 40 + "]" * 40 + "}",
                                  content_type="application/json")
    assert "嵌套" in assert_json_error(response, 400)["detail"]


@pytest.mark.parametrize("body", ['{"username": "a\\u0000", "password": "b"}',
                                  '{"username": "\\ud800", "password": "b"}',
                                  '{"username": "a", "password": NaN}'])
def test_json_strings_the_database_cannot_store_are_a_400(guilin, body):
    response = anonymous_client(guilin).post("/api/v1/auth/token/", body, content_type="application/json")
    assert_json_error(response, 400)


def test_the_api_answers_json_even_to_a_browser_asking_for_html(guilin):
    response = browser("guilin.localhost").get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert_json_error(response, 401)
