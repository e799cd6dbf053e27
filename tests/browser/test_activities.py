"""活动报名 in the browser: the office creates an activity with one place and opens it; a member on a
phone signs up in two taps and sees their code; a second member is waitlisted and sees their place; a
stale second tab's sign-up is refused in Chinese; the first cancels and the second is promoted; the
organiser checks them in with the typed code (a wrong code refused beside the field) and finally
cancels the activity, so the shared demo is left as it was (no open activity added to anyone's 我的)."""
import datetime
import time
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import login


def _local(dt: datetime.datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def _sign_up(page, label="报名"):
    # tap 1 opened the activity; tap 2 is the button itself, no confirm dialog (cancelling is easy)
    page.get_by_role("button", name=label, exact=True).click()


def test_sign_up_waitlist_promotion_and_check_in(desktop, phone, stack):
    tag = str(int(time.time() * 1000))[-7:]
    title = f"浏览器测试趣味赛{tag}"
    site = stack.site("guilin")
    # the school's time (the form's times are Asia/Shanghai); the activity starts today, so that its
    # organiser may check people in (check-in opens on the activity's first day)
    now = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0, tzinfo=None)
    starts = min(now + datetime.timedelta(hours=2), now.replace(hour=23, minute=59))
    closes = starts - datetime.timedelta(minutes=1)

    # the office creates the activity with one place and opens it
    login(desktop, stack, "guilin", "admin")
    desktop.goto(site + "/activities/new/")
    desktop.get_by_label("活动类型", exact=True).select_option("fun_games")
    desktop.get_by_label("活动名称", exact=True).fill(title)
    desktop.get_by_label("地点", exact=True).fill("东区操场")
    desktop.get_by_label("开始时间", exact=True).fill(_local(starts))
    desktop.get_by_label("结束时间", exact=True).fill(_local(starts))
    desktop.get_by_label("报名开始", exact=True).fill(_local(now - datetime.timedelta(hours=1)))
    desktop.get_by_label("报名截止", exact=True).fill(_local(closes))
    desktop.get_by_label("取消报名截止", exact=True).fill(_local(closes))
    desktop.get_by_label("名额（人）", exact=True).fill("1")
    desktop.get_by_role("button", name="保存草稿").click()
    expect(desktop.get_by_text("活动已保存为草稿")).to_be_visible()
    activity_url = desktop.url
    desktop.get_by_role("button", name="开放报名").click()
    expect(desktop.get_by_text("已开放报名。")).to_be_visible()

    # member1 on a phone: two taps, the code; a second tab of theirs still shows the 报名 button
    login(phone, stack, "guilin", "member1")
    stale = phone.context.new_page()
    stale.goto(activity_url)
    phone.goto(activity_url)
    _sign_up(phone)
    expect(phone.get_by_text("报名成功！请在活动当天出示签到码。")).to_be_visible()
    first_code = phone.get_by_test_id("my-code").inner_text()
    assert len(first_code) == 8
    expect(phone.locator("img.checkin-qr")).to_be_visible()
    _sign_up(stale)
    expect(stale.get_by_test_id("sign-up-refused")).to_contain_text("不能重复报名")

    # member2 (another person): the place is gone, waitlisted first in line
    second = phone.new_page()
    login(second, stack, "guilin", "member2")
    second.goto(activity_url)
    _sign_up(second, "候补报名")
    expect(second.get_by_test_id("waitlist-place")).to_contain_text("候补第 1 位")

    # member1 cancels: member2 moves up at once and sees a code of their own
    phone.get_by_role("button", name="取消报名").click()
    phone.locator("#confirm-dialog-ok").click()
    expect(phone.get_by_text("已取消报名。")).to_be_visible()
    second.reload()
    expect(second.get_by_test_id("my-code")).to_be_visible()
    second_code = second.get_by_test_id("my-code").inner_text()
    assert second_code != first_code

    # the organiser on a phone (390 px): the 报名名单 is cards, the name on one line, the moves in reach
    organiser = phone.new_page()
    login(organiser, stack, "guilin", "admin")
    organiser.goto(activity_url)
    names = organiser.get_by_test_id("registrations").locator("td.primary")
    expect(names).to_have_count(1)
    box = names.first.bounding_box()
    assert box["width"] > 250 and box["height"] < 40, box
    demote = organiser.get_by_test_id("registrations").get_by_role("button", name="转候补")
    expect(demote).to_be_visible()
    button = demote.bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= 390, button
    assert organiser.evaluate("document.documentElement.scrollWidth") <= 390

    # the organiser checks member2 in with the typed code; member1's cancelled code is refused
    desktop.goto(activity_url.rstrip("/") + "/check-in/")
    desktop.get_by_label("签到码").fill(first_code)
    desktop.get_by_role("button", name="签到", exact=True).click()
    expect(desktop.locator(".field", has=desktop.get_by_label("签到码"))).to_contain_text("报名状态为“已取消”")
    desktop.get_by_label("签到码").fill(second_code.lower())
    desktop.get_by_role("button", name="签到", exact=True).click()
    expect(desktop.get_by_text("签到成功")).to_be_visible()
    expect(desktop.get_by_test_id("checked-in")).to_have_text("1")

    # leave the demo as it was: cancel the activity
    desktop.goto(activity_url)
    desktop.locator("#reason-cancel").fill("浏览器测试结束")
    desktop.get_by_role("button", name="取消活动").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text("已取消活动。")).to_be_visible()
