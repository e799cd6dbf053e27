"""The books in a real browser: the treasurer records an entry on a desktop, the approver approves it
from the workbench on a phone, and it then counts in budget vs actual; a union admin who recorded an
entry is shown no approve button and the API refuses it. Entries carry unique descriptions and use
the 其他收入 category, so the demo's books and other journeys are left as they are."""
import re
import time
import urllib.error
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_congress import Api
from tests.browser.test_workbench import no_horizontal_scroll


def other_income(stack) -> str:
    summary = Api(stack, "jingshen").call("/api/v1/books/budgets/summary/")
    return next(r["actual"] for r in summary["income"] if r["category"] == "other_income")


def test_the_treasurer_records_the_approver_approves_on_a_phone_and_it_counts(desktop, phone, stack):
    stamp = time.strftime("%H%M%S")
    description = f"校友会捐赠{stamp}"
    before = other_income(stack)

    login(desktop, stack, "guilin", "caiwu")
    desktop.goto(stack.site("guilin") + "/books/")
    desktop.get_by_role("link", name="＋ 记一笔").first.click()
    desktop.get_by_label("收支").select_option("income")
    desktop.get_by_label("科目").select_option("other_income")
    desktop.get_by_label("金额（元）").fill("12.345")
    desktop.get_by_label("摘要").fill(description)
    desktop.get_by_role("button", name="保存").click()
    amount_field = desktop.locator(".field", has=desktop.get_by_label("金额（元）"))
    assert "最多保留 2 位小数" in amount_field.locator(".field-error").inner_text()
    assert desktop.get_by_label("摘要").input_value() == description
    desktop.get_by_label("金额（元）").fill("1234.50")
    desktop.get_by_role("button", name="保存").click()
    desktop.wait_for_url(re.compile(r"/books/entries/\d+/$"))
    expect(desktop.locator("#toasts")).to_contain_text("已记账，等待审批")
    expect(desktop.locator(".badge", has_text="待审批").first).to_be_visible()
    assert desktop.get_by_role("button", name="审批通过").count() == 0
    entry = int(desktop.url.rstrip("/").split("/")[-1])

    # The approver, on a phone: the workbench lists it; one tap and a confirm approve it.
    login(phone, stack, "guilin", "zhuxi")
    counter = phone.locator('[data-todo="books-approve"]')
    assert int(counter.locator(".number").inner_text()) >= 1
    phone.goto(stack.site("guilin") + f"/books/entries/{entry}/")
    phone.get_by_role("button", name="审批通过").click()
    phone.locator("#confirm-dialog-ok").click()
    phone.locator(".badge", has_text="已审批").first.wait_for()
    expect(phone.locator("#toasts")).to_contain_text("已审批通过")
    assert no_horizontal_scroll(phone)

    # It now counts: the overview's 其他收入 grew by the amount, as the API says too.
    after = other_income(stack)
    assert Decimal(after) - Decimal(before) == Decimal("1234.50")
    desktop.goto(stack.site("guilin") + "/books/")
    row = desktop.locator("tr", has=desktop.get_by_role("link", name="其他收入"))
    assert f"¥{Decimal(after):,.2f}" in row.inner_text()


def test_a_union_admin_never_approves_their_own_entry(desktop, stack):
    admin = Api(stack, "admin")
    entry = admin.call("/api/v1/ledger/", {"kind": "income", "category": "other_income", "amount": "10.00",
                                            "occurred_on": time.strftime("%Y-%m-%d"),
                                            "description": f"自记自批{time.strftime('%H%M%S')}"})
    try:
        admin.call(f"/api/v1/ledger/{entry['id']}/approve/", {})
        raise AssertionError("the recorder approved their own entry")
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
    login(desktop, stack, "guilin", "admin")
    desktop.goto(stack.site("guilin") + f"/books/entries/{entry['id']}/")
    assert "须由其他审批人审批" in desktop.locator("main").inner_text()
    assert desktop.get_by_role("button", name="审批通过").count() == 0
    assert Api(stack, "jingshen").call(f"/api/v1/ledger/{entry['id']}/")["status"] == "pending"
