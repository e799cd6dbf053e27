"""The union office at work: a roster goes in (first refused with the reasons, then accepted), a
member retires, and a 入会申请 a member sent from their phone is approved by the office.

The demo data is shared with other journeys: everything here is created with a unique suffix,
and the API is the oracle for counts."""
import io
import time

from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll

HEADER = ["*姓名", "*性别", "*工号", "*分工会", "工会小组", "*用工类型", "*入会日期", "手机号", "身份证号"]


def roster_file(tmp_path, rows, name):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_the_office_imports_a_roster_and_retires_a_member(desktop, stack, tmp_path):
    tag = str(int(time.time() * 1000))[-7:]
    rows = [[f"导入甲{tag}", "男", f"B{tag}1", "文学院", "", "在编", "2021-09-01", "13812340001", ""],
            [f"导入乙{tag}", "女", f"B{tag}2", "没有这个学院", "", "非编", "2021-09-01", "", ""]]
    login(desktop, stack, "guilin", "admin")
    desktop.locator(".topnav").get_by_role("link", name="会员").click()
    desktop.get_by_role("link", name="导入名册").click()

    desktop.get_by_label("名册文件（.xlsx）").set_input_files(str(roster_file(tmp_path, rows, "有错误.xlsx")))
    desktop.get_by_role("button", name="上传并导入").click()
    problems = desktop.locator(".roster-problems")
    assert "未导入任何一行" in problems.locator("h2").inner_text()
    cells = problems.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["第 3 行", "分工会", "分工会“没有这个学院”不存在。"]
    assert api(stack, "guilin", f"/api/v1/members/?search=B{tag}")["count"] == 0

    rows[1][3] = "理学院"
    desktop.get_by_label("名册文件（.xlsx）").set_input_files(str(roster_file(tmp_path, rows, "改正后.xlsx")))
    desktop.get_by_role("button", name="上传并导入").click()
    expect(desktop.get_by_text("已导入 2 名会员")).to_be_visible()
    assert api(stack, "guilin", f"/api/v1/members/?search=B{tag}")["count"] == 2

    desktop.get_by_label("搜索").fill(f"B{tag}1")
    desktop.get_by_role("button", name="筛选").click()
    expect(desktop.locator("#member-count")).to_have_text("共 1 人")
    assert f"q=B{tag}1" in desktop.get_by_role("link", name="导出名册（按当前筛选，已遮蔽）").get_attribute("href")
    desktop.get_by_role("link", name=f"导入甲{tag}").click()
    assert desktop.locator("h2").inner_text().startswith(f"导入甲{tag}")
    expect(desktop.get_by_text("138****0001")).to_be_visible()

    retire = desktop.locator("details", has=desktop.locator("summary", has_text="退休"))
    retire.locator("summary").click()
    retire.get_by_label("生效日期").fill("2026-03-05")
    retire.get_by_role("button", name="办理退休").click()
    dialog = desktop.locator("#confirm-dialog")
    assert f"确定为 导入甲{tag} 办理退休吗？" in dialog.inner_text()
    dialog.get_by_role("button", name="办理退休").click()
    expect(desktop.get_by_text("已办理退休。")).to_be_visible()
    assert "退休" in desktop.locator("h2 .badge").inner_text()
    assert "2026年3月5日" in desktop.locator(".timeline").inner_text()
    member = api(stack, "guilin", f"/api/v1/members/?search=B{tag}1")["results"][0]
    assert member["status"] == "retired" and member["status_changed_on"] == "2026-03-05"


def test_a_member_applies_on_a_phone_the_chair_confirms_and_the_office_approves(phone, stack):
    tag = str(int(time.time() * 1000))[-7:]
    login(phone, stack, "guilin", "member1")
    phone.goto(stack.site("guilin") + "/applications/new/")
    phone.get_by_label("姓名").fill(f"新同事{tag}")
    phone.get_by_label("性别").select_option(label="女")
    phone.get_by_label("工号").fill(f"J{tag}")
    phone.get_by_label("分工会").select_option(label="文学院")
    phone.get_by_label("用工类型").select_option(label="非编")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_text("入会申请已提交")).to_be_visible()
    assert "已提交" in phone.locator("h2 .badge").inner_text()
    assert no_horizontal_scroll(phone)

    # The branch's chair (文学院: chair1) confirms from their own phone; the workbench counts it.
    chair = phone.new_page()
    login(chair, stack, "guilin", "chair1")
    assert int(chair.locator('[data-todo="applications_to_confirm"] .number').inner_text()) >= 1
    chair.goto(stack.site("guilin") + "/applications/?status=submitted")
    chair.get_by_role("link", name=f"新同事{tag}").click()
    chair.get_by_role("button", name="确认（提交校工会审批）").click()
    expect(chair.get_by_text("已确认，等待校工会审批。")).to_be_visible()
    assert no_horizontal_scroll(chair)

    office = phone.new_page()
    login(office, stack, "guilin", "admin")
    office.goto(stack.site("guilin") + "/applications/?status=branch_confirmed")
    office.get_by_role("link", name=f"新同事{tag}").click()
    office.get_by_role("button", name="批准入会").click()
    office.locator("#confirm-dialog").get_by_role("button", name="批准入会").click()
    expect(office.get_by_text("已批准入会，会员已建档。")).to_be_visible()
    assert "已批准" in office.locator("h2 .badge").inner_text()
    assert no_horizontal_scroll(office)
    assert api(stack, "guilin", f"/api/v1/members/?search=J{tag}")["count"] == 1
