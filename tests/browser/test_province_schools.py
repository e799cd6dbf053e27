"""The provincial union's schools, in a real browser: the province's `admin` opens a school (a
wrong site name first explained beside the field), copies the one-time password, the new school's
admin signs in with it on the school's own site — and is refused on the provincial one; the school
is suspended (a reason is required), resumed and finally archived, so later journeys never see it.
On a phone the admin finds a school and its submissions. A reviewer and a judge are refused."""
import time

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_the_province_opens_a_school_suspends_resumes_and_archives_it(desktop, stack):
    slug = f"t{str(int(time.time() * 1000))[-7:]}"
    name = f"南宁测试学院{slug}"
    desktop.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.site(""))
    login(desktop, stack, "", "admin")
    desktop.locator(".topnav").get_by_role("link", name="学校").click()
    expect(desktop.locator("h1")).to_have_text("学校")
    desktop.get_by_role("link", name="＋ 开通学校").click()

    desktop.get_by_label("学校名称").fill(name)
    desktop.get_by_label("站点标识").fill("Nan_Ning")
    desktop.get_by_label("简称").fill("南测")
    desktop.get_by_role("button", name="开通学校").click()
    expect(desktop.locator("#id_slug_error")).to_contain_text("站点标识只能包含小写字母、数字和连字符")
    assert desktop.get_by_label("学校名称").input_value() == name  # what was typed stays

    desktop.get_by_label("站点标识").fill(slug)
    desktop.get_by_role("button", name="开通学校").click()
    expect(desktop.locator("h1")).to_have_text(f"{name}已开通")
    password = desktop.locator("#admin-password").input_value()
    assert len(password) >= 12 and desktop.get_by_text("只显示这一次").is_visible()
    desktop.get_by_role("button", name="复制密码").click()
    expect(desktop.get_by_role("button", name="已复制")).to_be_visible()
    assert desktop.evaluate("navigator.clipboard.readText()") == password

    # The new school's admin signs in on the school's own site with that password ...
    school_admin = login(desktop.new_page(), stack, slug, "admin", password=password)
    expect(school_admin.locator("h1")).to_have_text("工作台")
    # ... and is a stranger on the provincial site: those credentials are not the province's.
    login(school_admin, stack, "", "admin", password=password)
    expect(school_admin.locator(".form-errors")).to_have_text("用户名或密码不正确。")
    school_admin.goto(stack.site("") + "/schools/")
    assert "/login/" in school_admin.url

    # The password is not shown again.
    desktop.get_by_role("link", name="查看学校").click()
    expect(desktop.locator("h1")).to_have_text(name)
    assert password not in desktop.content()

    # 停用 without a reason: the confirm dialog, then the reason beside the field; nothing changed.
    desktop.locator("#step-suspend summary").click()
    desktop.get_by_role("button", name="停用南测").click()
    expect(desktop.locator("#confirm-dialog")).to_be_visible()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.locator("#id_suspend-reason_error")).to_have_text("“停用”必须填写原因。")
    expect(desktop.locator(".school-facts .badge")).to_have_text("正常")
    desktop.locator("#step-suspend").get_by_label("原因").fill("未按期完成年度检查")
    desktop.get_by_role("button", name="停用南测").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text(f"{name}已停用。")).to_be_visible()
    expect(desktop.locator(".school-facts .badge")).to_have_text("已停用")
    expect(desktop.locator(".history")).to_contain_text("未按期完成年度检查")
    refused = answer_within_host_cache(school_admin, stack.site(slug) + "/", 403)
    assert refused.status == 403 and "该校账户已停用" in school_admin.content()

    # The workbench points at it until it is resumed.
    desktop.goto(stack.site("") + "/")
    expect(desktop.locator('[data-todo="schools_suspended"]')).to_be_visible()
    desktop.locator('[data-todo="schools_suspended"]').click()
    desktop.get_by_role("link", name=name).click()
    desktop.locator("#step-activate summary").click()
    desktop.get_by_role("button", name="恢复南测").click()
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text(f"{name}已恢复。")).to_be_visible()
    assert answer_within_host_cache(school_admin, stack.site(slug) + "/", 200).status == 200

    # Archived at the end (the schema is exported first): no other journey meets this school.
    desktop.locator("#step-archive summary").click()
    desktop.locator("#step-archive").get_by_label("原因").fill("测试完毕")
    desktop.get_by_role("button", name="归档南测").click()
    expect(desktop.locator("#confirm-dialog-text")).to_contain_text("不能恢复")
    desktop.locator("#confirm-dialog-ok").click()
    expect(desktop.get_by_text(f"{name}已归档。")).to_be_visible()
    expect(desktop.locator(".school-facts .badge")).to_have_text("已归档")
    assert answer_within_host_cache(school_admin, stack.site(slug) + "/", 403).status == 403


def answer_within_host_cache(page, url, status):
    """The school's host answers `status` within SCHOOL_HOST_CACHE_SECONDS (5 s, README): the web
    process that made the change knows at once, the other gunicorn worker within that time."""
    deadline = time.monotonic() + 8
    answer = page.goto(url)
    while answer.status != status and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        answer = page.goto(url)
    return answer


def test_on_a_phone_the_admin_finds_a_school_and_what_it_submitted(phone, stack):
    login(phone, stack, "", "admin")
    phone.locator(".bottomnav").get_by_role("link", name="学校").click()
    phone.get_by_label("搜索").fill("桂林")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.locator("table.responsive tbody tr")).to_have_count(1)
    phone.get_by_role("link", name="桂林学院").click()
    expect(phone.locator("h1")).to_have_text("桂林学院")
    honours = phone.locator('[data-area="honours"]')
    expect(honours).to_contain_text("覃老师")  # the demo's nomination from 桂林学院
    expect(phone.locator('[data-area="circulars"]')).to_contain_text("工作要点")
    honours.get_by_role("link").first.click()
    expect(phone.locator("h1")).to_have_text("桂林学院 · 荣誉推荐")
    # other journeys add nominations of 桂林学院 too: the demo's is one of the rows
    expect(phone.locator("table.responsive tbody tr").filter(has_text="覃老师")).to_have_count(1)
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_a_reviewer_and_a_judge_are_refused_the_schools_and_dashboard(desktop, stack):
    # 桂林学院's admin, signed in on the school's site, is nobody on the provincial one.
    login(desktop, stack, "guilin", "admin")
    expect(desktop.locator("h1")).to_have_text("工作台")
    desktop.goto(stack.site("") + "/schools/")
    assert "/login/" in desktop.url and desktop.get_by_label("用户名").is_visible()
    for username in ("reviewer", "judge1"):
        page = login(desktop.new_page(), stack, "", username)
        for path in ("/schools/", "/schools/guilin/", "/dashboard/"):
            answer = page.goto(stack.site("") + path)
            assert answer.status == 403, (username, path)
            expect(page.locator("h1")).to_have_text("没有权限")
        assert page.locator(".topnav").get_by_role("link", name="学校").count() == 0
        assert page.locator(".topnav").get_by_role("link", name="数据看板").count() == 0
