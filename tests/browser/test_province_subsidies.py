"""The provincial `admin` runs a subsidy programme from its pages: sets up the pool, allocates to
桂林学院 (an allocation beyond what is left is refused beside the amount, nothing written),
disburses — and the income is in 桂林学院's own books, seen through the school's API and on its
page — then the report falls due and the overdue list and the workbench show it. On a phone the
admin refuses 湖州师范学院's application with a reason."""
import datetime
import json
import time
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, login


def call(stack, slug, path, payload=None):
    """The API as the school's (or the province's) admin, for set-up and as the oracle."""
    host = f"{slug}.localhost:{stack.port}" if slug else f"localhost:{stack.port}"

    def send(url, data=None, token=None):
        headers = {"Content-Type": "application/json", "Host": host}
        if token:
            headers["Authorization"] = f"Token {token}"
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{url}", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    token = send("/api/v1/auth/token/", {"username": "admin", "password": DEMO_PASSWORD})["token"]
    return send(path, payload, token)


def test_the_admin_runs_a_programme_to_disbursement_and_sees_the_overdue_report(desktop, phone, stack):
    suffix = str(int(time.time() * 1000))[-6:]
    title = f"教职工书屋建设补助（{suffix}）"
    today = datetime.date.today()

    # the pool, from the page
    login(desktop, stack, "", "admin")
    desktop.get_by_role("link", name="经费补助").first.click()
    desktop.get_by_role("link", name="＋ 设立补助项目").click()
    desktop.get_by_label("名称").fill(title)
    desktop.get_by_label("资金池（元）").fill("50000")
    desktop.get_by_label("分配办法").select_option("基数加按会员人数")
    desktop.get_by_label("基数（元）").fill("10000")
    desktop.get_by_label("每名会员（元）").fill("10")
    desktop.get_by_label("申报开始日期").fill((today - datetime.timedelta(days=10)).isoformat())
    desktop.get_by_label("申报截止日期").fill((today + datetime.timedelta(days=5)).isoformat())
    desktop.get_by_label("使用情况报告截止日期").fill((today + datetime.timedelta(days=10)).isoformat())
    desktop.get_by_role("button", name="设立补助项目").click()
    expect(desktop.get_by_role("heading", name=title, exact=True)).to_be_visible()
    expect(desktop.get_by_test_id("pool-left").first).to_have_text("¥50,000.00")
    programme_id = int(desktop.url.rstrip("/").rsplit("/", 1)[1])

    # two schools apply (set-up through their API: the school's own pages are another journey)
    ours = call(stack, "guilin", "/api/v1/subsidies/applications/", {
        "programme": programme_id, "project": f"书屋改造{suffix}", "amount_requested": "48000.00"})
    theirs = call(stack, "huzhou", "/api/v1/subsidies/applications/", {
        "programme": programme_id, "project": f"湖州书屋{suffix}", "amount_requested": "30000.00"})
    desktop.reload()
    row = desktop.locator(f'tr[data-application="{ours["id"]}"]')
    expect(row.locator(".basis")).to_have_text(f"¥10,000.00 + ¥10.00 × {ours['member_count']} 人")

    # allocate to 桂林学院: 45,000 of the 50,000
    row.get_by_role("link", name=f"书屋改造{suffix}").click()
    expect(desktop.get_by_test_id("suggestion")).to_contain_text(f"× {ours['member_count']} 名在会会员")
    desktop.get_by_label("核定金额（元）").fill("45000")
    desktop.get_by_role("button", name="核定", exact=True).click()
    expect(desktop.get_by_test_id("allocated")).to_have_text("¥45,000.00")

    # 湖州师范学院 asks for more than is left: refused beside the amount, nothing written
    desktop.goto(stack.site("") + f"/subsidies/applications/{theirs['id']}/")
    desktop.get_by_label("核定金额（元）").fill("8000")
    desktop.get_by_role("button", name="核定", exact=True).click()
    expect(desktop.locator("#id_amount_error")).to_have_text(
        "核定金额 8000.00 元超过资金池的剩余额度：资金池 50000.00 元，其他学校已核定 45000.00 元，剩余 5000.00 元。")
    assert desktop.get_by_label("核定金额（元）").input_value() == "8000"
    assert call(stack, "", f"/api/v1/subsidies/applications/{theirs['id']}/")["status"] == "submitted"

    # disburse: the income lands in 桂林学院's books, in its own schema
    desktop.goto(stack.site("") + f"/subsidies/applications/{ours['id']}/")
    desktop.get_by_role("button", name="拨付").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text("已拨付 ¥45,000.00").first).to_be_visible()
    expect(desktop.get_by_test_id("income")).to_contain_text("记入桂林学院账目：上级补助收入 ¥45,000.00")
    books = call(stack, "guilin", "/api/v1/ledger/?page_size=100")["results"]
    booked = [e for e in books if e["source_ref"] == f"subsidy:{ours['id']}"]
    assert [(e["category_label"], e["amount"], e["status_label"]) for e in booked] == [
        ("上级补助收入", "45000.00", "已审批")]
    assert not [e for e in call(stack, "huzhou", "/api/v1/ledger/?page_size=100")["results"]
                if e["source_ref"] == f"subsidy:{ours['id']}"]
    school = desktop.new_page()
    login(school, stack, "guilin", "admin")
    school.goto(stack.site("guilin") + f"/provincial/subsidies/applications/{ours['id']}/")
    expect(school.get_by_test_id("income")).to_contain_text("已记入本校账目：上级补助收入 ¥45,000.00")

    # the window closes early and the report falls due two days ago: 桂林学院 is overdue
    desktop.goto(stack.site("") + f"/subsidies/programmes/{programme_id}/edit/")
    desktop.get_by_label("申报截止日期").fill((today - datetime.timedelta(days=5)).isoformat())
    desktop.get_by_label("使用情况报告截止日期").fill((today - datetime.timedelta(days=2)).isoformat())
    desktop.get_by_role("button", name="保存修改").click()
    expect(desktop.get_by_text("补助项目已修改。")).to_be_visible()
    desktop.goto(stack.site("") + "/")
    expect(desktop.locator('[data-todo="subsidies_overdue_reports"]')).to_have_class(
        "counter has-items urgent")
    desktop.locator('[data-todo="subsidies_overdue_reports"]').click()
    overdue = desktop.locator("tr", has_text=f"书屋改造{suffix}")
    expect(overdue).to_contain_text("桂林学院")
    expect(overdue).to_contain_text("2 天")

    # on a phone: 湖州师范学院's application is refused, with the reason it must have
    login(phone, stack, "", "admin")
    phone.goto(stack.site("") + f"/subsidies/applications/{theirs['id']}/")
    phone.get_by_role("button", name="不予补助").click()
    phone.locator("#confirm-dialog-ok").click()
    expect(phone.locator("#id_reason_error")).to_have_text("“不予补助”必须填写原因。")
    phone.get_by_label("不予补助的原因").fill("资金池已分配完毕，请申报下一年度项目。")
    phone.get_by_role("button", name="不予补助").click()
    phone.locator("#confirm-dialog-ok").click()
    expect(phone.get_by_text("已决定不予补助。")).to_be_visible()
    expect(phone.get_by_text("已申报 → 未获补助")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert call(stack, "", f"/api/v1/subsidies/applications/{theirs['id']}/")["status"] == "rejected"
