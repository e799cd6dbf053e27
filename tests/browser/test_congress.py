"""Congress journeys in a real browser: a delegate on a phone writes, seconds and rates; the union
office on a desktop takes a fresh proposal from submission to closing, with the department's
handler replying in a second session. Everything a journey needs it makes itself (unique titles),
because other journeys share the demo data."""
import json
import time
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, login
from tests.browser.test_workbench import no_horizontal_scroll


class Api:
    """One demo account on the API: the oracle and the quick way to set a scene up."""

    def __init__(self, stack, username, slug="guilin"):
        self.stack, self.slug = stack, slug
        self.token = self.call("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD},
                               token=None)["token"]

    def call(self, path, data=None, token=""):
        headers = {"Content-Type": "application/json", "Host": f"{self.slug}.localhost:{self.stack.port}"}
        if token is not None and (token or getattr(self, "token", "")):
            headers["Authorization"] = f"Token {token or self.token}"
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.stack.port}{path}", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)


def congress_id(api):
    return next(c["id"] for c in api.call("/api/v1/congresses/")["results"] if c["status"] == "in_session")


def department_id(api, name):
    return next(d["id"] for d in api.call("/api/v1/departments/?page_size=200")["results"] if d["name"] == name)


def submitted_proposal(stack, username, title):
    author = Api(stack, username)
    pk = author.call("/api/v1/proposals/", {"congress": congress_id(author), "title": title,
                                            "reasons": "理由。", "measures": "措施。"})["id"]
    author.call(f"/api/v1/proposals/{pk}/submit/", {})
    return pk


def test_a_delegate_writes_seconds_and_rates_on_a_phone(phone, stack):
    stamp = time.strftime("%H%M%S")
    title = f"关于增设教工自行车棚的提案{stamp}"
    other = submitted_proposal(stack, "member4", f"关于改善实验室通风的提案{stamp}")

    login(phone, stack, "guilin", "member1")
    phone.locator(".bottomnav").get_by_role("link", name="我的").click()
    assert phone.get_by_test_id("delegateship").first.inner_text().count("六届四次") >= 1
    phone.get_by_role("link", name="＋ 提出提案").click()

    # A draft without 案由: the reason is beside that field and what was typed stays.
    phone.get_by_label("理由").fill("自行车无处停放。")
    phone.get_by_label("建议措施").fill("在教学楼北侧建车棚。")
    phone.get_by_role("button", name="保存草稿").click()
    title_field = phone.locator(".field", has=phone.get_by_label("案由"))
    assert "案由不能为空" in title_field.locator(".field-error").inner_text()
    assert phone.get_by_label("理由").input_value() == "自行车无处停放。"
    phone.get_by_label("案由").fill(title)
    phone.get_by_role("button", name="保存草稿").click()
    phone.get_by_role("button", name="提交提案").click()
    mine = int(phone.url.rstrip("/").split("/")[-1])
    expect(phone.locator(".badge", has_text="征集中").first).to_be_visible()
    assert no_horizontal_scroll(phone)

    # Seconding another delegate's proposal, found on 我的.
    phone.goto(stack.site("guilin") + "/me/")
    phone.get_by_role("link", name=f"关于改善实验室通风的提案{stamp}").click()
    phone.get_by_role("button", name="附议").click()
    expect(phone.locator("#toasts")).to_contain_text("已完成：附议")
    assert Api(stack, "member1").call(f"/api/v1/proposals/{other}/")["seconds_count"] == 1

    # The office and the department take it on through the API; the delegate rates the reply.
    for seconder in ("member2", "member3"):
        Api(stack, seconder).call(f"/api/v1/proposals/{mine}/second/", {})
    admin = Api(stack, "admin")
    admin.call(f"/api/v1/proposals/{mine}/start-review/", {})
    admin.call(f"/api/v1/proposals/{mine}/accept/", {})
    admin.call(f"/api/v1/proposals/{mine}/assign/", {"lead_department": department_id(admin, "教务处"),
                                                     "due_date": "2099-12-31"})
    Api(stack, "jiaowu").call(f"/api/v1/proposals/{mine}/reply/", {"text": "暑假前建成车棚。"})

    phone.goto(stack.site("guilin") + "/me/")
    phone.locator("section", has_text="待评价的答复").get_by_role("link", name=title).click()
    phone.get_by_label("基本满意").check()
    phone.get_by_label("意见（可选）").fill("希望加装照明")
    phone.get_by_role("button", name="评价答复").click()
    assert phone.locator(".rating-comment").inner_text() == "提案人意见：希望加装照明"
    assert Api(stack, "member1").call(f"/api/v1/proposals/{mine}/")["status"] == "rated"
    assert no_horizontal_scroll(phone)


def test_the_office_takes_a_fresh_proposal_from_submission_to_closing(desktop, stack):
    stamp = time.strftime("%H%M%S")
    title = f"关于开设教工午休室的提案{stamp}"
    pk = submitted_proposal(stack, "member5", title)
    for seconder in ("member6", "member7"):
        Api(stack, seconder).call(f"/api/v1/proposals/{pk}/second/", {})

    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + f"/proposals/{pk}/")
    desktop.get_by_role("button", name="进入初审").click()
    desktop.get_by_label("立案意见（可选）").fill("符合立案条件")
    desktop.get_by_role("button", name="立案", exact=True).click()
    number = Api(stack, "admin").call(f"/api/v1/proposals/{pk}/")["number"]
    assert number and desktop.get_by_text(number).first.is_visible()
    assign = desktop.locator('form[data-step="assign"]')
    assign.get_by_label("主办部门").select_option(label="教务处")
    assign.get_by_label("人事处").check()
    assign.get_by_role("button", name="交办", exact=True).click()
    assert "主办部门：教务处 · 协办部门：人事处" in desktop.get_by_test_id("assignment").inner_text()

    handler = login(desktop.new_page(), stack, "guilin", "jiaowu")
    handler.goto(stack.site("guilin") + f"/proposals/{pk}/")
    handler.get_by_label("书面答复").fill("已腾出两间办公用房作午休室。")
    handler.get_by_role("button", name="提交答复").click()
    expect(handler.locator(".badge", has_text="已答复").first).to_be_visible()

    Api(stack, "member5").call(f"/api/v1/proposals/{pk}/rate/", {"rating": "satisfied", "comment": "很好"})
    desktop.reload()
    assert "提案人意见：很好" in desktop.locator(".rating-comment").inner_text()
    desktop.get_by_role("button", name="结案", exact=True).click()
    with desktop.expect_navigation():
        desktop.locator("#confirm-dialog-ok").click()   # 结案 asks first
    expect(desktop.locator(".badge", has_text="已结案").first).to_be_visible()
    history = desktop.locator(".history").inner_text()
    for step in ("征集中 → 附议已满", "初审中 → 已立案", "已交办 → 已答复", "已评价 → 已结案"):
        assert step in history
    assert Api(stack, "admin").call(f"/api/v1/proposals/{pk}/")["status"] == "closed"

    # The figures page draws its charts from the same numbers the API reports.
    desktop.goto(stack.site("guilin") + "/congresses/")
    desktop.get_by_role("link", name="六届四次").click()
    desktop.get_by_role("link", name="提案工作统计").click()
    admin = Api(stack, "admin")
    figures = admin.call(f"/api/v1/congresses/{congress_id(admin)}/figures/")
    assert desktop.locator('[data-figure="received"] .number').inner_text() == str(figures["congress"]["received"])
    desktop.locator("#chart-rates svg").wait_for()
