"""The union office of 桂林学院 does its provincial work from its own site: it nominates for the
province's campaign (a mistake is explained beside the field first), sees its quota go down, and
signs a circular and reports on one of its points — the report on a phone."""
import datetime
import json
import time
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, login
from tests.browser.test_workbench import api


def province_call(stack, path, payload, token=None):
    headers = {"Content-Type": "application/json", "Host": f"localhost:{stack.port}"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{path}", data=json.dumps(payload).encode(),
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def a_circular_for_guilin(stack, title):
    """The province sends guilin a circular of its own for this journey (the demo's one is left
    unsigned for the workbench's journey)."""
    token = province_call(stack, "/api/v1/auth/token/", {"username": "admin", "password": DEMO_PASSWORD})["token"]
    circular = province_call(stack, "/api/v1/circulars/", {"title": title, "items": [
        {"title": "开展师德师风主题教育", "section": "一"}, {"title": "办好教职工运动会", "section": "二"}]}, token)
    province_call(stack, f"/api/v1/circulars/{circular['id']}/publish/", {"schools": ["guilin"]}, token)
    return circular["id"]


def quota_left(page, campaign_id) -> int:
    return int(page.locator(f'tr[data-campaign="{campaign_id}"] .quota-left').inner_text())


def test_the_office_nominates_within_its_quota_and_reports_on_a_circular(desktop, phone, stack):
    suffix = str(int(time.time() * 1000))[-6:]
    campaign = next(c for c in api(stack, "guilin", "/api/v1/honours/campaigns/")["results"] if c["status"] == "open")
    circular_title = f"关于做好工会重点工作的通知（{suffix}）"
    circular_id = a_circular_for_guilin(stack, circular_title)

    login(desktop, stack, "guilin", "admin")
    desktop.get_by_role("link", name="省级事项").first.click()
    desktop.get_by_role("link", name="荣誉推荐").first.click()
    before = quota_left(desktop, campaign["id"])
    assert before == campaign["my_quota"] - campaign["my_used"] > 0

    desktop.locator(f'tr[data-campaign="{campaign["id"]}"]').get_by_role("link", name="推荐人选").click()
    name = f"黄老师{suffix}"
    desktop.get_by_label("姓名").fill(name)
    desktop.get_by_label("性别").select_option("女")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    desktop.get_by_label("出生日期").fill(tomorrow.isoformat())
    desktop.get_by_label("职称").fill("副教授")
    desktop.get_by_label("事迹材料").fill("深耕课堂十五年，获自治区教学成果奖。")
    desktop.get_by_role("button", name="提交推荐").click()
    expect(desktop.locator("#id_birth_date_error")).to_have_text("出生日期不能晚于今天。")
    assert desktop.get_by_label("姓名").input_value() == name
    assert desktop.get_by_label("事迹材料").input_value() == "深耕课堂十五年，获自治区教学成果奖。"

    desktop.get_by_label("出生日期").fill("1982-03-08")
    desktop.get_by_role("button", name="提交推荐").click()
    expect(desktop.get_by_role("heading", name=name)).to_be_visible()
    expect(desktop.get_by_text("已推荐", exact=True).first).to_be_visible()
    desktop.get_by_role("link", name="← 返回荣誉推荐").click()
    assert quota_left(desktop, campaign["id"]) == before - 1
    expect(desktop.get_by_role("link", name=name)).to_be_visible()

    # Withdrawn before the deadline, the place goes back to the school.
    desktop.get_by_role("link", name=name).click()
    desktop.get_by_role("button", name="撤回推荐").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text("推荐已撤回，名额已退回。")).to_be_visible()
    desktop.get_by_role("link", name="← 返回荣誉推荐").click()
    assert quota_left(desktop, campaign["id"]) == before

    # The circular waits on the workbench; signing it is one click from there.
    desktop.goto(stack.site("guilin") + "/")
    desktop.locator('[data-todo="circulars"]').click()
    desktop.get_by_role("link", name=circular_title).click()
    desktop.get_by_role("button", name="签收").click()
    expect(desktop.get_by_text("已签收").first).to_be_visible()

    login(phone, stack, "guilin", "admin")
    phone.goto(stack.site("guilin") + f"/provincial/circulars/{circular_id}/")
    point = phone.locator(".circular-item").first
    point.get_by_label("进展").select_option("已完成")
    point.get_by_role("button", name="保存落实情况").click()
    point = phone.locator(".circular-item").first
    expect(point.locator(".field-error")).to_have_text("已完成的要点请填写落实情况。")
    point.get_by_label("落实情况").fill("已在各分工会开展专题学习 12 场。")
    point.get_by_role("button", name="保存落实情况").click()
    expect(phone.get_by_text("落实情况已保存。")).to_be_visible()
    expect(phone.get_by_text("已完成 1 / 2 项要点。")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
