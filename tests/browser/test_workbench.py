"""First journeys: signing in lands each person on a workbench of what waits for them, on a
desktop and on a phone; mistakes and strangers get Chinese answers."""
import json
import os
import urllib.request
from pathlib import Path

from tests.browser.conftest import DEMO_PASSWORD, login


def api(stack, slug, path, username="admin"):
    """What the API says, as the oracle for what the page must show (same selectors behind both)."""
    def call(url, data=None, token=None):
        # Python's resolver does not know *.localhost as Chromium does: the host goes in the header.
        headers = {"Content-Type": "application/json", "Host": f"{slug}.localhost:{stack.port}"}
        if token:
            headers["Authorization"] = f"Token {token}"
        request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{url}", data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    token = call("/api/v1/auth/token/", json.dumps({"username": username, "password": DEMO_PASSWORD}).encode())["token"]
    return call(path, token=token)


def counter(page, key) -> int:
    return int(page.locator(f'[data-todo="{key}"] .number').inner_text())


def docs_screenshot(page, name):
    """`DOCS_SCREENSHOTS=1 pytest tests/browser` refreshes the README's pictures."""
    if os.environ.get("DOCS_SCREENSHOTS"):
        page.screenshot(path=str(Path(__file__).resolve().parents[2] / "docs" / name), full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_the_union_office_sees_what_waits_for_it_on_a_desktop(desktop, stack):
    login(desktop, stack, "guilin", "admin")
    assert desktop.locator("h1").inner_text() == "工作台"
    seconded = api(stack, "guilin", "/api/v1/proposals/?status=seconded")["count"]
    in_review = api(stack, "guilin", "/api/v1/proposals/?status=under_review")["count"]
    accepted = api(stack, "guilin", "/api/v1/proposals/?status=accepted")["count"]
    overdue = api(stack, "guilin", "/api/v1/proposals/?overdue=true&status=assigned")["count"]
    new_suggestions = api(stack, "guilin", "/api/v1/suggestions/?status=submitted")["count"]
    assert counter(desktop, "to_review") == seconded + in_review > 0
    assert counter(desktop, "to_assign") == accepted
    assert counter(desktop, "overdue") == overdue
    assert counter(desktop, "suggestions_to_acknowledge") == new_suggestions
    assert counter(desktop, "circulars") == 1  # the province's 2026 工作要点, not yet signed for
    docs_screenshot(desktop, "workbench-desktop.png")

    # The overdue proposal is one click away, on the page where it is handled.
    desktop.get_by_role("region", name="逾期督办").get_by_role("link").first.click()
    assert "/proposals/" in desktop.url and desktop.get_by_text("督办", exact=True).first.is_visible()

    assert desktop.locator(".topnav").is_visible() and not desktop.locator(".bottomnav").is_visible()
    unread = api(stack, "guilin", "/api/v1/notifications/?unread=true")["count"]
    assert desktop.get_by_test_id("unread-badge").inner_text() == str(unread)


def test_a_member_sees_their_own_to_dos_on_a_phone(phone, stack):
    login(phone, stack, "guilin", "member1")
    assert phone.locator("h1").inner_text() == "工作台"
    counters = phone.locator("[data-todo]")
    keys = {counters.nth(i).get_attribute("data-todo") for i in range(counters.count())}
    # A member's workbench: nothing of the union office's, and what they can do as a delegate.
    assert "to_review" not in keys and "suggestions_to_acknowledge" not in keys and "circulars" not in keys
    assert {"to_rate", "to_second", "drafts"} <= keys
    visible = api(stack, "guilin", "/api/v1/proposals/?status=submitted", username="member1")["results"]
    assert counter(phone, "to_second") <= len(visible)
    docs_screenshot(phone, "workbench-phone.png")

    assert phone.locator(".bottomnav").is_visible() and not phone.locator(".topnav").is_visible()
    assert phone.locator(".bottomnav a").first.bounding_box()["height"] >= 44
    assert no_horizontal_scroll(phone)
    phone.locator(".bottomnav").get_by_role("link", name="提案").click()
    assert phone.locator("h1").inner_text() == "提案" and no_horizontal_scroll(phone)
    # Below 640 px the list is cards: the header row is hidden, each row shows its labels.
    first_row = phone.locator("table.responsive tbody tr").first
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"


def test_a_wrong_password_is_explained_beside_the_form(desktop, stack):
    login(desktop, stack, "guilin", "admin", password="not-the-password")
    assert "/login/" in desktop.url
    assert desktop.locator(".form-errors").inner_text() == "用户名或密码不正确。"
    assert desktop.get_by_label("用户名").input_value() == "admin"  # what was typed stays


def test_a_session_belongs_to_its_host_and_strangers_get_a_chinese_404(desktop, stack):
    login(desktop, stack, "huzhou", "admin")
    assert desktop.locator("h1").inner_text() == "工作台"
    desktop.goto(stack.site("guilin") + "/proposals/")
    assert "guilin.localhost" in desktop.url and "/login/" in desktop.url  # huzhou's session means nothing here

    member = login(desktop.new_page(), stack, "guilin", "member1")
    answer = member.goto(stack.site("guilin") + "/proposals/99999/")
    assert answer.status == 404
    assert member.locator("h1").inner_text() == "页面不存在" and member.get_by_text("返回首页").is_visible()
    assert member.locator(".bottomnav").count() == 1  # still inside the site, with its navigation
