"""评先评优 in the browser: the office starts a campaign (a 公示 shorter than the rule refused first), a
branch chair nominates a member of their branch, the office passes it and starts the 公示, whose end
date is China's working-day count; on a phone the office reads the demo's campaign in 公示. Demo data
is shared: this journey creates its own campaign, and the API is the oracle."""
import datetime
import time

from playwright.sync_api import expect

from tenants.workdays import add_working_days
from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def test_a_campaign_from_nomination_to_publicity(desktop, stack):
    tag = str(int(time.time() * 1000))[-7:]
    today = datetime.date.today()
    title = f"最美教师评选 {tag}"

    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + "/awards/new/")
    desktop.get_by_label("名称", exact=True).fill(title)
    desktop.get_by_label("类别").select_option("teacher")
    desktop.get_by_label("推荐开始").fill(today.isoformat())
    desktop.get_by_label("推荐截止").fill((today + datetime.timedelta(days=7)).isoformat())
    desktop.get_by_label("公示工作日数（不少于 5 个工作日）").fill("3")
    desktop.get_by_role("button", name="发起评选").click()
    expect(desktop.get_by_text("按规定公示期不少于 5 个工作日，不能设为 3 个工作日。")).to_be_visible()
    assert title not in [c["title"] for c in api(stack, "guilin", "/api/v1/awards/campaigns/?page_size=100")["results"]]
    desktop.get_by_label("公示工作日数（不少于 5 个工作日）").fill("5")
    desktop.get_by_role("button", name="发起评选").click()
    expect(desktop.get_by_text("评选已发起，已通知各分工会主席。")).to_be_visible()
    campaign_url = desktop.url

    members = api(stack, "guilin", "/api/v1/members/?page_size=100", username="chair1")["results"]
    member = [m for m in members if m["status"] == "active"][-1]
    desktop.context.clear_cookies()
    login(desktop, stack, "guilin", "chair1")
    expect(desktop.get_by_text("待推荐的评先评优").first).to_be_visible()
    desktop.goto(campaign_url)
    desktop.get_by_label("推荐会员").select_option(str(member["id"]))
    desktop.get_by_label("推荐理由（主要事迹）").fill(f"教书育人，深受学生爱戴 {tag}")
    desktop.get_by_role("button", name="推荐", exact=True).click()
    expect(desktop.get_by_text("已推荐，等待校工会审核。")).to_be_visible()

    desktop.context.clear_cookies()
    login(desktop, stack, "guilin", "admin")
    desktop.goto(campaign_url)
    desktop.get_by_role("link", name=member["name"]).click()
    desktop.get_by_role("button", name="审核通过").click()
    expect(desktop.get_by_text("审核通过。").first).to_be_visible()
    desktop.goto(campaign_url)
    desktop.get_by_label("公示开始日期").fill(today.isoformat())
    desktop.get_by_role("button", name="开始公示").click()
    expect(desktop.get_by_text("公示已开始。")).to_be_visible()
    pk = campaign_url.rstrip("/").rsplit("/", 1)[-1]
    campaign = api(stack, "guilin", f"/api/v1/awards/campaigns/{pk}/")
    assert campaign["status"] == "publicizing"
    assert campaign["publicity_ends_on"] == add_working_days(today, 5).isoformat()
    expect(desktop.get_by_test_id("publicity")).to_contain_text("5 个工作日")


def test_the_office_reads_the_campaign_in_publicity_on_a_phone(phone, stack):
    running = api(stack, "guilin", "/api/v1/awards/campaigns/?status=publicizing")["results"]
    demo = [c for c in running if "工会积极分子" in c["title"]][0]
    login(phone, stack, "guilin", "admin")
    phone.goto(stack.site("guilin") + f"/awards/{demo['id']}/")
    expect(phone.get_by_text("公示中").first).to_be_visible()
    expect(phone.get_by_test_id("nominations")).to_be_visible()
    assert no_horizontal_scroll(phone)
