"""帮扶慰问 in the browser: a branch chair reports a life event, the office sees it on its workbench and
records the visit within the standard (refused first for a typing error); the 帮扶专干 reads the
list on a phone. Demo data is shared: this journey creates its own event and visit, and the API is
the oracle."""
import datetime
import time

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def test_a_chair_reports_and_the_office_visits_within_the_standard(desktop, stack):
    tag = str(int(time.time() * 1000))[-7:]
    members = api(stack, "guilin", "/api/v1/members/?page_size=100", username="chair1")["results"]
    member = [m for m in members if m["status"] == "active"][-1]
    today = datetime.date.today().isoformat()

    login(desktop, stack, "guilin", "chair1")
    desktop.goto(stack.site("guilin") + "/care/events/new/")
    desktop.get_by_label("会员").select_option(str(member["id"]))
    desktop.get_by_label("事项").select_option("hospital")
    desktop.get_by_label("发生日期").fill(today)
    desktop.get_by_label("情况说明").fill(f"住院治疗 {tag}")
    desktop.get_by_role("button", name="报告").click()
    expect(desktop.get_by_text("已报告，校工会将安排慰问。")).to_be_visible()
    event_url = desktop.url

    desktop.context.clear_cookies()
    login(desktop, stack, "guilin", "admin")
    expect(desktop.get_by_text("待慰问事项").first).to_be_visible()
    desktop.goto(stack.site("guilin") + "/care/events/?status=reported")
    expect(desktop.get_by_role("link", name=member["name"]).first).to_be_visible()
    desktop.goto(event_url)
    desktop.get_by_role("link", name="登记慰问").click()
    expect(desktop.get_by_text("现行慰问标准")).to_be_visible()
    desktop.get_by_label("金额（元）").fill("12.345")
    desktop.get_by_label("慰问人").fill(f"校工会 {tag}")
    desktop.get_by_role("button", name="登记慰问").click()
    expect(desktop.get_by_text("金额最多保留 2 位小数。")).to_be_visible()
    assert api(stack, "guilin", f"/api/v1/care/visits/?member={member['id']}&kind=hospital")["results"] == [] or \
        all(v["visitors"] != f"校工会 {tag}" for v in
            api(stack, "guilin", f"/api/v1/care/visits/?member={member['id']}")["results"])

    desktop.get_by_label("金额（元）").fill("500")
    desktop.get_by_role("button", name="登记慰问").click()
    expect(desktop.get_by_text("慰问已登记，支出已记入账目（待审批）。")).to_be_visible()
    visits = api(stack, "guilin", f"/api/v1/care/visits/?member={member['id']}")["results"]
    mine = [v for v in visits if v["visitors"] == f"校工会 {tag}"]
    assert len(mine) == 1 and mine[0]["status"] == "recorded" and mine[0]["ledger_entry"]
    event = api(stack, "guilin", f"/api/v1/care/life-events/{mine[0]['life_event']}/")
    assert event["status"] == "visited"


def test_the_care_officer_reads_the_visits_on_a_phone(phone, stack):
    login(phone, stack, "guilin", "bangfu")
    phone.goto(stack.site("guilin") + "/care/?status=pending")
    expect(phone.get_by_role("link", name="登记慰问")).to_be_visible()
    expect(phone.get_by_text("¥8,000.00").first).to_be_visible()  # the demo's visit above the standard
    assert no_horizontal_scroll(phone)
