"""先进教职工之家 from the provincial site, in real Chromium: the provincial admin creates a round and
adds a criterion, opens it; 桂林学院's union office applies with its self-scores; the reviewer, on a
phone, scores against each criterion (a score above a criterion's maximum is refused beside it) and
is refused the decision; the admin records an inspection, confirms, and finds the unit on the
confirmed list."""
import datetime
import re
import time
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_workbench import no_horizontal_scroll

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(moment: datetime.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_a_round_from_creation_to_the_confirmed_list(desktop, phone, stack):
    tag = str(int(time.time() * 1000))[-6:]
    title, unit, extra = f"建家评选{tag}", f"外国语学院分工会{tag}", f"特色{tag}"
    now = datetime.datetime.now(SHANGHAI)
    province = stack.site("")

    # The admin creates the round (筹备中, with the criteria of the latest round), adds one, opens it.
    admin = login(desktop, stack, "", "admin")
    admin.get_by_role("link", name="建家").first.click()
    admin.get_by_role("link", name="＋ 新建评选").click()
    admin.get_by_label("名称", exact=True).fill(title)
    admin.get_by_label("申报开始").fill(local(now - datetime.timedelta(hours=1)))
    admin.get_by_label("申报截止").fill(local(now + datetime.timedelta(days=10)))
    admin.get_by_role("button", name="保存").click()
    expect(admin.get_by_text("评选已建立（筹备中）")).to_be_visible()
    admin.locator("summary", has_text="添加建家标准").click()
    admin.get_by_label("标准名称").fill(extra)
    admin.get_by_label("满分", exact=True).fill("10")
    admin.get_by_role("button", name="添加标准").click()
    expect(admin.get_by_text("建家标准已添加。")).to_be_visible()
    expect(admin.locator(f'tr[data-criterion="{extra}"]')).to_contain_text("10")
    admin.get_by_role("button", name="开始申报").click()
    admin.locator("#confirm-dialog-ok").click()
    expect(admin.get_by_text("已开始申报：学校现在可以在本校站点申报。")).to_be_visible()

    # 桂林学院's union office applies from its own site (another session).
    school = login(desktop.new_page(), stack, "guilin", "admin")
    school.goto(stack.site("guilin") + "/provincial/staff-homes/")
    school.locator("tr", has_text=title).get_by_role("link", name="申报").click()
    school.get_by_label("申报类别").select_option("small_home")
    school.get_by_label("申报单位").fill(unit)
    expect(school.locator('input[name^="self_scores."]')).to_have_count(6)
    for field in school.locator('input[name^="self_scores."]').all():
        field.fill("9")
    school.get_by_label("自评报告").fill("分工会制度健全，教工小家活动丰富。")
    school.get_by_role("button", name="提交申报").click()
    expect(school.get_by_text("已申报。可以继续上传台账、照片等材料。")).to_be_visible()

    # The reviewer, on a phone: from the workbench to the application; a score above its maximum
    # is refused beside that criterion and nothing is saved; then the scores are saved.
    reviewer = login(phone, stack, "", "reviewer")
    reviewer.get_by_role("link", name=f"桂林学院 {unit}").click()
    rule = reviewer.get_by_label("规范（满分 20）")
    # .all() does not wait: the page with all six criteria (five defaults + the round's own) first
    expect(reviewer.locator('input[name^="scores."]')).to_have_count(6)
    inputs = reviewer.locator('input[name^="scores."]').all()
    for field in inputs:
        field.fill("8")
    rule.fill("25")
    reviewer.get_by_label("评审意见").fill("台账齐全")
    reviewer.get_by_role("button", name="提交评分").click()
    beside_rule = reviewer.locator(".field", has=reviewer.get_by_label("规范（满分 20）")).locator(".field-error")
    expect(beside_rule).to_have_text("“规范”的分数应在 0 到 20.00 之间。")
    expect(reviewer.get_by_text("尚无评分")).to_be_visible()
    reviewer.get_by_label("规范（满分 20）").fill("18")
    reviewer.get_by_role("button", name="提交评分").click()
    expect(reviewer.get_by_text("评分已保存。")).to_be_visible()
    expect(reviewer.locator("[data-review-total]")).to_have_text(f"{8 * len(inputs) + 10}.00（1 人评分）")
    assert no_horizontal_scroll(reviewer)

    # The decision is the admin's: the reviewer's page offers none, and a forged post is refused.
    expect(reviewer.get_by_text("确认或不予确认由自治区教育工会管理员决定。")).to_be_visible()
    expect(reviewer.get_by_role("button", name="确认", exact=True)).to_have_count(0)
    application = re.search(r"/staff-homes/applications/(\d+)/", reviewer.url).group(1)
    token = reviewer.locator('input[name="csrfmiddlewaretoken"]').first.get_attribute("value")
    forged = reviewer.request.post(f"{province}/staff-homes/applications/{application}/decide/",
                                   form={"csrfmiddlewaretoken": token, "decision": "confirm", "note": ""})
    assert forged.status == 403

    # The admin: from the workbench's 待确认 list, records the inspection and confirms.
    admin.goto(province + "/")
    admin.get_by_role("link", name=re.compile(f"桂林学院 {unit}")).click()
    admin.locator("summary", has_text="记录实地检查").click()
    admin.get_by_label("检查人员").fill("李处长、王科长")
    admin.get_by_label("检查情况").fill("小家活动室 60 平方米，台账规范。")
    admin.get_by_role("button", name="保存检查记录").click()
    expect(admin.get_by_text("实地检查记录已保存。")).to_be_visible()
    admin.get_by_label("确认意见").fill("材料与实地检查相符。")
    admin.get_by_role("button", name="确认", exact=True).click()
    admin.locator("#confirm-dialog-ok").click()
    expect(admin.get_by_text("已确认为先进。")).to_be_visible()
    expect(admin.get_by_text(f"{now.year + 3} 年复查").first).to_be_visible()

    admin.get_by_role("link", name="建家").first.click()
    admin.get_by_role("link", name="确认名单").click()
    admin.get_by_label("确认年度").select_option(str(now.year))
    admin.get_by_role("button", name="筛选").click()
    expect(admin.locator("table").get_by_role("link", name=unit)).to_be_visible()
