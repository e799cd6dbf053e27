"""行事历 and 十件实事 in the browser. On a desktop the office reads the year's calendar (the API is the
oracle for how many entries each month shows), filters it to the province's points and to overdue tasks
and opens the year-end report; a plain member is refused the report; on a phone a member reads the
十件实事 one under the other with their progress bars, and the calendar one month after the other.
Read-only: the demo's plans are shared by every browser file."""
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def test_the_office_reads_and_filters_the_calendar_on_a_desktop(desktop, stack):
    everything = api(stack, "guilin", "/api/v1/calendar/?page_size=500")
    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + "/calendar/")
    expect(desktop.locator("h1")).to_have_text("行事历")
    expect(desktop.get_by_test_id("calendar-count")).to_contain_text(f"共 {everything['count']} 项")
    assert desktop.get_by_test_id("calendar-month").count() >= 12
    # the 12 months side by side on a desktop
    boxes = [desktop.locator("#month-1").bounding_box(), desktop.locator("#month-2").bounding_box()]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"]

    desktop.get_by_label("来源").select_option("province")
    desktop.get_by_role("button", name="筛选").click()
    province = api(stack, "guilin", "/api/v1/calendar/?source=province&page_size=500")
    expect(desktop.get_by_test_id("calendar-count")).to_contain_text(f"共 {province['count']} 项")
    assert "source=province" in desktop.url

    desktop.get_by_label("来源").select_option("")
    desktop.get_by_label("状态").select_option("overdue")
    desktop.get_by_role("button", name="筛选").click()
    overdue = api(stack, "guilin", "/api/v1/calendar/?status=overdue&page_size=500")
    # the demo leaves a point of this year's plan behind its due date (on 1 January no date has passed yet)
    today = timezone.localdate()
    new_year = (today.month, today.day) == (1, 1)
    assert overdue["count"] > 0 or new_year, overdue
    expect(desktop.get_by_test_id("calendar-count")).to_contain_text(f"共 {overdue['count']} 项")
    expect(desktop.locator(".calendar-entry.is-overdue")).to_have_count(overdue["count"])
    expect(desktop.locator(".calendar-entry.is-overdue .tag.overdue")).to_have_text(["已逾期"] * overdue["count"])

    desktop.get_by_role("link", name="年终完成情况").click()
    expect(desktop.locator("h1")).to_have_text("年度工作计划完成情况")

    desktop.context.clear_cookies()
    login(desktop, stack, "guilin", "member1")
    desktop.goto(stack.site("guilin") + "/calendar/report/")
    expect(desktop.get_by_role("heading", name="没有权限")).to_be_visible()
    expect(desktop.get_by_text("年终报告只有校工会、分工会主席和承办部门经办人可以查看。")).to_be_visible()


def test_a_member_follows_the_pledges_on_a_phone(phone, stack):
    pledges = api(stack, "hnit", "/api/v1/pledges/?page_size=100", username="member1")["results"]
    login(phone, stack, "hnit", "member1")
    phone.goto(stack.site("hnit") + "/pledges/")
    expect(phone.locator("h1")).to_have_text("十件实事")
    # the demo gives 湖南信息学院 this year's plan with its 十件实事
    assert pledges, "the demo seeds hnit's 十件实事"
    shown = [p for p in pledges if p["year"] == max(p["year"] for p in pledges)]
    assert len(shown) == 10
    expect(phone.get_by_test_id("pledge")).to_have_count(len(shown))
    first = phone.get_by_test_id("pledge").first
    expect(first).to_contain_text(shown[0]["title"][:10])
    expect(first.locator("progress")).to_have_count(1)
    assert no_horizontal_scroll(phone)
    phone.goto(stack.site("hnit") + "/calendar/")
    assert no_horizontal_scroll(phone)
    boxes = [phone.locator("#month-1").bounding_box(), phone.locator("#month-2").bounding_box()]
    assert boxes[1]["y"] > boxes[0]["y"]        # one month after the other
