"""通知公告 in the browser: chair1 publishes a notice with an attachment to their branch (another
branch is not offered, a missing title refused beside its field); member9 of that branch sees the
unread badge on 我的 on a phone and opens it; the chair sees the receipt move and reminds the rest
(once: the second press within the hour is refused). Demo data is shared: this journey creates its
own notice, and the API is the oracle."""
import time

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def test_a_branch_notice_read_on_a_phone_and_its_receipts(desktop, phone, stack):
    tag = str(int(time.time() * 1000))[-7:]
    title = f"文学院教学研讨会通知 {tag}"
    unread_before = api(stack, "guilin", "/api/v1/notices/?unread=true", username="member9")["count"]

    login(desktop, stack, "guilin", "chair1")
    desktop.goto(stack.site("guilin") + "/notices/new/")
    expect(desktop.get_by_label("理学院")).to_have_count(0)          # only the branch they chair
    desktop.get_by_label("正文").fill(f"请各位老师周四下午参加教学研讨会。{tag}")
    desktop.get_by_label("文学院", exact=True).check()
    desktop.get_by_role("button", name="发布", exact=True).click()
    expect(desktop.get_by_text("标题不能为空。")).to_be_visible()
    desktop.get_by_label("标题").fill(title)
    desktop.get_by_label("文学院", exact=True).check()
    desktop.get_by_label("附件（可选，发布后不能再添加）").set_input_files(
        files=[{"name": "议程.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 agenda"}])
    desktop.get_by_role("button", name="发布", exact=True).click()
    expect(desktop.get_by_text("通知已发布，已通知接收人。")).to_be_visible()
    notice_url = desktop.url
    expect(desktop.get_by_test_id("receipt-totals")).to_contain_text("已读 0 / ")

    login(phone, stack, "guilin", "member9")
    phone.goto(stack.site("guilin") + "/me/")
    expect(phone.get_by_test_id("notices-unread")).to_have_text(f"{unread_before + 1} 条未读")
    assert no_horizontal_scroll(phone)
    phone.get_by_test_id("notices-portal").get_by_role("link", name=title).click()
    expect(phone.get_by_test_id("notice-body")).to_contain_text("教学研讨会")
    expect(phone.get_by_test_id("notice-attachments")).to_contain_text("议程.pdf")
    expect(phone.get_by_test_id("my-read-at")).to_contain_text("已读")
    assert no_horizontal_scroll(phone)

    desktop.goto(notice_url)
    expect(desktop.get_by_test_id("receipt-totals")).to_contain_text("已读 1 / ")
    desktop.get_by_role("button", name="提醒未读人员").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text("位未读人员。")).to_be_visible()
    desktop.get_by_role("button", name="提醒未读人员").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text("一小时内已提醒过未读人员")).to_be_visible()
    pk = notice_url.rstrip("/").rsplit("/", 1)[-1]
    receipts = api(stack, "guilin", f"/api/v1/notices/{pk}/receipts/", username="chair1")
    assert receipts["read"] == 1 and receipts["branches"][0]["branch_name"] == "文学院"
