"""二级教代会 and the 提案工作委员会 in a real browser: member2 (on guilin's 提案工作委员会 in the demo)
reviews and accepts a proposal on a phone; chair1 reviews a proposal of their branch's 二级教代会 on
a desktop and forwards it to the school's congress; another branch's chair finds nothing. The
proposals are made fresh (unique titles) through the API, so the demo others use stays as it is."""
import time
import urllib.error

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_congress import Api, submitted_proposal
from tests.browser.test_workbench import no_horizontal_scroll


def test_a_committee_member_reviews_and_accepts_on_a_phone(phone, stack):
    title = f"关于增设教工午休室的提案{time.strftime('%H%M%S')}"
    pk = submitted_proposal(stack, "member4", title)
    for seconder in ("member5", "member6"):
        Api(stack, seconder).call(f"/api/v1/proposals/{pk}/second/", {})

    login(phone, stack, "guilin", "member2")
    phone.locator('[data-todo="to_review"]').click()
    phone.get_by_role("link", name=title).first.click()
    phone.get_by_role("button", name="进入初审").click()
    expect(phone.locator("#toasts")).to_contain_text("已完成：初审")
    phone.get_by_label("立案意见（可选）").fill("委员会审查：符合立案条件")
    phone.get_by_role("button", name="立案", exact=True).click()
    expect(phone.locator(".badge", has_text="已立案").first).to_be_visible()
    assert no_horizontal_scroll(phone)
    # The audit (办理过程) names the committee member for both steps.
    history = Api(stack, "admin").call(f"/api/v1/proposals/{pk}/history/")["results"]
    steps = {r["to_state"]: r for r in history if r["to_state"] in ("under_review", "accepted")}
    assert set(steps) == {"under_review", "accepted"}
    assert len({r["actor_name"] for r in steps.values()}) == 1
    assert steps["accepted"]["reason"] == "委员会审查：符合立案条件"


def branch_congress_id(api):
    return next(c["id"] for c in api.call("/api/v1/congresses/?level=branch")["results"]
                if c["status"] == "in_session")


def test_chair1_forwards_a_branch_proposal_to_the_school_congress(desktop, stack):
    title = f"关于学院间共享实验设备的提案{time.strftime('%H%M%S')}"
    author = Api(stack, "member1")
    pk = author.call("/api/v1/proposals/", {"congress": branch_congress_id(author), "title": title,
                                            "reasons": "设备重复购置。", "measures": "建立共享平台。"})["id"]
    author.call(f"/api/v1/proposals/{pk}/submit/", {})
    Api(stack, "member9").call(f"/api/v1/proposals/{pk}/second/", {})

    login(desktop, stack, "guilin", "chair1")
    desktop.locator('[data-todo="branch_congresses"]').click()
    expect(desktop.get_by_role("heading", name="二级教代会").first).to_be_visible()
    desktop.goto(stack.site("guilin") + f"/proposals/{pk}/")
    desktop.get_by_role("button", name="进入初审").click()
    desktop.get_by_role("button", name="立案", exact=True).click()
    expect(desktop.locator(".badge", has_text="已立案").first).to_be_visible()
    desktop.get_by_label("转报理由（必填）").fill("涉及全校各学院")
    desktop.get_by_role("button", name="转报学校教代会").click()
    desktop.locator("#confirm-dialog-ok").click()   # 转报 asks first
    expect(desktop.locator("#toasts")).to_contain_text("已完成：转报学校教代会")
    desktop.locator('[data-testid="forwarded-to"] a').click()
    assert desktop.locator('[data-testid="forwarded-from"]').inner_text().count(title) == 1
    school = int(desktop.url.rstrip("/").split("/")[-1])
    assert Api(stack, "admin").call(f"/api/v1/proposals/{school}/")["forwarded_from"] == pk

    # The refusal: another branch's chair does not find the branch proposal at all.
    try:
        Api(stack, "chair2").call(f"/api/v1/proposals/{pk}/")
        raise AssertionError("chair2 read chair1's branch proposal")
    except urllib.error.HTTPError as refused:
        assert refused.code == 404
