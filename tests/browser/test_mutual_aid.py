"""Mutual aid end to end: the 帮扶专干 sets up a scheme and enrols a member; the member files a claim
with a document from their phone (first refused for an amount with three decimals); the office
reviews, approves and pays it, each step through its confirm dialog.

Everything is created under a unique name, so the demo's own scheme and claims stay as they are."""
import datetime
import time

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def confirm(page, label):
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=label).click()


def test_enrol_claim_with_a_document_approve_and_pay(desktop, phone, stack, tmp_path):
    tag = str(int(time.time() * 1000))[-7:]
    today = datetime.date.today()
    number = api(stack, "guilin", "/api/v1/members/", username="member2")["results"][0]["employee_number"]

    login(desktop, stack, "guilin", "bangfu")
    desktop.goto(stack.site("guilin") + "/mutual-aid/")
    desktop.get_by_role("link", name="＋ 新建计划").click()
    desktop.get_by_label("计划名称").fill(f"医疗互助{tag}")
    desktop.get_by_label("参保开始日期").fill(f"{today - datetime.timedelta(days=1):%Y-%m-%d}")
    desktop.get_by_label("参保截止日期").fill(f"{today + datetime.timedelta(days=30):%Y-%m-%d}")
    desktop.get_by_label("每人缴费（元）").fill("30")
    desktop.get_by_label("每人年度给付上限（元）").fill("1000")
    desktop.get_by_role("button", name="建立计划").click()
    expect(desktop.get_by_text("计划已建立（草稿）")).to_be_visible()
    desktop.get_by_label("类别名称").fill("住院")
    desktop.get_by_label("给付方式").select_option(label="按比例给付")
    desktop.get_by_label("比例（%，按比例给付）").fill("50")
    desktop.get_by_role("button", name="添加类别").click()
    expect(desktop.get_by_test_id("aid-category")).to_have_text("住院 · 合规费用的 50%")
    desktop.get_by_role("button", name="开始参保").click()
    confirm(desktop, "开始参保")
    expect(desktop.get_by_text("已开始参保。")).to_be_visible()
    desktop.locator("#enrol summary").click()
    desktop.get_by_label("会员工号").fill(number)
    desktop.get_by_role("button", name="登记参保").click()
    expect(desktop.get_by_text("已参保。")).to_be_visible()
    desktop.get_by_role("button", name="进入保障期").click()
    confirm(desktop, "进入保障期")
    expect(desktop.get_by_text("已进入保障期。")).to_be_visible()
    scheme_url = desktop.url

    # the member, on a phone: 我的 → 申请互助金; three decimals are refused beside the field
    login(phone, stack, "guilin", "member2")
    phone.goto(stack.site("guilin") + "/me/")
    section = phone.get_by_test_id("aid-portal")
    section.locator("li", has_text=f"医疗互助{tag}").get_by_role("link", name="申请互助金").click()
    phone.get_by_label("给付类别").select_option(index=1)
    phone.get_by_label("合规费用（元）").fill("800.125")
    phone.get_by_label("病情及就医说明").fill("肺炎住院 4 天")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_text("合规费用最多保留 2 位小数。")).to_be_visible()
    assert no_horizontal_scroll(phone)
    document = tmp_path / "诊断证明.pdf"
    document.write_bytes(b"%PDF-1.4 diagnosis")
    phone.get_by_label("合规费用（元）").fill("800")
    phone.get_by_label("申请材料（诊断证明、费用清单等，可稍后补充）").set_input_files(str(document))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_text("申请已提交，等待校工会初审。")).to_be_visible()
    expect(phone.get_by_role("link", name="诊断证明.pdf")).to_be_visible()
    expect(phone.get_by_test_id("aid-computed")).to_contain_text("¥400.00")
    assert no_horizontal_scroll(phone)
    claim_url = phone.url

    # the office reviews, approves and pays
    desktop.goto(scheme_url)
    expect(desktop.locator("#claims")).to_contain_text("待初审")
    desktop.goto(claim_url)
    desktop.get_by_role("button", name="初审通过").click()
    confirm(desktop, "初审通过")
    expect(desktop.get_by_text("已初审通过。")).to_be_visible()
    desktop.get_by_role("button", name="核准 ¥400.00").click()
    confirm(desktop, "核准")
    expect(desktop.get_by_test_id("aid-approved")).to_have_text("¥400.00")
    desktop.get_by_role("button", name="支付 ¥400.00").click()
    confirm(desktop, "支付")
    expect(desktop.get_by_text("已支付。")).to_be_visible()
    claim_id = claim_url.rstrip("/").split("/")[-1]
    claim = api(stack, "guilin", f"/api/v1/mutual-aid/claims/{claim_id}/", username="bangfu")
    assert (claim["status"], claim["approved_amount"], claim["remaining"]) == ("paid", "400.00", "600.00")
    assert "已支付" in desktop.locator(".history").inner_text()
