"""The provincial admin runs a circular from pasted text to the matrix: a text that is not a notice
is refused beside the field; the notice's parse is corrected (a point edited, one removed, one
added with a 完成期限) and saved as a draft; it is published to two chosen schools, and publishing
it again from a stale tab is refused in Chinese; 湖州师范学院 signs and reports on its own host; the
matrix shows the progress in colour and words and who has not signed, and downloads as .xlsx.
On a phone the admin reaches it from the workbench and the matrix scrolls sideways inside its
frame with the school column held in place."""
import io
import re
import time
from pathlib import Path

from playwright.sync_api import expect

from tenants import xlsx
from tests.browser.conftest import login

NOTICE = (Path(__file__).resolve().parents[1] / "shared" / "notices" / "small-plan.txt").read_text(encoding="utf-8")


def test_a_circular_from_pasted_text_to_the_matrix(desktop, phone, stack):
    suffix = str(int(time.time() * 1000))[-6:]
    title = f"南宁职业学院工会2024年工作要点（{suffix}）"
    login(desktop, stack, "", "admin")
    desktop.locator(".topnav").get_by_role("link", name="省级通知").click()
    desktop.get_by_role("link", name="＋ 导入通知").click()

    # Not a notice: the reason beside the field, nothing saved, the text kept.
    desktop.get_by_label("通知全文", exact=True).fill("今天天气很好，我们去公园散步。")
    desktop.get_by_role("button", name="预览识别结果").click()
    expect(desktop.locator("#id_text_error")).to_contain_text("没有找到“一、”这样的章节标题")
    assert desktop.get_by_label("通知全文", exact=True).input_value() == "今天天气很好，我们去公园散步。"

    # The notice: previewed, corrected, saved as a draft.
    desktop.get_by_label("通知全文", exact=True).fill(NOTICE)
    desktop.get_by_role("button", name="预览识别结果").click()
    expect(desktop.get_by_test_id("parse-summary")).to_contain_text("识别出 3 个章节、5 条要点、3 个月的行事历")
    expect(desktop.get_by_label("文号", exact=True)).to_have_value("南职工〔2024〕3号")
    desktop.get_by_label("标题", exact=True).fill(title)
    desktop.locator("#id_items-0-title").fill("组织学习党的二十大精神和全会精神")
    desktop.locator("#id_items-1-DELETE").check()
    desktop.get_by_role("button", name="＋ 添加一条要点").click()
    desktop.locator("#id_items-5-section_number").fill("四")
    desktop.locator("#id_items-5-section_title").fill("办好文体活动")
    desktop.locator("#id_items-5-due_on").fill("2099-10-31")
    assert desktop.locator("#id_items-1-DELETE").is_checked()  # kept across the extra row
    desktop.get_by_role("button", name="保存为草稿").click()
    expect(desktop.locator("#id_items-5-title_error")).to_have_text("要点不能为空。")  # beside its row
    desktop.locator("#id_items-5-title").fill("举办教职工运动会")
    desktop.get_by_role("button", name="保存为草稿").click()
    expect(desktop.get_by_text("已保存为草稿。", exact=False)).to_be_visible()
    expect(desktop.get_by_role("heading", name=title)).to_be_visible()
    expect(desktop.get_by_text("组织学习党的二十大精神和全会精神")).to_be_visible()
    expect(desktop.get_by_text("完成期限 2099年10月31日")).to_be_visible()
    assert desktop.get_by_text("开展师德师风建设活动").count() == 0
    detail_url = desktop.url

    # Publish to two chosen schools; a stale tab of the draft then tries again.
    stale = desktop.context.new_page()
    stale.goto(detail_url)
    desktop.get_by_label("指定学校", exact=True).check()
    desktop.get_by_label("湖州师范学院", exact=True).check()
    desktop.get_by_label("山西大同大学", exact=True).check()
    desktop.get_by_role("button", name="发布", exact=True).click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text("通知已发布", exact=False)).to_be_visible()
    expect(desktop.get_by_test_id("signing")).to_have_text("0 / 2 所学校")

    stale.get_by_role("button", name="发布", exact=True).click()
    stale.locator("#confirm-dialog-ok").click()
    expect(stale.locator("#publish .form-errors")).to_have_text("通知当前状态为“已发布”，不能执行“发布”操作。")
    stale.close()

    # 湖州师范学院 signs and reports on its own host.
    school = desktop.new_page()
    login(school, stack, "huzhou", "admin")
    school.goto(stack.site("huzhou") + "/provincial/circulars/")
    school.get_by_role("link", name=title).click()
    school.get_by_role("button", name="签收").click()
    expect(school.get_by_text("已签收").first).to_be_visible()
    first = school.locator(".circular-item", has_text="组织学习党的二十大精神和全会精神")
    first.get_by_label("进展").select_option("已完成")
    first.get_by_label("落实情况").fill("各分工会集中学习 8 场。")
    first.get_by_role("button", name="保存落实情况").click()
    expect(school.get_by_text("落实情况已保存。")).to_be_visible()
    second = school.locator(".circular-item", has_text="落实五必访制度")
    second.get_by_label("进展").select_option("推进中")
    second.get_by_role("button", name="保存落实情况").click()
    expect(school.get_by_text("落实情况已保存。").first).to_be_visible()

    # The matrix: colours and words, who has not signed, the .xlsx.
    desktop.reload()
    huzhou = desktop.locator('tr[data-school="huzhou"]')
    expect(huzhou.locator("td.ack")).to_contain_text("已签收")
    expect(huzhou.locator("td.progress-done")).to_have_text("已完成")
    expect(huzhou.locator("td.progress-in-progress")).to_have_text("推进中")
    expect(huzhou.locator("td.progress-none")).to_have_count(3)
    assert huzhou.locator("td.progress-done").evaluate("c => getComputedStyle(c).backgroundColor") != \
        huzhou.locator("td.progress-none").first.evaluate("c => getComputedStyle(c).backgroundColor")
    expect(desktop.locator('tr[data-school="sxdtu"] td.ack')).to_have_text("未签收")
    expect(desktop.get_by_test_id("unacknowledged")).to_have_text("山西大同大学")
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="导出落实情况（.xlsx）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = xlsx.open_for_reading(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = {row[1]: row for row in book["落实情况"].iter_rows(values_only=True)}
    assert rows["huzhou"][2] == "已签收" and rows["huzhou"][5:7] == ("已完成", "推进中")
    assert rows["sxdtu"][2] == "未签收" and rows["sxdtu"][-1] == "0 / 5"

    # On a phone: from the workbench's counter to the matrix, which scrolls inside its frame.
    login(phone, stack, "", "admin")
    phone.locator('[data-todo="circulars_unacknowledged"]').click()
    expect(phone).to_have_url(re.compile(r"/circulars/\?waiting=unacknowledged$"))
    phone.get_by_role("link", name=title).click()
    frame = phone.locator(".matrix-scroll")
    frame.scroll_into_view_if_needed()
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    school_cell = phone.locator('tr[data-school="huzhou"] th.matrix-school')
    before = school_cell.bounding_box()["x"]
    frame.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
    phone.wait_for_function("() => document.querySelector('.matrix-scroll').scrollLeft > 0")
    assert abs(school_cell.bounding_box()["x"] - before) < 2  # the school column stays in place
    expect(phone.locator('tr[data-school="huzhou"] td.numeric')).to_have_text("1 / 5")
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
