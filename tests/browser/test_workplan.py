"""The year's plan in the browser: the office pastes a notice (refused first for a text that is not
a plan), checks the preview and saves it as next year's plan of 山西大同大学 (this year's is the
demo's), assigns a task to 文学院's branch; its chair (chair1) writes progress with a file on a
phone and marks the task done. The plan has a unique title; the demo's plans stay as they are.
The API is the oracle."""
import datetime
import time

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import api, no_horizontal_scroll


def confirm(page, label):
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=label).click()


def test_the_office_imports_a_notice_and_the_owner_reports_progress_on_a_phone(desktop, phone, stack):
    tag = str(int(time.time() * 1000))[-7:]
    year = datetime.date.today().year + 1
    first_point = f"组织教职工开展理论学习{tag}"
    notice = "\n".join([
        f"关于印发《山西大同大学工会{year}年工作要点》的通知", "各分工会：",
        f"现将《山西大同大学工会{year}年工作要点》印发给你们，请认真贯彻落实。", "山西大同大学工会",
        "一、加强思想政治引领", f"1.{first_point}。", "2.开展师德师风建设活动。",
        "二、维护教职工合法权益", "1.召开教职工代表大会。", "2.组织教职工健康体检。"])

    login(desktop, stack, "sxdtu", "admin")
    desktop.goto(stack.site("sxdtu") + "/workplan/")
    desktop.get_by_role("link", name="导入工作要点").click()
    desktop.get_by_role("textbox", name="通知全文").fill("明天下午三点在图书馆开会，请准时参加。")
    desktop.get_by_role("button", name="预览识别结果").click()
    expect(desktop.locator(".field-error")).to_be_visible()
    expect(desktop.get_by_text("第二步：核对识别结果")).to_have_count(0)

    desktop.get_by_role("textbox", name="通知全文").fill(notice)
    desktop.get_by_role("button", name="预览识别结果").click()
    expect(desktop.get_by_test_id("parse-summary")).to_contain_text("2 个章节、4 条要点")
    expect(desktop.get_by_label("计划年度")).to_have_value(str(year))
    desktop.get_by_role("button", name="保存为年度计划").click()
    expect(desktop.get_by_text("已保存为年度工作计划")).to_be_visible()
    plan = [p for p in api(stack, "sxdtu", "/api/v1/workplan/plans/")["results"] if p["year"] == year][0]
    assert plan["task_count"] == 4

    desktop.get_by_role("link", name=first_point).click()
    desktop.get_by_text("修改任务（负责方、月份、完成期限）").click()
    desktop.get_by_label("负责方", exact=True).select_option(label="文学院")
    desktop.get_by_role("button", name="保存修改").click()
    expect(desktop.get_by_text("任务已保存")).to_be_visible()
    expect(desktop.get_by_test_id("task-owner")).to_have_text("文学院分工会")
    task_url = desktop.url

    login(phone, stack, "sxdtu", "chair1")
    phone.goto(stack.site("sxdtu") + f"/workplan/?year={year}&mine=1")
    expect(phone.get_by_test_id("my-tasks")).to_contain_text(first_point)
    assert no_horizontal_scroll(phone)
    phone.get_by_test_id("my-tasks").get_by_role("link", name=first_point).click()
    assert phone.url == task_url
    phone.get_by_label("进展情况").fill("已组织全院教职工集中学习两次。")
    phone.get_by_label("进度（%）").fill("60")
    phone.get_by_label("附件（可多选）").set_input_files(
        [{"name": "学习记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 notes"}])
    phone.get_by_role("button", name="记录进展").click()
    expect(phone.get_by_text("进展已记录")).to_be_visible()
    expect(phone.get_by_test_id("task-notes")).to_contain_text("学习记录.pdf")
    expect(phone.get_by_test_id("task-progress")).to_contain_text("60%")
    assert no_horizontal_scroll(phone)
    phone.get_by_role("button", name="标记完成").click()
    confirm(phone, "标记完成")
    expect(phone.get_by_text("已标记完成")).to_be_visible()
    task_id = task_url.rstrip("/").split("/")[-1]
    answer = api(stack, "sxdtu", f"/api/v1/workplan/tasks/{task_id}/", username="chair1")
    assert answer["status"] == "done" and answer["progress"] == 100
    assert api(stack, "sxdtu", f"/api/v1/workplan/tasks/{task_id}/notes/")["count"] == 1
