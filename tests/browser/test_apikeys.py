"""API 密钥 in a real browser against the real gunicorn (make run's 2 workers): the union office
creates a key on the page and copies it from the one page that shows it; a machine client then
calls the API with it — within its scope it is served, beyond its per-minute limit it gets 429
with Retry-After however the requests spread over the workers, and on another school's host the
key is nothing (401)."""
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect

from tests.browser.conftest import login


def call(stack, slug: str, path: str, key: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{path}", headers={
        "Authorization": f"Bearer {key}", "Host": f"{slug}.localhost:{stack.port}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_office_makes_a_key_and_a_client_is_limited_across_the_workers(desktop, stack):
    login(desktop, stack, "guilin", "admin")
    desktop.locator(".topnav").get_by_role("link", name="API 密钥").click()
    desktop.get_by_role("link", name="新建密钥").click()
    desktop.get_by_label("名称（如：人事系统）").fill("浏览器里建的")
    desktop.get_by_label("会员与组织").select_option("read")
    desktop.get_by_label("每分钟请求上限").fill("5")
    desktop.get_by_role("button", name="创建密钥").click()
    key = desktop.get_by_test_id("api-key-plaintext").input_value()
    assert key.startswith("eduk_")

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: call(stack, "guilin", "/api/v1/members/", key), range(8)))
    statuses = sorted(status for status, _, _ in answers)
    # five served, the rest refused — unless the minute turned over between them
    assert statuses.count(200) in (5, 6, 7, 8) and statuses.count(200) + statuses.count(429) == 8
    if 429 in statuses:
        status, headers, body = next(a for a in answers if a[0] == 429)
        assert 1 <= int(headers["Retry-After"]) <= 60 and "每分钟最多 5 次" in body["detail"]
    status, _, body = call(stack, "huzhou", "/api/v1/members/", key)
    assert status == 401 and body["detail"].startswith("API 密钥无效")

    desktop.get_by_role("link", name="我已保存，查看密钥详情").click()
    expect(desktop.get_by_test_id("api-key-facts")).to_contain_text("127.0.0.1")
    assert key not in desktop.content()
