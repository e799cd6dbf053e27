"""The provincial union runs an honours campaign from its own pages: the admin creates it, sets
the quotas in one grid (a quota below what a school used is refused beside that school), watches
the nominations arrive (a reviewer is offered no review while nominations are open), the admin
closes nominations, a reviewer reviews on a phone with a comment and is refused a decision, the
admin reviews the rest and starts the 公示 (an end before the start refused beside the field),
records an objection, decides, and records care for the new model worker in the registry.

The schools' nominations are set up through the API, and time passes (the nomination deadline,
then the 公示 period) by moving this campaign's dates in the browser stack's database: the steps
themselves are all clicked on pages.
"""
import datetime
import json
import re
import time
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import DATABASE, DEMO_PASSWORD, login
from tests.browser.test_workbench import counter


def call(stack, slug, path, payload=None, token=None):
    headers = {"Content-Type": "application/json", "Host": f"{slug + '.' if slug else ''}localhost:{stack.port}"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{stack.port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def nominate(stack, slug, campaign_id, name):
    """A school's union office nominates (its own pages are covered by test_provincial.py)."""
    token = call(stack, slug, "/api/v1/auth/token/", {"username": "admin", "password": DEMO_PASSWORD})["token"]
    return call(stack, slug, "/api/v1/honours/nominations/", {
        "campaign": campaign_id, "nominee_name": name, "gender": "female", "birth_date": "1979-04-02",
        "title": "教授", "deeds": f"{name}长期扎根教学一线，育人成效显著。"}, token)["id"]


def time_passes(sql, *params):
    """Move this journey's campaign in time, in the stack's own database."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(dbname=DATABASE, user=db["USER"], password=db.get("PASSWORD") or None,
                            host=db.get("HOST") or None, port=db.get("PORT") or None)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        conn.close()


def confirm(page):
    page.locator("#confirm-dialog-ok").click()


def test_the_admin_runs_a_campaign_from_creation_to_decision(desktop, phone, stack):
    suffix = str(int(time.time() * 1000))[-6:]
    title = f"自治区劳动模范推荐（浏览器{suffix}）"
    today = datetime.date.today()

    # The admin creates the campaign.
    login(desktop, stack, "", "admin")
    desktop.get_by_role("link", name="荣誉推荐").first.click()
    desktop.get_by_role("link", name="＋ 发起推荐活动").click()
    desktop.get_by_label("荣誉类别").select_option("自治区劳动模范和先进工作者")
    desktop.get_by_label("名称").fill(title)
    deadline = datetime.datetime.now() + datetime.timedelta(days=3)
    desktop.get_by_label("推荐截止").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    desktop.get_by_label("每校名额").fill("2")
    desktop.get_by_role("button", name="发起推荐活动").click()
    expect(desktop.get_by_role("heading", name=title)).to_be_visible()
    campaign_id = int(re.search(r"/honours/campaigns/(\d+)/", desktop.url).group(1))

    # Nominations arrive from two schools.
    first, second = f"甘老师{suffix}", f"农老师{suffix}"
    third = f"沈老师{suffix}"
    nominate(stack, "guilin", campaign_id, first)
    nominate(stack, "guilin", campaign_id, second)
    nominate(stack, "huzhou", campaign_id, third)

    # One grid for every school's quota: guilin used 2, so 1 is refused beside guilin's field.
    desktop.get_by_role("link", name="设置名额").click()
    desktop.get_by_label("桂林学院名额").fill("1")
    desktop.get_by_label("湖州师范学院名额").fill("4")
    desktop.get_by_role("button", name="保存名额").click()
    expect(desktop.locator("#id_quota_guilin_error")).to_have_text("桂林学院已推荐 2 名，名额不能少于 2。")
    assert desktop.get_by_label("湖州师范学院名额").input_value() == "4"
    desktop.get_by_label("桂林学院名额").fill("3")
    desktop.get_by_role("button", name="保存名额").click()
    expect(desktop.get_by_text("名额已保存。")).to_be_visible()

    # The nominations as they arrived, filtered by school.
    expect(desktop.get_by_text("共 3 · 待评审 3")).to_be_visible()
    desktop.locator("#nominations").get_by_label("学校").select_option("湖州师范学院")
    desktop.locator("#nominations").get_by_role("button", name="筛选").click()
    expect(desktop.get_by_role("link", name=third)).to_be_visible()
    expect(desktop.get_by_role("link", name=first)).to_have_count(0)

    # While nominations are open, a reviewer on a phone is told when the review will start.
    login(phone, stack, "", "reviewer")
    phone.goto(f"{stack.site('')}/honours/campaigns/{campaign_id}/")
    phone.get_by_role("link", name=first).click()
    expect(phone.locator("#review-closed")).to_contain_text("截止推荐并进入评审后开始")
    expect(phone.get_by_role("button", name="提交评审结果")).to_have_count(0)

    # The nomination deadline passes; the admin closes nominations (截止推荐、进入评审).
    time_passes("UPDATE honours_honourcampaign SET deadline = now() - interval '1 minute' WHERE id = %s", campaign_id)
    desktop.goto(f"{stack.site('')}/honours/campaigns/{campaign_id}/")
    desktop.get_by_role("button", name="截止推荐、进入评审").click()
    confirm(desktop)
    expect(desktop.get_by_text("已截止推荐，进入评审。学校不能再推荐或撤回。")).to_be_visible()

    # On a phone, the reviewer finds the nominations on the workbench and reviews one with a comment.
    phone.goto(stack.site(""))
    assert counter(phone, "honours_to_review") >= 3
    phone.locator('[data-todo="honours_to_review"]').click()
    phone.get_by_role("link", name=first).click()
    phone.get_by_label("不通过").check()
    phone.get_by_role("button", name="提交评审结果").click()
    expect(phone.locator("#id_comment_error")).to_have_text("“评审不通过”必须填写原因。")
    phone.get_by_label("通过", exact=True).check()
    phone.get_by_label("评审意见").fill("事迹突出，材料齐全。")
    phone.get_by_role("button", name="提交评审结果").click()
    expect(phone.get_by_text("评审结果已保存。")).to_be_visible()
    expect(phone.locator(".review-comment")).to_have_text("事迹突出，材料齐全。")
    # …and is refused a decision: no form for it, and the step itself answers 403.
    expect(phone.get_by_role("button", name="保存决定")).to_have_count(0)
    first_url = phone.url.split("#")[0]
    csrf = next(c["value"] for c in phone.context.cookies() if c["name"] == "csrftoken")
    refused = phone.request.post(first_url + "decide/", form={"award": "award"},
                                 headers={"X-CSRFToken": csrf, "Referer": first_url})
    assert refused.status == 403 and "您没有执行该操作的权限" in refused.text()

    # The admin reviews the other two from the campaign's list.
    for name, verdict, comment in ((second, "通过", "同意推荐。"), (third, "不通过", "事迹材料不够具体。")):
        desktop.goto(f"{stack.site('')}/honours/campaigns/{campaign_id}/")
        desktop.get_by_role("link", name=name).click()
        desktop.get_by_label(verdict, exact=True).check()
        desktop.get_by_label("评审意见").fill(comment)
        desktop.get_by_role("button", name="提交评审结果").click()
        expect(desktop.get_by_text("评审结果已保存。")).to_be_visible()

    # The admin starts the 公示 (an end before the start is refused beside the field).
    desktop.goto(f"{stack.site('')}/honours/campaigns/{campaign_id}/")
    desktop.get_by_label("公示开始").fill(today.isoformat())
    desktop.get_by_label("公示结束").fill((today - datetime.timedelta(days=1)).isoformat())
    desktop.get_by_role("button", name="开始公示").click()
    confirm(desktop)
    expect(desktop.locator("#id_ends_on_error")).to_have_text("公示结束日期不能早于开始日期。")
    desktop.get_by_label("公示结束").fill((today + datetime.timedelta(days=4)).isoformat())
    desktop.get_by_role("button", name="开始公示").click()
    confirm(desktop)
    expect(desktop.get_by_text("已开始公示：2 条推荐进入公示。")).to_be_visible()

    # An objection during the 公示.
    desktop.get_by_role("link", name=second).click()
    desktop.get_by_label("异议内容").fill("有教师反映其获奖时间有误。")
    desktop.get_by_role("button", name="记录异议").click()
    expect(desktop.get_by_text("异议已记录。")).to_be_visible()
    expect(desktop.locator("#objections").get_by_text("有教师反映其获奖时间有误。")).to_be_visible()

    # The 公示 ends; the admin decides both.
    time_passes("UPDATE honours_honourcampaign SET publicity_starts_on = %s, publicity_ends_on = %s WHERE id = %s",
                today - datetime.timedelta(days=6), today - datetime.timedelta(days=1), campaign_id)
    desktop.reload()
    desktop.get_by_label("不予授予").check()
    desktop.get_by_label("说明").fill("经核实异议属实。")
    desktop.get_by_role("button", name="保存决定").click()
    confirm(desktop)
    expect(desktop.get_by_text("已决定不予授予。")).to_be_visible()
    desktop.goto(f"{stack.site('')}/honours/campaigns/{campaign_id}/")
    desktop.get_by_role("link", name=first).click()
    desktop.get_by_label("授予", exact=True).check()
    desktop.get_by_role("button", name="保存决定").click()
    confirm(desktop)
    expect(desktop.get_by_text("已授予，已记入荣誉获得者名录。")).to_be_visible()
    desktop.goto(f"{stack.site('')}/honours/campaigns/{campaign_id}/")
    expect(desktop.get_by_text("已确定", exact=True).first).to_be_visible()

    # The registry: search, then care for the new model worker.
    desktop.get_by_role("link", name="荣誉获得者名录").click()
    desktop.locator("#records").get_by_label("搜索").fill(first)
    desktop.locator("#records").get_by_role("button", name="筛选").click()
    desktop.get_by_role("link", name=first).click()
    desktop.get_by_label("关爱类别").select_option("春节慰问")
    desktop.get_by_label("金额（元）").fill("800")
    desktop.get_by_role("button", name="保存关爱记录").click()
    expect(desktop.get_by_text("关爱记录已保存。")).to_be_visible()
    expect(desktop.locator("#care").get_by_text("¥800.00")).to_be_visible()
