"""疗休养 in the browser: the office opens a batch (refused first for a cost with three decimals), a
member applies on their phone from 我的 in two taps, someone who went last year is told the rotation
rule, the office closes applications and fills the places by the ranking, the member confirms.

The batch has a unique name; the demo's own batches stay as they are. The API is the oracle."""
import datetime
import time

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def confirm(page, label):
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=label).click()


def test_a_batch_from_application_to_confirmation(desktop, phone, stack):
    tag = str(int(time.time() * 1000))[-7:]
    title = f"疗休养{tag}"
    today = datetime.date.today()
    start = today + datetime.timedelta(days=40)

    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + "/trips/")
    desktop.get_by_role("link", name="新建批次").click()
    desktop.get_by_label("批次名称").fill(title)
    desktop.get_by_label("目的地").fill("广西巴马")
    desktop.get_by_label("出发日期").fill(f"{start:%Y-%m-%d}")
    desktop.get_by_label("返回日期").fill(f"{start + datetime.timedelta(days=3):%Y-%m-%d}")
    desktop.get_by_label("名额", exact=True).fill("1")
    desktop.get_by_label("人均费用（元，工会承担）").fill("2600.123")
    desktop.get_by_label("报名开始").fill(f"{today:%Y-%m-%d}")
    desktop.get_by_label("报名截止").fill(f"{today + datetime.timedelta(days=10):%Y-%m-%d}")
    desktop.get_by_role("button", name="创建批次").click()
    expect(desktop.get_by_text("人均费用最多保留 2 位小数。")).to_be_visible()
    assert not [b for b in api(stack, "guilin", "/api/v1/trips/batches/?page_size=100")["results"]
                if b["title"] == title]
    desktop.get_by_label("人均费用（元，工会承担）").fill("2600")
    desktop.get_by_role("button", name="创建批次").click()
    expect(desktop.get_by_text("批次已创建")).to_be_visible()
    batch_url = desktop.url
    batch = [b for b in api(stack, "guilin", "/api/v1/trips/batches/?page_size=100")["results"]
             if b["title"] == title][0]

    # the member applies on the phone, from 我的
    login(phone, stack, "guilin", "member3")
    phone.goto(stack.site("guilin") + "/me/")
    entry = phone.get_by_test_id("trips-portal").locator("li", has_text=title)
    entry.get_by_role("button", name="我要申请").click()
    confirm(phone, "申请")
    expect(phone.get_by_test_id("my-trip").filter(has_text=title)).to_contain_text("已申请")
    assert no_horizontal_scroll(phone)
    mine = api(stack, "guilin", f"/api/v1/trips/applications/?batch={batch['id']}", username="member3")
    assert mine["count"] == 1 and mine["results"][0]["status"] == "applied"

    # someone who went last summer is told the rotation rule, and cannot apply
    desktop.context.clear_cookies()
    login(desktop, stack, "guilin", "member11")
    desktop.goto(batch_url)
    expect(desktop.get_by_test_id("self-apply")).to_contain_text("轮换年限 3 年")
    expect(desktop.get_by_role("button", name="我要申请")).to_have_count(0)

    # the office closes applications and fills the place by the ranking
    desktop.context.clear_cookies()
    login(desktop, stack, "guilin", "admin")
    desktop.goto(batch_url)
    desktop.get_by_role("button", name="截止报名，开始遴选").click()
    confirm(desktop, "截止报名，开始遴选")
    expect(desktop.get_by_text("已截止报名")).to_be_visible()
    desktop.get_by_role("button", name="按规则填满空余名额").click()
    confirm(desktop, "按规则填满空余名额")
    expect(desktop.get_by_test_id("rank-row").first).to_contain_text("已入选（待确认）")
    expect(desktop.get_by_test_id("rank-row").first).to_contain_text("从未参加疗休养")

    # the member confirms on the phone
    phone.goto(stack.site("guilin") + "/me/")
    phone.get_by_test_id("my-trip").filter(has_text=title).get_by_role("button", name="确认参加").click()
    expect(phone.get_by_test_id("my-trip").filter(has_text=title)).to_contain_text("已确认参加")
    mine = api(stack, "guilin", f"/api/v1/trips/applications/?batch={batch['id']}", username="member3")
    assert mine["results"][0]["status"] == "confirmed"
    phone.goto(batch_url)
    expect(phone.get_by_test_id("my-application")).to_contain_text("已确认参加")
    assert no_horizontal_scroll(phone)
