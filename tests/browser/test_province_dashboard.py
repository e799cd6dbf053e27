"""The provincial dashboard in a real browser, on the stack as `seed_demo` left it — nobody asked
for a refresh: the charts show the demo region's figures with the time they were rolled up, each
chart reads as a table and downloads as .xlsx; on a phone the charts fit and the tables open."""
import io
import json
import urllib.request

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, login


def province_api(stack, path):
    def call(url, data=None, token=None):
        headers = {"Content-Type": "application/json", "Host": f"localhost:{stack.port}"}
        if token:
            headers["Authorization"] = f"Token {token}"
        request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{url}", data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    token = call("/api/v1/auth/token/", json.dumps({"username": "admin", "password": DEMO_PASSWORD}).encode())["token"]
    return call(path, token=token)


def test_the_dashboard_shows_the_demo_figures_without_a_refresh(desktop, stack):
    board = province_api(stack, "/api/v1/stats/")  # what the roll-up at the end of seeding wrote
    assert board["totals"]["schools"] >= 4 and board["totals"]["members_total"] > 0
    active = sum(board["totals"]["members_by_employment"].values())

    login(desktop, stack, "", "admin")
    desktop.locator(".topnav").get_by_role("link", name="数据看板").click()
    expect(desktop.locator("h1")).to_have_text("数据看板")
    expect(desktop.get_by_test_id("last-rollup")).to_contain_text("统计于")
    assert desktop.locator('[data-figure="members"] .number').inner_text() == str(active)
    for key in ("members", "new-members", "congress", "subsidies", "honours"):
        expect(desktop.locator(f"#chart-{key} svg")).to_be_visible()  # drawn by ECharts from the page's JSON
    guilin = next(row for row in board["rows"] if row["school_slug"] == "guilin")

    members = desktop.locator("#section-members")
    members.get_by_text("以表格查看").click()
    row = members.locator("tbody tr", has_text="桂林学院")
    expect(row.locator('td[data-label="在编"]')).to_have_text(str(guilin["members_by_employment"].get("staff", 0)))
    congress = desktop.locator("#section-congress")
    congress.get_by_text("以表格查看").click()
    expect(congress.locator("tbody tr", has_text="桂林学院").locator('td[data-label="满意率"]')).to_have_text(
        f"{guilin['satisfaction_rate']}%")

    with desktop.expect_download() as download:
        congress.get_by_role("link", name="下载本图数据（.xlsx）").click()
    assert download.value.suggested_filename.endswith("教代会提案：立案率、办结率、满意率.xlsx")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    lines = list(sheet.iter_rows(values_only=True))
    header = lines[2]
    line = next(line for line in lines if line[0] == "桂林学院")
    assert line[header.index("收到提案")] == guilin["proposals_received"] and lines[-1][0] == "全区合计"


def test_on_a_phone_the_charts_fit_and_read_as_tables(phone, stack):
    login(phone, stack, "", "admin")
    phone.locator(".bottomnav").get_by_role("link", name="数据看板").click()
    expect(phone.locator("#chart-subsidies svg")).to_be_visible()
    subsidies = phone.locator("#section-subsidies")
    subsidies.get_by_text("以表格查看").click()
    card = subsidies.locator("tbody tr", has_text="桂林学院")
    expect(card.locator('td[data-label="已核定"]')).to_contain_text("¥")
    assert card.evaluate("row => getComputedStyle(row).display") == "block"  # a card, not a wide row
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    box = phone.locator("#chart-members").bounding_box()
    assert box["width"] <= 390
