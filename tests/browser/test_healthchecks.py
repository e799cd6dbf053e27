"""体检 and 荣休 in the browser: the office adds a batch to this year's check (refused first for a
bad number of places), moves a person into it with a reason, reads the coverage; the 荣休 list
refuses a removal without a reason; a member reads their own batch on a phone. Demo data is shared:
the journey creates its own batch, and the API is the oracle."""
import datetime
import time

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def test_the_office_adds_a_batch_and_moves_a_person_into_it(desktop, stack):
    tag = str(int(time.time() * 1000))[-6:]
    year = datetime.date.today().year
    check = api(stack, "guilin", f"/api/v1/health-checks/?year={year}")["results"][0]
    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + "/health-checks/")
    desktop.get_by_role("link", name=check["title"]).click()
    expect(desktop.get_by_test_id("batches")).to_be_visible()
    desktop.get_by_role("link", name="新增批次").click()
    desktop.get_by_label("批次名称").fill(f"补检{tag}")
    desktop.get_by_label("体检日期").fill(datetime.date(year, 12, 31).isoformat())
    desktop.get_by_label("地点").fill("校医院")
    desktop.get_by_label("名额").fill("2.5")
    desktop.get_by_role("button", name="保存批次").click()
    expect(desktop.get_by_text("名额应为整数。")).to_be_visible()
    assert not [b for b in api(stack, "guilin", f"/api/v1/health-checks/batches/?health_check={check['id']}")["results"]
                if b["name"] == f"补检{tag}"]
    desktop.get_by_label("名额").fill("3")
    desktop.get_by_role("button", name="保存批次").click()
    expect(desktop.get_by_text("批次已保存。")).to_be_visible()
    expect(desktop.get_by_text(f"补检{tag}")).to_be_visible()

    pending = api(stack, "guilin", f"/api/v1/health-checks/assignments/?health_check={check['id']}"
                                   f"&attendance=pending&page_size=5")["results"]
    person = pending[-1]
    desktop.goto(stack.site("guilin") + f"/health-checks/people/{person['id']}/")
    desktop.get_by_label("调整到").select_option(label=f"补检{tag}（12月31日 校医院，不限）")
    desktop.get_by_label("原因").fill(f"出差 {tag}")
    desktop.get_by_role("button", name="调整", exact=True).click()
    expect(desktop.get_by_text("已调整批次。")).to_be_visible()
    expect(desktop.get_by_test_id("assignment-batch")).to_contain_text(f"补检{tag}")
    moved = api(stack, "guilin", f"/api/v1/health-checks/assignments/{person['id']}/")
    assert moved["batch_detail"]["name"] == f"补检{tag}" and moved["move_reason"] == f"出差 {tag}"

    coverage = api(stack, "guilin", f"/api/v1/health-checks/coverage/?year={year}")
    desktop.goto(stack.site("guilin") + "/health-checks/coverage/")
    expect(desktop.get_by_test_id("coverage-totals")).to_contain_text(f"{coverage['checked']} 人（{coverage['rate']}%）")


def test_a_removal_from_the_retirement_list_needs_a_reason(desktop, stack):
    ceremony = api(stack, "guilin", f"/api/v1/retirement/ceremonies/?year={datetime.date.today().year}")["results"][0]
    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + "/retirement/")
    desktop.get_by_role("link", name=ceremony["title"]).first.click()
    expect(desktop.get_by_test_id("honouree-count")).to_have_text(f"{ceremony['count']} 人")
    desktop.get_by_role("button", name="移出名单").first.click()
    expect(desktop.get_by_text("请填写移出原因。")).to_be_visible()
    assert api(stack, "guilin", f"/api/v1/retirement/ceremonies/{ceremony['id']}/")["count"] == ceremony["count"]


def test_a_member_reads_their_batch_on_a_phone(phone, stack):
    mine = api(stack, "guilin", "/api/v1/health-checks/assignments/", username="member1")["results"]
    login(phone, stack, "guilin", "member1")
    phone.goto(stack.site("guilin") + "/me/")
    section = phone.get_by_test_id("health-check-portal")
    expect(section).to_be_visible()
    expect(section).to_contain_text(mine[0]["batch_detail"]["name"])
    assert no_horizontal_scroll(phone)


def test_the_office_reads_the_check_and_a_roll_call_on_a_phone(phone, stack):
    year = datetime.date.today().year
    check = api(stack, "guilin", f"/api/v1/health-checks/?year={year}")["results"][0]
    batch = api(stack, "guilin", f"/api/v1/health-checks/batches/?health_check={check['id']}")["results"][0]
    login(phone, stack, "guilin", "admin")
    phone.goto(stack.site("guilin") + f"/health-checks/{check['id']}/")
    expect(phone.get_by_test_id("check-counts")).to_contain_text("已安排")
    assert no_horizontal_scroll(phone)
    phone.goto(stack.site("guilin") + f"/health-checks/batches/{batch['id']}/roll-call/")
    expect(phone.get_by_test_id("roll-call")).to_be_visible()
    assert no_horizontal_scroll(phone)
