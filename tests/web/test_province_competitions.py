"""The teaching competition on the provincial host, as pages: the provincial admin runs it from
groups and quotas to published results; judges score only the contestants assigned to them.
Every refusal is the service's, beside the field, with nothing written."""
import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from shared.competitions import services as s
from shared.competitions.models import Competition, CompetitionGroup, Entry, Judge, JudgeAssignment, Score
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tests.conftest import ADMIN_PASSWORD, make_user, signed_in, text


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def competition():
    now = timezone.now()
    return s.competition_create(
        by=None, edition=10, year=2026, title="第十届全区高校青年教师教学竞赛", age_limit=40,
        age_cutoff_on=datetime.date(2026, 9, 1), registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10), national_top_k=1,
        groups=[{"name": "文科", "quota_per_school": 2}, {"name": "理科", "quota_per_school": 1}])


def enter(competition, school, name, group="文科", birth=datetime.date(1990, 3, 1)):
    return s.entry_register(by=None, school=school, group=competition.groups.get(name=group), name=name,
                            gender="female", birth_date=birth, course="大学语文")


def judge_for(province, school, username):
    user = make_user(province, [Role.JUDGE], username=username)
    return s.judge_register(by=None, user=user, home_school=school), user


@pytest.fixture
def judging(competition, province, guilin, huzhou, hnit):
    """Three confirmed 文科 entries (one per school), judges of guilin and huzhou and one of the
    province on the panel, judging started."""
    by = make_user(province, [Role.PROVINCE_ADMIN])
    entries = {slug: enter(competition, school, name) for slug, school, name in
               (("guilin", guilin, "韦晓"), ("huzhou", huzhou, "沈悦"), ("hnit", hnit, "刘洋"))}
    for entry in entries.values():
        s.entry_move(entry=entry, action="confirm", by=by)
    judges = {slug: judge_for(province, school, f"judge-{slug}") for slug, school in
              (("guilin", guilin), ("huzhou", huzhou), ("province", None))}
    s.panel_assign(by=by, group=competition.groups.get(name="文科"), judges=[j for j, _ in judges.values()])
    s.competition_move(competition=competition, action="start_judging", by=by)
    return {"entries": entries, "judges": judges, "competition": competition}


def judge_browser(judging, slug):
    judge, user = judging["judges"][slug]
    browser = Client(HTTP_HOST="localhost")
    assert browser.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return browser


# ---- who may open what ---------------------------------------------------------------------------

ADMIN_PAGES = ["/competitions/new/", "/competitions/judges/", "/competitions/{c}/", "/competitions/{c}/groups/",
               "/competitions/{c}/entries/", "/competitions/{c}/panel/", "/competitions/{c}/results/",
               "/competitions/entries/{e}/reject/"]
JUDGE_PAGES = ["/competitions/judging/", "/competitions/{c}/scoring/", "/competitions/score/{e}/"]


def test_each_page_is_for_its_role_on_the_provincial_host_only(judging, province, guilin):
    competition, entry = judging["competition"], judging["entries"]["hnit"]
    fill = lambda p: p.format(c=competition.pk, e=entry.pk)  # noqa: E731
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    reviewer = signed_in(province, [Role.PROVINCE_REVIEWER])
    judge = judge_browser(judging, "province")
    anonymous = Client(HTTP_HOST="localhost")
    school_admin = signed_in(guilin, [Role.UNION_ADMIN])
    assert admin.get("/competitions/").status_code == 200
    assert judge.get("/competitions/").url == "/competitions/judging/"  # the judge's part of the area
    assert reviewer.get("/competitions/").status_code == 403
    for page in ADMIN_PAGES:
        url = fill(page)
        assert admin.get(url).status_code == 200, url
        for refused in (reviewer, judge):
            response = refused.get(url)
            assert response.status_code == 403 and "您没有执行该操作的权限" in text(response), url
        assert anonymous.get(url).url.startswith("/login/?next="), url
        assert school_admin.get(url).status_code == 404, url
    for page in JUDGE_PAGES:
        url = fill(page)
        assert judge.get(url).status_code == 200, url
        assert admin.get(url).status_code == 403 and reviewer.get(url).status_code == 403, url
        assert anonymous.get(url).url.startswith("/login/?next="), url
        assert school_admin.get(url).status_code == 404, url
    for url in ("/competitions/{c}/start-judging/", "/competitions/{c}/publish/",
                "/competitions/entries/{e}/confirm/"):
        assert judge.post(fill(url)).status_code == 403 and reviewer.post(fill(url)).status_code == 403
    assert Competition.objects.get(pk=competition.pk).status == "judging"


def test_a_missing_competition_or_entry_is_the_chinese_404(admin):
    for url in ("/competitions/999999/", "/competitions/999999/panel/", "/competitions/entries/999999/reject/"):
        response = admin.get(url)
        assert response.status_code == 404 and "页面不存在" in text(response)


def test_a_tampered_form_finds_nothing_and_says_so_never_a_server_error(admin, competition, guilin):
    panel = f"/competitions/{competition.pk}/panel/"
    for url, data in (("/competitions/judges/", {"user": "abc"}), (panel, {"group": "1e3"}),
                      (panel, {"group": str(competition.groups.first().pk), "kind": "remove", "judge": "x"})):
        response = admin.post(url, data)
        assert response.status_code == 404 and "页面不存在" in text(response)
    entry = enter(competition, guilin, "韦晓")
    # only the list's own filters travel back; a header-splitting value is dropped
    back = admin.post(f"/competitions/entries/{entry.pk}/confirm/", {"back": "status=registered&x=1\r\nSet-Cookie:a"})
    assert back.status_code == 302 and back.url == f"/competitions/{competition.pk}/entries/?status=registered"


# ---- creating a competition ------------------------------------------------------------------------

def form_body(**overrides):
    body = {"title": "第十一届全区高校青年教师教学竞赛", "edition": "11", "year": "2027",
            "registration_opens_at": "2027-03-01T09:00", "registration_closes_at": "2027-04-01T17:00",
            "age_limit": "40", "age_cutoff_on": "2027-09-01", "groups": "文科 2\n理科 2\n思想政治课专项 1",
            "weight_design": "20", "weight_classroom": "75", "weight_reflection": "5",
            "first_share": "15", "second_share": "25", "third_share": "35", "national_top_k": "1"}
    return {**body, **overrides}


def test_the_admin_publishes_a_competition_with_its_groups(admin):
    page = text(admin.get("/competitions/new/"))
    assert 'value="20"' in page and "文科 2" in page  # the usual weights and groups are filled in
    response = admin.post("/competitions/new/", form_body())
    competition = Competition.objects.get(title="第十一届全区高校青年教师教学竞赛")
    assert response.url == f"/competitions/{competition.pk}/"
    assert [(g.name, g.quota_per_school) for g in competition.groups.all()] == [
        ("文科", 2), ("理科", 2), ("思想政治课专项", 1)]
    overview = text(admin.get(response.url))
    assert "截至 2027年9月1日 不超过 40 周岁" in overview and "课堂教学 75%" in overview
    assert "第十一届全区高校青年教师教学竞赛" in text(admin.get("/competitions/"))


def test_wrong_settings_are_explained_beside_their_fields_and_nothing_is_written(admin):
    page = text(admin.post("/competitions/new/", form_body(
        title="", weight_classroom="80", registration_closes_at="2027-02-01T09:00", groups="文科 2\n文科 3",
        age_limit="abc")))
    assert 'id="id_title_error">名称不能为空。' in page
    assert 'id="id_weight_classroom_error">三项权重之和必须为 100。' in page
    assert 'id="id_registration_closes_at_error">报名截止必须晚于开始。' in page
    assert 'id="id_groups_error">组别名称“文科”为空、重复或超过 40 个字。' in page
    assert 'id="id_age_limit_error">年龄上限应为数字。' in page
    assert 'value="80"' in page  # what was typed stays
    assert not Competition.objects.filter(edition=11).exists()


# ---- groups and quotas -----------------------------------------------------------------------------

def test_quotas_are_set_in_one_grid_never_below_what_a_school_used(admin, competition, guilin):
    enter(competition, guilin, "甲")
    enter(competition, guilin, "乙")
    wenke, like = competition.groups.get(name="文科"), competition.groups.get(name="理科")
    url = f"/competitions/{competition.pk}/groups/"
    page = text(admin.get(url))
    assert "已有学校在本组最多报名 2 名。" in page
    refused = text(admin.post(url, {f"q-quota_{wenke.pk}": "1", f"q-quota_{like.pk}": "3"}))
    assert f'id="id_q-quota_{wenke.pk}_error">已有学校在文科报名 2 名，名额不能少于 2。' in refused
    assert CompetitionGroup.objects.get(pk=like.pk).quota_per_school == 1  # all or nothing
    assert admin.post(url, {f"q-quota_{wenke.pk}": "3", f"q-quota_{like.pk}": "2"}).status_code == 302
    assert [g.quota_per_school for g in competition.groups.order_by("id")] == [3, 2]

    duplicate = text(admin.post(url, {"g-name": "文科", "g-quota_per_school": "1"}))
    assert 'id="id_g-name_error">已有组别“文科”。' in duplicate
    assert admin.post(url, {"g-name": "医科", "g-quota_per_school": "1"}).status_code == 302
    assert competition.groups.filter(name="医科", quota_per_school=1).exists()


# ---- eligibility -------------------------------------------------------------------------------------

def test_entries_show_the_age_on_the_cut_off_date_and_are_confirmed_or_rejected_with_a_reason(
        admin, competition, guilin, huzhou):
    young = enter(competition, guilin, "韦晓", birth=datetime.date(1990, 3, 1))
    edge = enter(competition, huzhou, "沈悦", birth=datetime.date(1985, 9, 2))  # 40 on 2026-09-01
    Competition.objects.filter(pk=competition.pk).update(age_limit=39)  # tightened after registration
    url = f"/competitions/{competition.pk}/entries/"
    page = text(admin.get(url))
    assert "年龄限制：截至 2026年9月1日 不超过 39 周岁" in page
    rows = dict(re.findall(r'data-entry="(\d+)".*?class="age-check">(.*?)</td>', page, re.S))
    assert "36 周岁" in rows[str(young.pk)] and "符合" in rows[str(young.pk)]
    assert "40 周岁" in rows[str(edge.pk)] and "超龄" in rows[str(edge.pk)]

    assert admin.post(f"/competitions/entries/{young.pk}/confirm/", {"back": "status=registered"}).url == (
        url + "?status=registered")
    reject_url = f"/competitions/entries/{edge.pk}/reject/"
    assert "超龄" in text(admin.get(reject_url))
    missing = text(admin.post(reject_url, {"reason": "  "}))
    assert 'id="id_reason_error">“资格审查不通过”必须填写原因。' in missing
    assert Entry.objects.get(pk=edge.pk).status == "registered"
    admin.post(reject_url, {"reason": "截至 9 月 1 日已满 40 周岁。"})
    assert Entry.objects.get(pk=edge.pk).status == "rejected"
    assert Entry.objects.get(pk=young.pk).status == "confirmed"
    filtered = text(admin.get(url + "?status=rejected"))
    assert "沈悦" in filtered and "韦晓" not in filtered and "截至 9 月 1 日已满 40 周岁。" in filtered


# ---- judges and panels -------------------------------------------------------------------------------

def test_judges_get_their_home_school_and_new_judge_accounts_show_the_password_once(admin, province, guilin):
    user = make_user(province, [Role.JUDGE], username="pingwei")
    page = text(admin.get("/competitions/judges/"))
    assert 'data-judge="pingwei"' in page and "未登记" in page
    admin.post("/competitions/judges/", {"user": user.pk, f"u{user.pk}-home_school": guilin.pk})
    assert Judge.objects.get(user=user).home_school == guilin

    made = admin.post("/competitions/judges/", {"new-username": "pingwei2", "new-full_name": "黄评委",
                                                 "new-home_school": ""})
    assert made["Cache-Control"] == "no-store" and "密码只显示这一次" in text(made)
    account = User.objects.get(username="pingwei2")
    assert account.roles == [Role.JUDGE] and Judge.objects.get(user=account).home_school is None
    taken = text(admin.post("/competitions/judges/", {"new-username": "pingwei2", "new-full_name": "x"}))
    assert 'id="id_new-username_error">用户名“pingwei2”已存在。' in taken


def test_the_panel_page_shows_no_judge_has_a_contestant_of_their_own_school(admin, judging, guilin):
    competition = judging["competition"]
    page = text(admin.get(f"/competitions/{competition.pk}/panel/"))
    assert "✓ 没有评委被分配本校选手" in page and 'data-own-school="0"' in page
    row = re.search(r'data-judge="judge-guilin">(.*?)</tr>', page, re.S).group(1)
    assert "2 名" in row and "无（回避 1 名）" in row
    assert JudgeAssignment.objects.filter(judge__home_school=guilin, entry__school=guilin).count() == 0

    # Sending a judge to a contestant of their own school is refused beside the field.
    group = competition.groups.get(name="文科")
    judge, _ = judging["judges"]["guilin"]
    own = judging["entries"]["guilin"]
    refused = text(admin.post(f"/competitions/{competition.pk}/panel/", {
        "group": group.pk, "kind": "assign", f"a{group.pk}-entry": own.pk, f"a{group.pk}-judge": judge.pk}))
    assert (f'id="id_a{group.pk}-judge_error">评委{judge.user}来自桂林学院，不能评本校选手韦晓（回避）。') in refused
    assert not JudgeAssignment.objects.filter(judge=judge, entry=own).exists()


def test_judges_join_a_group_panel_and_leave_it_until_they_scored(admin, competition, province, guilin, huzhou):
    by = make_user(province, [Role.PROVINCE_ADMIN])
    for school, name in ((guilin, "甲"), (huzhou, "乙")):
        s.entry_move(entry=enter(competition, school, name), action="confirm", by=by)
    judge, _ = judge_for(province, guilin, "panel-judge")
    group = competition.groups.get(name="文科")
    url = f"/competitions/{competition.pk}/panel/"
    nobody = text(admin.post(url, {"group": group.pk, "kind": "panel"}))
    assert f'id="id_p{group.pk}-judges_error">请选择评委。' in nobody
    assert admin.post(url, {"group": group.pk, "kind": "panel", f"p{group.pk}-judges": [judge.pk]}).status_code == 302
    assert list(JudgeAssignment.objects.filter(judge=judge).values_list("entry__name", flat=True)) == ["乙"]
    admin.post(url, {"group": group.pk, "kind": "remove", "judge": judge.pk})
    assert not JudgeAssignment.objects.filter(judge=judge).exists()


# ---- scoring -------------------------------------------------------------------------------------------

def test_a_judge_scores_each_contestant_separately_with_a_progress_bar(judging):
    judge_page = judge_browser(judging, "guilin")
    competition = judging["competition"]
    overview = text(judge_page.get("/competitions/judging/"))
    assert "已评 <strong>0</strong> / 2 名" in overview
    scoring = text(judge_page.get(f"/competitions/{competition.pk}/scoring/"))
    assert "沈悦" in scoring and "刘洋" in scoring and "韦晓" not in scoring  # only what is assigned
    assert '<progress max="2" value="0"' in scoring
    assert "权重 20%，0–100 分" in scoring and "权重 75%，0–100 分" in scoring and "权重 5%，0–100 分" in scoring

    entry = judging["entries"]["huzhou"]
    url = f"/competitions/score/{entry.pk}/"
    prefix = f"e{entry.pk}"
    wrong = judge_page.post(url, {f"{prefix}-design": "105", f"{prefix}-classroom": "九十",
                                  f"{prefix}-reflection": "80"}, HTTP_HX_REQUEST="true")
    card = text(wrong)
    assert f'id="id_{prefix}-design_error">教学设计应在 0 到 100 之间。' in card
    assert f'id="id_{prefix}-classroom_error">课堂教学应为数字。' in card
    assert 'value="105"' in card and "<html" not in card  # just the card, what was typed kept
    assert not Score.objects.filter(entry=entry).exists()

    saved = judge_page.post(url, {f"{prefix}-design": "90", f"{prefix}-classroom": "80",
                                  f"{prefix}-reflection": "100"}, HTTP_HX_REQUEST="true")
    card = text(saved)
    assert "加权总分 <strong>83</strong>" in card and "已评分" in card
    assert 'hx-swap-oob="true"' in card and '<progress max="2" value="1"' in card
    assert "评分已保存" in saved["HX-Trigger"].encode().decode("unicode_escape")
    score = Score.objects.get(entry=entry)
    assert (score.design, score.classroom, score.reflection) == (90, 80, 100)

    # Without HTMX the form posts and comes back to the scoring page at this contestant.
    other = judging["entries"]["hnit"]
    back = judge_page.post(f"/competitions/score/{other.pk}/", {f"e{other.pk}-design": "70",
                                                                 f"e{other.pk}-classroom": "70",
                                                                 f"e{other.pk}-reflection": "70"})
    assert back.url == f"/competitions/{competition.pk}/scoring/#entry-{other.pk}"
    assert "全部评完" in text(judge_page.get("/competitions/judging/"))


def test_a_judge_is_refused_their_own_school_and_never_finds_what_is_not_theirs(judging, competition, province,
                                                                               guilin):
    judge_page = judge_browser(judging, "guilin")
    own = judging["entries"]["guilin"]
    refused = judge_page.get(f"/competitions/score/{own.pk}/")
    assert refused.status_code == 403 and "评委不能为本校选手评分（回避）。" in text(refused)
    posted = judge_page.post(f"/competitions/score/{own.pk}/", {f"e{own.pk}-design": "99",
                                                                 f"e{own.pk}-classroom": "99",
                                                                 f"e{own.pk}-reflection": "99"})
    assert posted.status_code == 403 and not Score.objects.filter(entry=own).exists()
    # An entry of another school this judge was not given: as if it did not exist.
    JudgeAssignment.objects.filter(judge=judging["judges"]["guilin"][0], entry=judging["entries"]["hnit"]).delete()
    hidden = judging["entries"]["hnit"]
    assert judge_page.get(f"/competitions/score/{hidden.pk}/").status_code == 404
    assert judge_page.get("/competitions/score/999999/").status_code == 404
    # A judge account not yet registered is told why.
    unregistered = signed_in(province, [Role.JUDGE])
    assert "尚未登记为评委" in text(unregistered.get("/competitions/judging/"))
    page = unregistered.get(f"/competitions/{competition.pk}/scoring/")
    assert page.status_code == 403 and "尚未登记为评委" in text(page)


# ---- results -----------------------------------------------------------------------------------------

def test_results_are_previewed_then_published_with_ranks_tiers_and_the_national_recommendation(admin, judging):
    competition = judging["competition"]
    plan = {"guilin": (60, 60, 60), "huzhou": (90, 90, 90), "hnit": (80, 80, 80)}
    for slug, (judge, _) in judging["judges"].items():
        for entry in Entry.objects.filter(assignments__judge=judge):
            s.score_submit(entry=entry, judge=judge, **dict(zip(("design", "classroom", "reflection"),
                                                                plan[entry.school.slug])))
    url = f"/competitions/{competition.pk}/results/"
    preview = text(admin.get(url))
    assert "预览" in preview and "已评 7 / 7" in preview and "公布成绩" in preview
    assert Entry.objects.filter(competition=competition, rank__isnull=False).count() == 0  # nothing stored yet

    assert admin.post(f"/competitions/{competition.pk}/publish/").url == url
    page = text(admin.get(url))
    assert "成绩已公布" in page
    order = re.findall(r'data-label="选手">(.*?)</td>', page)
    assert order == ["沈悦", "刘洋", "韦晓"]
    # 3 scored entries: 一等 up to round(0.45)=0, 二等 up to round(1.2)=1, 三等 up to round(2.25)=2
    awards = re.findall(r'class="award">(.*?)</td>', page, re.S)
    assert ["二等奖" in awards[0], "三等奖" in awards[1], "未获奖" in awards[2]] == [True, True, True]
    assert page.count("推荐</span>") == 1
    assert Competition.objects.get(pk=competition.pk).status == "published"
    # A judge's late change is refused and the stored score stays.
    late = judging["entries"]["hnit"]
    answer = text(judge_browser(judging, "province").post(
        f"/competitions/score/{late.pk}/", {f"e{late.pk}-design": "99", f"e{late.pk}-classroom": "99",
                                            f"e{late.pk}-reflection": "99"}, HTTP_HX_REQUEST="true"))
    assert "竞赛当前状态为“已公布”，不能评分。" in answer and "保存评分" not in answer
    assert not Score.objects.filter(entry=late, design=99).exists()


# ---- workbench -----------------------------------------------------------------------------------------

def test_the_workbench_shows_judges_what_to_score_and_the_admin_what_to_decide(judging, competition, province,
                                                                               guilin):
    judge_home = text(judge_browser(judging, "province").get("/"))
    assert 'data-todo="competition_scoring"' in judge_home
    assert re.search(r'<span class="number">3</span><span class="label">待评分的选手', judge_home)
    assert "已评 0 / 3" in judge_home
    # one line per competition covers all three contestants: nothing more to see
    assert "查看全部" not in judge_home.split('id="list-competition_scoring"', 1)[1].split("</section>", 1)[0]

    now = timezone.now()
    another = s.competition_create(by=None, edition=11, year=2027, title="第十一届",
                                   age_cutoff_on=datetime.date(2027, 9, 1),
                                   registration_opens_at=now - datetime.timedelta(days=1),
                                   registration_closes_at=now + datetime.timedelta(days=1),
                                   groups=[{"name": "理科", "quota_per_school": 1}])
    enter(another, guilin, "待审查", group="理科")
    admin_home = text(signed_in(province, [Role.PROVINCE_ADMIN]).get("/"))
    assert re.search(r'<span class="number">1</span><span class="label">待确认的参赛报名', admin_home)
    assert f"/competitions/{another.pk}/entries/?status=registered" in admin_home
    assert re.search(r'<span class="number">0</span><span class="label">评分完成待公布的竞赛', admin_home)
    for judge, _ in judging["judges"].values():
        for entry in Entry.objects.filter(assignments__judge=judge):
            s.score_submit(entry=entry, judge=judge, design=80, classroom=80, reflection=80)
    admin_home = text(signed_in(province, [Role.PROVINCE_ADMIN]).get("/"))
    assert re.search(r'<span class="number">1</span><span class="label">评分完成待公布的竞赛', admin_home)
    assert f"/competitions/{competition.pk}/results/" in admin_home
