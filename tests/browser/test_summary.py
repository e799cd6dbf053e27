"""年度工作总结 in a real browser: the union office opens it, changes the year, reads the figures
and downloads the .docx (which python-docx opens); the provincial admin downloads the region's; on
a phone the draft's tables are cards; a member is refused."""
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import login


def test_the_office_changes_the_year_and_downloads_the_draft(desktop, stack):
    login(desktop, stack, "guilin", "admin")
    desktop.locator(".topnav").get_by_role("link", name="年度总结").click()
    expect(desktop.locator("h1")).to_have_text("年度工作总结")
    years = desktop.locator("#summary-year option").all_inner_texts()
    assert len(years) >= 5
    other = years[1].replace(" 年", "")
    desktop.locator("#summary-year").select_option(other)
    desktop.get_by_role("button", name="查看").click()
    expect(desktop.locator("#draft-title")).to_have_text(f"桂林学院工会{other}年工会工作总结（初稿）")
    expect(desktop.get_by_role("heading", name="二、民主管理（教代会与提案）")).to_be_visible()
    with desktop.expect_download() as download:
        desktop.get_by_test_id("summary-download").click()
    assert download.value.suggested_filename == f"桂林学院工会{other}年工会工作总结（初稿）.docx"
    document = Document(download.value.path())
    assert document.paragraphs[0].text == f"桂林学院工会{other}年工会工作总结（初稿）"
    assert "七、下一年度工作打算" in [p.text for p in document.paragraphs]


def test_the_province_downloads_the_regions_draft(desktop, stack):
    login(desktop, stack, "", "admin")
    desktop.locator(".topnav").get_by_role("link", name="年度总结").click()
    expect(desktop.get_by_test_id("summary-rollup")).to_be_visible()
    expect(desktop.locator(".summary-table").first).to_contain_text("桂林学院")
    with desktop.expect_download() as download:
        desktop.get_by_test_id("summary-download").click()
    assert download.value.suggested_filename.startswith("自治区教育工会")
    document = Document(download.value.path())
    assert document.tables[0].rows[-1].cells[0].text == "合计"


def test_on_a_phone_the_draft_fits_and_a_member_is_refused(phone, stack):
    login(phone, stack, "guilin", "admin")
    phone.goto(stack.site("guilin") + "/summary/")
    expect(phone.locator("#draft-title")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    member = login(phone.new_page(), stack, "guilin", "member1")
    response = member.goto(stack.site("guilin") + "/summary/")
    assert response.status == 403
