"""The provincial honours pages: campaigns, the quota grid, nominations as they arrive, review,
公示, objections, decision, the registry with care records, and the workbench counters. Every
refusal is the service's, beside its field, with nothing written."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from shared.honours import services
from shared.honours.models import CampaignQuota, HonourCampaign, HonourRecord, ModelWorkerCare, Nomination
from tenants.accounts.roles import Role
from tests.config.test_deploy import inline_code
from tests.conftest import signed_in, text


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def reviewer(province):
    return signed_in(province, [Role.PROVINCE_REVIEWER])


@pytest.fixture
def campaign():
    return services.campaign_create(by=None, kind="regional_model", year=2026, title="2026 年自治区劳动模范推荐",
                                    deadline=timezone.now() + datetime.timedelta(days=10), default_quota=2)


def nominate(campaign, school, name="韦老师"):
    return services.nomination_submit(by=None, campaign=campaign, school=school, nominee_name=name, gender="male",
                                      birth_date=datetime.date(1970, 1, 1), deeds="事迹突出")


def close(campaign):
    """The nomination deadline passes."""
    HonourCampaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))


def start_review(campaign, by):
    """The deadline passes and the admin closes nominations (截止推荐、进入评审): the campaign is 评审中."""
    close(campaign)
    return services.campaign_start_review(campaign=campaign, by=by)


def field_error(page, field, message):
    return f'id="id_{field}_error">{message}' in page


# ---- who may open what ----------------------------------------------------------------------------

def test_every_page_is_for_provincial_staff_and_only_on_the_provincial_host(campaign, guilin, province, admin,
                                                                           reviewer):
    nomination = nominate(campaign, guilin)
    record = HonourRecord.objects.create(school=guilin, person_name="覃老师", kind="national_model", year=2025)
    everyone = ["/honours/", f"/honours/campaigns/{campaign.pk}/", "/honours/nominations/",
                f"/honours/nominations/{nomination.pk}/", "/honours/records/", f"/honours/records/{record.pk}/"]
    admin_only = ["/honours/campaigns/new/", f"/honours/campaigns/{campaign.pk}/quotas/"]
    judge = signed_in(province, [Role.JUDGE])
    school_admin = signed_in(guilin, [Role.UNION_ADMIN])
    for url in everyone + admin_only:
        assert admin.get(url).status_code == 200, url
        assert reviewer.get(url).status_code == (200 if url in everyone else 403), url
        refused = judge.get(url)
        assert refused.status_code == 403 and "您没有执行该操作的权限" in text(refused), url
        assert Client(HTTP_HOST="localhost").get(url)["Location"].startswith("/login/?next="), url
        assert school_admin.get(url).status_code == 404, url
    for url in (f"/honours/campaigns/{campaign.pk}/start-review/", f"/honours/nominations/{nomination.pk}/decide/",
                f"/honours/nominations/{nomination.pk}/objections/"):
        assert reviewer.post(url).status_code == 403, url
        assert judge.post(url).status_code == 403, url
    assert reviewer.post(f"/honours/records/{record.pk}/", {"kind": "other", "given_on": "2026-01-01"}).status_code == 403
    assert reviewer.post(f"/honours/campaigns/{campaign.pk}/", {"starts_on": "2026-01-01",
                                                               "ends_on": "2026-01-05"}).status_code == 403
    assert not ModelWorkerCare.objects.exists()
    assert admin.get("/honours/nominations/999999/").status_code == 404
    assert admin.get("/honours/campaigns/999999/").status_code == 404
    for url in everyone + admin_only:  # the Content-Security-Policy would block inline code
        code = inline_code(admin.get(url))
        assert not code.style_attributes and not code.inline, url


def test_the_navigation_shows_honours_to_admin_and_reviewer(admin, reviewer, province):
    assert 'href="/honours/"' in text(admin.get("/"))
    assert 'href="/honours/"' in text(reviewer.get("/"))
    assert 'href="/honours/"' not in text(signed_in(province, [Role.JUDGE]).get("/"))


# ---- campaigns and quotas -------------------------------------------------------------------------

def test_the_admin_creates_a_campaign_and_bad_input_is_explained_beside_each_field(admin):
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = text(admin.post("/honours/campaigns/new/", {"kind": "", "year": "2026", "title": "五一劳动奖状推荐",
                                                          "deadline": past, "default_quota": "200"}))
    assert field_error(refused, "kind", "请选择荣誉类别。")
    assert field_error(refused, "deadline", "推荐截止时间应晚于现在。")
    assert field_error(refused, "default_quota", "每校名额应在 0 到 100 之间。")
    assert 'value="五一劳动奖状推荐"' in refused
    assert not HonourCampaign.objects.filter(title="五一劳动奖状推荐").exists()

    future = (timezone.localtime() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    created = admin.post("/honours/campaigns/new/", {"kind": "may_day_certificate", "year": "2026",
                                                      "title": "五一劳动奖状推荐", "deadline": future,
                                                      "default_quota": "1"}, follow=True)
    campaign = HonourCampaign.objects.get(title="五一劳动奖状推荐")
    page = text(created)
    assert created.redirect_chain[-1][0] == f"/honours/campaigns/{campaign.pk}/"
    assert "推荐活动已发起" in page and "五一劳动奖状（集体荣誉）" in page
    listed = text(admin.get("/honours/"))
    assert "五一劳动奖状推荐" in listed and "发起推荐活动" in listed


def test_the_create_form_is_saved_once_when_sent_twice(admin):
    future = (timezone.localtime() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "ethics_model", "year": "2026", "title": "师德标兵推荐", "deadline": future,
            "default_quota": "1", "submission": "same-token-for-both"}
    admin.post("/honours/campaigns/new/", data)
    again = admin.post("/honours/campaigns/new/", data, follow=True)
    assert "已经提交过" in text(again)
    assert HonourCampaign.objects.filter(title="师德标兵推荐").count() == 1


def test_the_quota_grid_refuses_a_quota_below_what_a_school_used_beside_that_school(admin, campaign, guilin,
                                                                                    huzhou, hnit):
    nominate(campaign, guilin, "甲")
    nominate(campaign, guilin, "乙")
    url = f"/honours/campaigns/{campaign.pk}/quotas/"
    grid = text(admin.get(url))
    assert 'data-school="guilin"' in grid and 'name="quota_guilin"' in grid and 'placeholder="默认 2"' in grid

    refused = text(admin.post(url, {"default_quota": "3", "quota_guilin": "1", "quota_huzhou": "4", "quota_hnit": ""}))
    assert field_error(refused, "quota_guilin", "桂林学院已推荐 2 名，名额不能少于 2。")
    assert "id_quota_huzhou_error" not in refused and 'value="4"' in refused
    campaign.refresh_from_db()
    assert campaign.default_quota == 2 and not CampaignQuota.objects.filter(campaign=campaign).exists()

    by_default = text(admin.post(url, {"default_quota": "1", "quota_guilin": "", "quota_huzhou": "", "quota_hnit": ""}))
    assert field_error(by_default, "quota_guilin",
                       "桂林学院已推荐 2 名，按每校名额 1 名计会少于已推荐的人数；请为该校填写不少于 2 的名额。")

    saved = admin.post(url, {"default_quota": "1", "quota_guilin": "2", "quota_huzhou": "", "quota_hnit": "3"},
                       follow=True)
    assert "名额已保存" in text(saved)
    campaign.refresh_from_db()
    assert campaign.default_quota == 1
    assert dict(campaign.quotas.values_list("school__slug", "quota")) == {"guilin": 2, "hnit": 3}
    assert 'value="2"' in text(admin.get(url))


# ---- nominations arrive, are reviewed ------------------------------------------------------------

def test_nominations_are_listed_by_campaign_and_filtered_by_school_and_status(admin, campaign, guilin, huzhou):
    nominate(campaign, guilin, "韦老师")
    other = nominate(campaign, huzhou, "沈老师")
    start_review(campaign, admin.user)
    services.nomination_review(nomination=other, by=admin.user, passed=True)
    page = text(admin.get(f"/honours/campaigns/{campaign.pk}/"))
    assert "韦老师" in page and "沈老师" in page and "共 2 · 待评审 1 · 评审通过 1" in page
    only_guilin = text(admin.get(f"/honours/campaigns/{campaign.pk}/", {"school": "guilin"}))
    assert "韦老师" in only_guilin and "沈老师" not in only_guilin
    passed = text(admin.get("/honours/nominations/", {"status": "passed"}))
    assert "沈老师" in passed and "韦老师" not in passed
    searched = text(admin.get("/honours/nominations/", {"q": "韦", "campaign": str(campaign.pk)}))
    assert "韦老师" in searched and "沈老师" not in searched


def test_no_review_is_offered_while_the_campaign_is_open_and_the_page_says_when(reviewer, admin, campaign, guilin):
    nomination = nominate(campaign, guilin)
    url = f"/honours/nominations/{nomination.pk}/"
    deadline = timezone.localtime(campaign.deadline).strftime("%Y-%m-%d %H:%M")
    when = f"评审在推荐截止（{deadline}）、自治区教育工会截止推荐并进入评审后开始。"
    for browser in (reviewer, admin):
        page = text(browser.get(url))
        assert "提交评审结果" not in page and 'id="review-closed"' in page and when in page
    # a form sent from a page opened earlier (or by hand) is refused, the reason shown, nothing written
    refused = text(reviewer.post(url, {"passed": "pass", "comment": "同意"}, follow=True))
    assert "还在推荐中" in refused and "评审结果已保存" not in refused and "提交评审结果" not in refused
    nomination.refresh_from_db()
    assert (nomination.status, nomination.review_comment) == ("submitted", "")
    # past the deadline but not yet closed by the admin: still not
    close(campaign)
    assert "提交评审结果" not in text(reviewer.get(url))
    services.campaign_start_review(campaign=campaign, by=admin.user)
    page = text(reviewer.get(url))
    assert "提交评审结果" in page and 'id="review-closed"' not in page


def test_a_reviewer_reviews_with_a_comment_and_is_refused_a_decision(reviewer, admin, campaign, guilin):
    nomination = nominate(campaign, guilin)
    start_review(campaign, admin.user)
    url = f"/honours/nominations/{nomination.pk}/"
    page = text(reviewer.get(url))
    assert "提交评审结果" in page and "保存决定" not in page
    no_verdict = text(reviewer.post(url, {"comment": "材料齐全"}))
    assert field_error(no_verdict, "passed", "请选择评审结论。")
    no_comment = text(reviewer.post(url, {"passed": "fail", "comment": " "}))
    assert field_error(no_comment, "comment", "“评审不通过”必须填写原因。")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED

    passed = text(reviewer.post(url, {"passed": "pass", "comment": "事迹突出，材料齐全"}, follow=True))
    assert "评审结果已保存" in passed and "事迹突出，材料齐全" in passed and "提交评审结果" not in passed
    nomination.refresh_from_db()
    assert (nomination.status, nomination.review_comment) == ("passed", "事迹突出，材料齐全")

    refused = reviewer.post(url + "decide/", {"award": "award"})
    assert refused.status_code == 403 and "您没有执行该操作的权限" in text(refused)
    nomination.refresh_from_db()
    assert nomination.status == "passed"


def test_the_admin_closes_nominations_after_the_deadline(admin, campaign, guilin):
    nominate(campaign, guilin)
    url = f"/honours/campaigns/{campaign.pk}/"
    assert "推荐截止后可以截止推荐、进入评审" in text(admin.get(url))
    early = text(admin.post(url + "start-review/", follow=True))
    assert "后才能进入评审" in early
    campaign.refresh_from_db()
    assert campaign.status == "open"
    close(campaign)
    done = text(admin.post(url + "start-review/", follow=True))
    assert "已截止推荐，进入评审" in done
    campaign.refresh_from_db()
    assert campaign.status == "reviewing"
    assert "推荐中 → 评审中" in done


def test_a_publicity_ending_before_it_starts_is_refused_beside_the_end_date(admin, campaign, guilin):
    nomination = nominate(campaign, guilin)
    start_review(campaign, admin.user)
    services.nomination_review(nomination=nomination, by=admin.user, passed=True)
    url = f"/honours/campaigns/{campaign.pk}/"
    today = timezone.localdate()
    refused = text(admin.post(url, {"starts_on": str(today), "ends_on": str(today - datetime.timedelta(days=1))}))
    assert field_error(refused, "ends_on", "公示结束日期不能早于开始日期。")
    campaign.refresh_from_db()
    nomination.refresh_from_db()
    assert (campaign.status, campaign.publicity_starts_on, nomination.status) == ("reviewing", None, "passed")

    started = text(admin.post(url, {"starts_on": str(today), "ends_on": str(today + datetime.timedelta(days=4))},
                              follow=True))
    assert "已开始公示：1 条推荐进入公示" in started
    campaign.refresh_from_db()
    assert campaign.status == "publicizing" and campaign.publicity_ends_on == today + datetime.timedelta(days=4)


def test_objections_during_the_notice_then_the_decision_after_it(admin, campaign, guilin):
    won, lost = nominate(campaign, guilin, "王老师"), nominate(campaign, guilin, "赵老师")
    start_review(campaign, admin.user)
    for nomination in (won, lost):
        services.nomination_review(nomination=nomination, by=admin.user, passed=True)
    today = timezone.localdate()
    services.campaign_publicize(campaign=campaign, by=admin.user, starts_on=today, ends_on=today)
    url = f"/honours/nominations/{lost.pk}/"
    empty = text(admin.post(url + "objections/", {"content": ""}))
    assert field_error(empty, "content", "异议内容不能为空。")
    recorded = text(admin.post(url + "objections/", {"content": "反映事迹材料与实际不符"}, follow=True))
    assert "异议已记录" in recorded and "反映事迹材料与实际不符" in recorded

    early = text(admin.post(f"/honours/nominations/{won.pk}/decide/", {"award": "award"}))
    assert f"公示期到 {today.year}年{today.month}月{today.day}日 结束，结束后才能授予。" in early
    no_note = text(admin.post(url + "decide/", {"award": "decline", "note": ""}))
    assert field_error(no_note, "note", "“不予授予”必须填写原因。")
    assert not HonourRecord.objects.exists()

    HonourCampaign.objects.filter(pk=campaign.pk).update(publicity_ends_on=today - datetime.timedelta(days=1))
    awarded = text(admin.post(f"/honours/nominations/{won.pk}/decide/", {"award": "award"}, follow=True))
    assert "已授予，已记入荣誉获得者名录" in awarded
    admin.post(url + "decide/", {"award": "decline", "note": "异议属实"})
    won.refresh_from_db()
    lost.refresh_from_db()
    campaign.refresh_from_db()
    assert (won.status, lost.status, campaign.status) == ("awarded", "not_awarded", "decided")
    assert HonourRecord.objects.get().person_name == "王老师"


# ---- the registry ---------------------------------------------------------------------------------

def test_the_registry_is_searched_and_care_is_recorded_with_its_amount(admin, reviewer, guilin, huzhou):
    qin = HonourRecord.objects.create(school=guilin, person_name="覃老师", kind="national_model", year=2025)
    HonourRecord.objects.create(school=huzhou, person_name="沈老师", kind="may_day_medal", year=2024)
    found = text(admin.get("/honours/records/", {"q": "覃"}))
    assert "覃老师" in found and "沈老师" not in found
    by_school = text(admin.get("/honours/records/", {"school": "huzhou", "year": "2024"}))
    assert "沈老师" in by_school and "覃老师" not in by_school

    url = f"/honours/records/{qin.pk}/"
    assert "保存关爱记录" not in text(reviewer.get(url))
    refused = text(admin.post(url, {"kind": "", "given_on": "", "amount": "八百"}))
    assert field_error(refused, "kind", "请选择关爱类别。") and field_error(refused, "given_on", "请填写日期。")
    assert field_error(refused, "amount", "金额（元）应为数字。")
    assert not ModelWorkerCare.objects.exists()
    saved = text(admin.post(url, {"kind": "spring_festival", "given_on": str(timezone.localdate()),
                                  "amount": "800", "note": "春节走访"}, follow=True))
    assert "关爱记录已保存" in saved and "¥800.00" in saved and "春节走访" in saved
    assert "¥800.00" in text(admin.get("/honours/records/"))


def test_an_honour_given_before_the_platform_is_registered_by_the_admin(admin, reviewer, guilin):
    assert "登记荣誉获得者" not in text(reviewer.get("/honours/records/"))
    assert reviewer.post("/honours/records/", {"school": "guilin", "person_name": "黎老师", "kind": "national_model",
                                               "year": "2019"}).status_code == 403
    next_year = str(timezone.localdate().year + 1)
    refused = text(admin.post("/honours/records/", {"school": "", "person_name": "黎老师", "kind": "national_model",
                                                     "year": next_year}))
    assert field_error(refused, "school", "请选择学校。")
    assert field_error(refused, "year", f"年度应在 1950 到 {timezone.localdate().year} 之间。")
    assert "<details class=\"card\" id=\"register\" open>" in refused and 'value="黎老师"' in refused
    assert not HonourRecord.objects.exists()
    created = admin.post("/honours/records/", {"school": "guilin", "person_name": "黎老师", "kind": "national_model",
                                               "year": "2019"}, follow=True)
    record = HonourRecord.objects.get()
    assert created.redirect_chain[-1][0] == f"/honours/records/{record.pk}/" and "已登记到荣誉获得者名录" in text(created)
    twice = text(admin.post("/honours/records/", {"school": "guilin", "person_name": "黎老师",
                                                   "kind": "national_model", "year": "2019"}))
    assert field_error(twice, "person_name", "名录中已有桂林学院黎老师的2019年全国劳动模范和先进工作者。")
    assert HonourRecord.objects.count() == 1


def test_a_collective_honour_s_record_takes_no_personal_care(admin, guilin):
    unit = HonourRecord.objects.create(school=guilin, person_name="后勤保障团队", kind="pioneer", year=2025)
    page = text(admin.get(f"/honours/records/{unit.pk}/"))
    assert "集体荣誉不记录个人关爱" in page and "保存关爱记录" not in page


# ---- collective honours on both sides ------------------------------------------------------------

def test_a_school_nominates_a_unit_and_its_leader_for_a_collective_honour(admin, guilin):
    pioneer = services.campaign_create(by=None, kind="pioneer", year=2026, title="工人先锋号推荐",
                                       deadline=timezone.now() + datetime.timedelta(days=5))
    office = signed_in(guilin, [Role.UNION_ADMIN])
    url = f"/provincial/honours/campaigns/{pioneer.pk}/nominate/"
    form = text(office.get(url))
    assert "工人先锋号是集体荣誉" in form and 'name="unit_name"' in form and 'name="leader_post"' in form
    assert 'name="gender"' not in form and 'name="birth_date"' not in form
    refused = text(office.post(url, {"unit_name": "后勤保障团队", "leader_name": "", "leader_post": "",
                                     "deeds": "保障师生生活……"}))
    assert field_error(refused, "leader_name", "负责人姓名不能为空。")
    assert field_error(refused, "leader_post", "负责人职务不能为空。")
    assert 'value="后勤保障团队"' in refused and not Nomination.objects.filter(campaign=pioneer).exists()

    created = text(office.post(url, {"unit_name": "后勤保障团队", "leader_name": "李主任", "leader_post": "后勤处处长",
                                     "deeds": "保障师生生活……"}, follow=True))
    assert "后勤保障团队" in created and "李主任（后勤处处长）" in created and "出生日期" not in created
    nomination = Nomination.objects.get(campaign=pioneer)
    assert (nomination.unit_name, nomination.nominee_name, nomination.birth_date) == ("后勤保障团队", "", None)
    provincial = text(admin.get(f"/honours/nominations/{nomination.pk}/"))
    assert "集体名称" in provincial and "李主任（后勤处处长）" in provincial and "性别" not in provincial
    assert "后勤保障团队" in text(admin.get(f"/honours/campaigns/{pioneer.pk}/"))


def test_an_individual_honour_still_asks_for_the_person(guilin, campaign):
    office = signed_in(guilin, [Role.UNION_ADMIN])
    form = text(office.get(f"/provincial/honours/campaigns/{campaign.pk}/nominate/"))
    assert 'name="gender"' in form and 'name="birth_date"' in form and 'name="unit_name"' not in form


# ---- the workbench --------------------------------------------------------------------------------

def test_the_admin_s_workbench_shows_closing_campaigns_decisions_due_and_publicity_ending(admin, guilin):
    soon = services.campaign_create(by=None, kind="craftsman", year=2026, title="广西工匠推荐",
                                    deadline=timezone.now() + datetime.timedelta(days=2))
    services.campaign_create(by=None, kind="ethics_model", year=2026, title="远期的师德标兵推荐",
                             deadline=timezone.now() + datetime.timedelta(days=40))
    ended = services.campaign_create(by=None, kind="national_model", year=2026, title="全国劳模推荐",
                                     deadline=timezone.now() + datetime.timedelta(days=1))
    nomination = nominate(ended, guilin, "黄老师")
    start_review(ended, admin.user)
    services.nomination_review(nomination=nomination, by=admin.user, passed=True)
    today = timezone.localdate()
    services.campaign_publicize(campaign=ended, by=admin.user, starts_on=today, ends_on=today)
    HonourCampaign.objects.filter(pk=ended.pk).update(  # the 公示 has since ended
        publicity_starts_on=today - datetime.timedelta(days=6), publicity_ends_on=today - datetime.timedelta(days=1))
    page = text(admin.get("/"))
    assert 'data-todo="honours_closing"' in page and "广西工匠推荐" in page and "远期的师德标兵推荐" not in page
    assert f'href="/honours/campaigns/{soon.pk}/"' in page
    assert 'data-todo="honours_to_decide"' in page and "黄老师（桂林学院 · 全国劳模推荐）" in page
    assert f'href="/honours/nominations/{nomination.pk}/"' in page
    assert 'data-todo="honours_publicity_ending"' in page and "全国劳模推荐（公示至" in page
    assert 'data-todo="honours_to_review"' not in page


def test_the_reviewer_s_workbench_lists_nominations_to_review(reviewer, admin, campaign, guilin):
    nomination = nominate(campaign, guilin, "蓝老师")
    # while the campaign is open its nominations cannot be reviewed yet: nothing waits
    page = text(reviewer.get("/"))
    assert "蓝老师" not in page and 'class="counter has-items" href="/honours/nominations/?status=submitted"' not in page
    start_review(campaign, admin.user)
    page = text(reviewer.get("/"))
    assert 'data-todo="honours_to_review"' in page and 'href="/honours/nominations/?status=submitted"' in page
    assert "蓝老师（桂林学院 · 2026 年自治区劳动模范推荐）" in page
    assert f'href="/honours/nominations/{nomination.pk}/"' in page
    assert 'data-todo="honours_to_decide"' not in page
