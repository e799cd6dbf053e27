"""The provincial admin runs a teaching competition from its groups to published results, from the
pages: a quota below what a school used is explained beside the field; three schools' entries are
confirmed (one rejected with a reason); judge1…judge3 form the 文科 panel, which shows that nobody
has a contestant of their own school; judging starts; each judge scores from their own page —
judge1 on a phone, first with a score out of range, and refused the contestant of their own school;
then the admin publishes and reads ranks, tiers and the national recommendation.

Set-up through the API: the schools' registrations (their own pages are the school side's journey).
Everything is created under unique names, so the demo's competition and other files stay untouched.
"""
import datetime
import json
import re
import time
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, login


def call(stack, slug, path, payload, token=None):
    host = f"{slug}.localhost" if slug else "localhost"
    headers = {"Content-Type": "application/json", "Host": f"{host}:{stack.port}"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{path}", data=json.dumps(payload).encode(),
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def register(stack, slug, group_id, name, birth="1991-05-01"):
    token = call(stack, slug, "/api/v1/auth/token/", {"username": "admin", "password": DEMO_PASSWORD})["token"]
    return call(stack, slug, "/api/v1/competitions/entries/", {
        "group": group_id, "name": name, "gender": "female", "birth_date": birth, "course": "大学语文"}, token)["id"]


def tab(page, name):
    page.get_by_role("navigation", name="竞赛各项工作").get_by_role("link", name=name).click()


def confirm_dialog(page):
    page.locator("#confirm-dialog-ok").click()


def score(card, value):
    for label in ("教学设计", "课堂教学", "教学反思"):
        card.get_by_label(label).fill(str(value))
    card.get_by_role("button", name=re.compile("保存")).click()


def scoring_page(page, stack, competition_id):
    """From the workbench: the counter of contestants to score → 我的评审 → this competition."""
    page.locator('[data-todo="competition_scoring"]').click()
    page.locator(f'[data-competition="{competition_id}"]').get_by_role("link", name="去评分").click()
    expect(page.locator(".score-progress-text")).to_contain_text("已评 0")


def test_the_admin_runs_a_competition_to_published_results_with_three_judges(desktop, phone, stack):
    suffix = str(int(time.time() * 1000))[-6:]
    title = f"第十一届全区高校青年教师教学竞赛（{suffix}）"
    site = stack.site("")

    # ---- the admin publishes the competition with its groups ----
    admin = login(desktop, stack, "", "admin")
    admin.get_by_role("link", name="教学竞赛").first.click()
    admin.get_by_role("link", name="发布竞赛").click()
    admin.get_by_label("名称").fill(title)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    admin.get_by_label("报名开始").fill(f"{yesterday.isoformat()}T09:00")
    admin.get_by_label("组别与每校名额").fill("文科 2\n理科 1")
    admin.get_by_role("button", name="发布竞赛").click()
    expect(admin.get_by_role("heading", name=title)).to_be_visible()
    competition_id = int(re.search(r"/competitions/(\d+)/", admin.url).group(1))

    # ---- the schools register (set-up), the admin tries a quota below what is used ----
    tab(admin, "组别与名额")
    groups = dict(zip(admin.locator("tr[data-group] td.primary").all_inner_texts(),
                      (int(g) for g in admin.locator("tr[data-group]").evaluate_all(
                          "rows => rows.map(r => r.dataset.group)"))))
    names = {slug: f"{name}{suffix}" for slug, name in
             (("guilin", "韦"), ("huzhou", "沈"), ("hnit", "刘"), ("sxdtu", "赵"))}
    entries = {slug: register(stack, slug, groups["文科"], name) for slug, name in names.items()}
    admin.reload()
    admin.get_by_label("文科每校名额").fill("0")
    admin.get_by_role("button", name="保存名额").click()
    expect(admin.locator(f"#id_q-quota_{groups['文科']}_error")).to_have_text(
        "已有学校在文科报名 1 名，名额不能少于 1。")
    expect(admin.locator(f'tr[data-group="{groups["文科"]}"] td[data-label="每校名额"]')).to_have_text("2")

    # ---- eligibility: three confirmed, one rejected with a reason ----
    tab(admin, "资格审查")
    expect(admin.get_by_text("年龄限制：截至")).to_be_visible()
    for slug in ("guilin", "huzhou", "hnit"):
        row = admin.locator(f'tr[data-entry="{entries[slug]}"]')
        expect(row.locator(".age-check")).to_contain_text("符合")
        row.get_by_role("button", name="确认").click()
        expect(admin.get_by_text(f"已确认{names[slug]}的参赛资格。")).to_be_visible()
    admin.locator(f'tr[data-entry="{entries["sxdtu"]}"]').get_by_role("link", name="不通过…").click()
    admin.get_by_role("button", name="资格审查不通过").click()
    expect(admin.locator("#id_reason_error")).to_have_text("“资格审查不通过”必须填写原因。")
    admin.get_by_label("不通过的原因").fill("参赛课程与组别不符。")
    admin.get_by_role("button", name="资格审查不通过").click()
    expect(admin.locator(f'tr[data-entry="{entries["sxdtu"]}"]')).to_contain_text("未通过资格审查")

    # ---- the 文科 panel: judge1 (桂林学院), judge2 (湖州师范学院), judge3 (province) ----
    tab(admin, "评审组")
    panel = admin.locator(f"#group-{groups['文科']}")
    for name in ("评委1", "评委2", "评委3"):
        panel.get_by_label(re.compile(name)).check()
    panel.get_by_role("button", name="加入文科评审组").click()
    panel = admin.locator(f"#group-{groups['文科']}")
    expect(panel.locator(".own-school-check")).to_have_text("✓ 没有评委被分配本校选手")
    expect(panel.locator('tr[data-judge="judge1"] .own-school')).to_have_text("无（回避 1 名）")
    expect(panel.locator('tr[data-judge="judge3"] td[data-label="分配"]')).to_have_text("3 名")

    tab(admin, "概况")
    admin.get_by_role("button", name="进入评审").click()
    confirm_dialog(admin)
    expect(admin.get_by_text("已进入评审，报名停止。")).to_be_visible()

    # ---- judge1 on a phone: refused their own school, a score out of range, then two scores ----
    judge1 = login(phone, stack, "", "judge1")
    refused = phone.goto(f"{site}/competitions/score/{entries['guilin']}/")
    assert refused.status == 403
    expect(phone.get_by_text("评委不能为本校选手评分（回避）。")).to_be_visible()
    phone.goto(site + "/")
    scoring_page(judge1, stack, competition_id)
    expect(judge1.locator(f'[data-entry="{entries["guilin"]}"]')).to_have_count(0)
    card = judge1.locator(f'#entry-{entries["huzhou"]}')
    card.get_by_label("教学设计").fill("95")
    card.get_by_label("课堂教学").fill("120")
    card.get_by_label("教学反思").fill("90")
    card.get_by_role("button", name="保存评分").click()
    expect(card.locator(".field-error")).to_have_text("课堂教学应在 0 到 100 之间。")
    expect(card.get_by_label("课堂教学")).to_have_value("120")
    expect(judge1.locator(".score-progress-text")).to_contain_text("已评 0 / 2")
    score(card, 90)
    expect(card.get_by_text("已评分", exact=True)).to_be_visible()
    expect(judge1.locator(".score-progress-text")).to_contain_text("已评 1 / 2")
    score(judge1.locator(f'#entry-{entries["hnit"]}'), 70)
    expect(judge1.locator(".score-progress-text")).to_contain_text("全部评完")
    assert judge1.locator("progress").first.get_attribute("value") == "2"
    assert judge1.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")

    # ---- judge2 and judge3 on desktops ----
    for username, plan in (("judge2", {"guilin": 80, "hnit": 70}),
                           ("judge3", {"guilin": 80, "huzhou": 90, "hnit": 70})):
        judge = login(desktop.new_page(), stack, "", username)
        scoring_page(judge, stack, competition_id)
        for slug, value in plan.items():
            score(judge.locator(f"#entry-{entries[slug]}"), value)
            expect(judge.locator(f"#entry-{entries[slug]}").get_by_text("已评分", exact=True)).to_be_visible()
        expect(judge.locator(".score-progress-text")).to_contain_text("全部评完")

    # ---- the admin publishes: 沈 first (二等奖, recommended), 韦 三等奖, 刘 no award ----
    admin.goto(f"{site}/")
    admin.locator('[data-todo="competitions_to_publish"]').click()
    if f"/competitions/{competition_id}/results/" not in admin.url:  # other competitions are ready too
        admin.goto(f"{site}/competitions/{competition_id}/results/")
    expect(admin.get_by_text("已评 7 / 7")).to_be_visible()
    admin.get_by_role("button", name="公布成绩").click()
    confirm_dialog(admin)
    expect(admin.get_by_text("成绩已公布。")).to_be_visible()
    wenke = admin.locator(f'section[data-group="{groups["文科"]}"]')
    assert wenke.locator('td[data-label="选手"]').all_inner_texts() == [names["huzhou"], names["guilin"], names["hnit"]]
    assert wenke.locator('td[data-label="奖项"]').all_inner_texts() == ["二等奖", "三等奖", "未获奖"]
    assert wenke.locator('td[data-label="全国赛"]').all_inner_texts() == ["推荐", "—", "—"]
    assert wenke.locator('td[data-label="最终得分"]').all_inner_texts() == ["90.000", "80.000", "70.000"]
