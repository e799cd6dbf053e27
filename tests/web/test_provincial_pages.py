"""The school's side of provincial work, as pages on the school's host: the union office nominates,
signs circulars and reports on them; everyone reads the school's statistics. Another school's
records are never found, whatever id is typed."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shared.circulars.models import ItemReport
from shared.circulars.services import circular_create, circular_publish
from shared.honours.models import Nomination
from shared.honours.services import campaign_create, nomination_submit
from shared.stats.models import SchoolStats
from tenants.accounts.roles import Role
from tests.conftest import make_user, signed_in, text


@pytest.fixture
def office(guilin):
    return signed_in(guilin, [Role.UNION_ADMIN])


@pytest.fixture
def campaign():
    return campaign_create(by=None, kind="regional_model", year=2026, title="2026 年自治区劳动模范推荐",
                           deadline=timezone.now() + datetime.timedelta(days=10), default_quota=2)


def nominee(name="李老师", **extra):
    return {"nominee_name": name, "gender": "female", "birth_date": "1978-05-01", "title": "教授",
            "post": "学院院长", "deeds": "长期扎根教学一线……", **extra}


def a_nomination(campaign, school, name="韦老师"):
    return nomination_submit(by=None, campaign=campaign, school=school, nominee_name=name, gender="male",
                             birth_date=datetime.date(1970, 1, 1), deeds="事迹")


@pytest.fixture
def circular(province, guilin):
    by = make_user(province, [Role.PROVINCE_ADMIN])
    circular = circular_create(by=by, title="关于做好2026年工会工作的通知", items=[
        {"title": "加强政治建设", "section": "一"}, {"title": "办好教代会", "section": "二"}])
    return circular_publish(circular=circular, by=by, school_slugs=[guilin.slug])


# ---- 荣誉推荐 -------------------------------------------------------------------------------------

def test_the_office_sees_its_quota_nominates_and_the_quota_left_goes_down(office, campaign, guilin):
    a_nomination(campaign, guilin)
    page = text(office.get("/provincial/honours/"))
    assert "2026 年自治区劳动模范推荐" in page and "韦老师" in page
    assert f'data-campaign="{campaign.pk}"' in page and '<td data-label="剩余" class="quota-left">1</td>' in page

    created = office.post(f"/provincial/honours/campaigns/{campaign.pk}/nominate/", nominee(), follow=True)
    assert "已推荐" in text(created) and "李老师" in text(created)
    assert '<td data-label="剩余" class="quota-left">0</td>' in text(office.get("/provincial/honours/"))
    assert "名额已用完" in text(office.get("/provincial/honours/"))


def test_a_wrong_nomination_is_explained_beside_the_field_keeps_the_input_and_writes_nothing(office, campaign):
    url = f"/provincial/honours/campaigns/{campaign.pk}/nominate/"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = text(office.post(url, nominee(birth_date=tomorrow, deeds="")))
    assert 'id="id_birth_date_error">出生日期不能晚于今天。' in page
    assert 'id="id_deeds_error">事迹材料不能为空。' in page
    assert 'value="李老师"' in page and 'value="学院院长"' in page
    missing = text(office.post(url, nominee(birth_date="", gender="")))
    assert "请填写出生日期。" in missing and "请选择性别。" in missing
    assert not Nomination.objects.filter(campaign=campaign).exists()


def test_submitting_the_same_nomination_twice_keeps_one(office, campaign):
    url = f"/provincial/honours/campaigns/{campaign.pk}/nominate/"
    office.post(url, nominee())
    again = text(office.post(url, nominee()))
    assert "李老师已在“2026 年自治区劳动模范推荐”中被推荐。" in again
    assert Nomination.objects.filter(campaign=campaign).count() == 1


def test_materials_are_checked_and_a_nomination_is_withdrawn_before_the_deadline(office, campaign, guilin):
    nomination = a_nomination(campaign, guilin)
    url = f"/provincial/honours/nominations/{nomination.pk}/"
    renamed = SimpleUploadedFile("事迹.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = text(office.post(url, {"file": renamed}))
    assert "文件内容与扩展名 .pdf 不符。" in refused and not nomination.attachments.exists()
    pdf = SimpleUploadedFile("事迹.pdf", b"%PDF-1.4 deeds", content_type="application/pdf")
    assert "事迹.pdf" in text(office.post(url, {"file": pdf}, follow=True))
    attachment = nomination.attachments.get()
    download = office.get(f"/api/v1/honours/nominations/{nomination.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 deeds"

    withdrawn = text(office.post(url + "withdraw/", follow=True))
    assert "推荐已撤回" in withdrawn and "已撤回" in withdrawn and "撤回推荐" not in withdrawn
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


def test_nominations_are_the_office_s_and_stay_in_their_school(guilin, huzhou, campaign):
    nomination = a_nomination(campaign, guilin)
    member = signed_in(guilin, [Role.MEMBER])
    for path in ("/provincial/", "/provincial/honours/", f"/provincial/honours/nominations/{nomination.pk}/",
                 f"/provincial/honours/campaigns/{campaign.pk}/nominate/"):
        refused = member.get(path)
        assert refused.status_code == 403 and "您没有执行该操作的权限" in text(refused)
    assert member.post(f"/provincial/honours/nominations/{nomination.pk}/withdraw/").status_code == 403

    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/provincial/honours/nominations/{nomination.pk}/").status_code == 404
    assert outsider.post(f"/provincial/honours/nominations/{nomination.pk}/withdraw/").status_code == 404
    assert "韦老师" not in text(outsider.get("/provincial/honours/"))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert Client(HTTP_HOST="localhost").get("/provincial/honours/").status_code == 404


def test_the_office_home_lists_provincial_deadlines(office, campaign):
    page = text(office.get("/provincial/"))
    assert "荣誉推荐" in page and "2026 年自治区劳动模范推荐" in page and "还剩" in page


# ---- 上级通知 -------------------------------------------------------------------------------------

def test_the_office_signs_a_circular_and_reports_item_by_item(office, circular, guilin):
    listed = text(office.get("/provincial/circulars/"))
    assert "关于做好2026年工会工作的通知" in listed and "未签收" in listed and "0 / 2" in listed
    url = f"/provincial/circulars/{circular.pk}/"
    signed = text(office.post(url + "acknowledge/", follow=True))
    assert "已签收" in signed and ">签收</button>" not in signed

    first, second = circular.items.order_by("order")
    done_without_text = text(office.post(f"{url}items/{first.pk}/", {f"item-{first.pk}-status": "done",
                                                                      f"item-{first.pk}-text": ""}))
    assert f'id="id_item-{first.pk}-text_error">已完成的要点请填写落实情况。' in done_without_text
    assert f'<option value="done" selected>' in done_without_text
    assert not ItemReport.objects.filter(item=first).exists()

    office.post(f"{url}items/{first.pk}/", {f"item-{first.pk}-status": "done", f"item-{first.pk}-text": "已开展专题学习。"})
    office.post(f"{url}items/{first.pk}/", {f"item-{first.pk}-status": "done", f"item-{first.pk}-text": "已开展专题学习。"})
    office.post(f"{url}items/{second.pk}/", {f"item-{second.pk}-status": "in_progress"})
    assert ItemReport.objects.filter(item=first, school=guilin).count() == 1
    page = text(office.get(url))
    assert "已开展专题学习。" in page and "已完成 1 / 2 项要点" in page
    assert "1 / 2" in text(office.get("/provincial/circulars/"))


def test_circulars_not_sent_to_a_school_are_not_found_there(circular, guilin, huzhou):
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert "关于做好2026年工会工作的通知" not in text(outsider.get("/provincial/circulars/"))
    assert outsider.get(f"/provincial/circulars/{circular.pk}/").status_code == 404
    assert outsider.post(f"/provincial/circulars/{circular.pk}/acknowledge/").status_code == 404
    item = circular.items.first()
    assert outsider.post(f"/provincial/circulars/{circular.pk}/items/{item.pk}/",
                         {f"item-{item.pk}-status": "in_progress"}).status_code == 404
    assert not ItemReport.objects.exists()
    assert not circular.recipients.get(school=guilin).acknowledged_at

    member = signed_in(guilin, [Role.MEMBER])
    assert member.get("/provincial/circulars/").status_code == 403
    assert member.get(f"/provincial/circulars/{circular.pk}/").status_code == 403
    assert member.post(f"/provincial/circulars/{circular.pk}/acknowledge/").status_code == 403


def test_an_unknown_progress_is_refused_beside_the_field(office, circular):
    item = circular.items.first()
    page = text(office.post(f"/provincial/circulars/{circular.pk}/items/{item.pk}/",
                            {f"item-{item.pk}-status": "finished"}))
    assert f'id="id_item-{item.pk}-status_error">' in page and not ItemReport.objects.exists()


# ---- 本校统计 -------------------------------------------------------------------------------------

def test_everyone_of_the_school_reads_only_its_own_statistics(guilin, huzhou):
    SchoolStats.objects.create(school=guilin, year=2026, members_total=240, proposals_received=20,
                               proposals_accepted=15, proposals_rated=10, proposals_satisfied=9,
                               income="12345.5")
    # A number no random token on the page (CSRF, CSP nonce) would contain by chance.
    SchoolStats.objects.create(school=huzhou, year=2026, members_total=987654)
    page = text(signed_in(guilin, [Role.MEMBER]).get("/stats/"))
    assert "2026 年" in page and "240" in page and "75.0%" in page and "90.0%" in page and "¥12,345.50" in page
    assert "987654" not in page and "987,654" not in page


def test_a_school_without_figures_is_told_when_they_come(hnit):
    assert "还没有本校的统计数据" in text(signed_in(hnit, [Role.MEMBER]).get("/stats/"))


# ---- 教学竞赛 -------------------------------------------------------------------------------------

@pytest.fixture
def province_admin(province):
    return make_user(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def competition(province_admin):
    from shared.competitions.services import competition_create

    now = timezone.now()
    return competition_create(by=province_admin, edition=10, year=2026, title="第十届青年教师教学竞赛",
                              age_limit=40, age_cutoff_on=datetime.date(2026, 9, 1),
                              registration_opens_at=now - datetime.timedelta(days=1),
                              registration_closes_at=now + datetime.timedelta(days=10),
                              groups=[{"name": "文科", "quota_per_school": 1}, {"name": "理科", "quota_per_school": 2}])


def contestant(group, **extra):
    return {"group": group.pk if group else "", "name": "蒙老师", "gender": "female", "birth_date": "1992-04-01",
            "title": "讲师", "course": "大学语文", **extra}


def test_the_office_registers_a_contestant_and_the_age_and_quota_rules_speak_beside_the_fields(
        office, competition, guilin):
    from shared.competitions.models import Entry

    arts = competition.groups.get(name="文科")
    url = f"/provincial/competitions/{competition.pk}/register/"
    too_old = text(office.post(url, contestant(arts, birth_date="1980-01-01")))
    assert 'id="id_birth_date_error">截至 2026年9月1日 年满 46 周岁，超过 40 周岁的年龄限制。' in too_old
    assert 'value="大学语文"' in too_old and not Entry.objects.exists()
    no_group = text(office.post(url, contestant(None)))
    assert 'id="id_group_error">请选择组别。' in no_group

    assert "已报名" in text(office.post(url, contestant(arts), follow=True))
    full = text(office.post(url, contestant(arts, name="黎老师")))
    assert "本校在文科的名额为 1 名，已用完。" in full
    assert Entry.objects.filter(school=guilin).count() == 1


def test_no_score_is_shown_before_the_results_are_published(office, competition, guilin, province_admin):
    from shared.competitions.models import Entry
    from shared.competitions.services import competition_move, entry_register

    arts = competition.groups.get(name="文科")
    entry = entry_register(by=None, school=guilin, group=arts, name="蒙老师", gender="female",
                           birth_date=datetime.date(1992, 4, 1), course="大学语文")
    Entry.objects.filter(pk=entry.pk).update(final_score="91.234", rank=1, award="first")
    before = text(office.get("/provincial/competitions/"))
    assert "蒙老师" in before and "结果公布后显示" in before
    assert "91.234" not in before and "一等奖" not in before and "组内第" not in before

    competition.status = "published"  # the province's publish step is tested with its service
    Entry.objects.filter(pk=entry.pk).update(status="confirmed")
    from shared.competitions.models import Competition
    Competition.objects.filter(pk=competition.pk).update(status="published")
    after = text(office.get("/provincial/competitions/"))
    assert "一等奖" in after and "组内第 1 名" in after and "91.234" in after


def test_a_registration_is_withdrawn_before_the_deadline_and_stays_in_its_school(
        office, competition, guilin, huzhou):
    from shared.competitions.models import Entry
    from shared.competitions.services import entry_register

    entry = entry_register(by=None, school=guilin, group=competition.groups.get(name="文科"), name="蒙老师",
                           gender="female", birth_date=datetime.date(1992, 4, 1), course="大学语文")
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.post(f"/provincial/competitions/entries/{entry.pk}/withdraw/").status_code == 404
    assert "蒙老师" not in text(outsider.get("/provincial/competitions/"))
    member = signed_in(guilin, [Role.MEMBER])
    assert member.get("/provincial/competitions/").status_code == 403
    assert member.get(f"/provincial/competitions/{competition.pk}/register/").status_code == 403
    assert member.post(f"/provincial/competitions/entries/{entry.pk}/withdraw/").status_code == 403
    assert Entry.objects.get(pk=entry.pk).status == "registered"

    withdrawn = text(office.post(f"/provincial/competitions/entries/{entry.pk}/withdraw/", follow=True))
    assert "蒙老师的报名已撤回" in withdrawn and Entry.objects.get(pk=entry.pk).status == "withdrawn"
    again = text(office.post(f"/provincial/competitions/entries/{entry.pk}/withdraw/", follow=True))
    assert "已撤回" in again and Entry.objects.get(pk=entry.pk).status == "withdrawn"


# ---- 经费补助 -------------------------------------------------------------------------------------

@pytest.fixture
def programme(province_admin):
    from decimal import Decimal

    from shared.subsidies.services import programme_create

    now = timezone.now()
    return programme_create(by=province_admin, year=2026, title="2026 年教职工之家建设补助", purpose="活动场所",
                            pool=Decimal("300000"), opens_at=now - datetime.timedelta(days=1),
                            closes_at=now + datetime.timedelta(days=20),
                            report_due_on=timezone.localdate() + datetime.timedelta(days=90))


def test_the_office_applies_with_budget_lines_that_must_add_up(office, programme, guilin):
    from shared.subsidies.models import Application

    url = f"/provincial/subsidies/programmes/{programme.pk}/apply/"
    wrong = text(office.post(url, {"project": "活动室改造", "amount_requested": "40000",
                                   "budget_lines": "装修 30000\n器材 5000"}))
    assert 'id="id_budget_lines_error">预算明细合计应等于申请金额。' in wrong
    assert "器材 5000" in wrong and 'value="活动室改造"' in wrong and not Application.objects.exists()
    nameless = text(office.post(url, {"project": "活动室改造", "amount_requested": "40000", "budget_lines": "40000"}))
    assert "第 1 项缺少名称。" in nameless

    done = text(office.post(url, {"project": "活动室改造", "amount_requested": "40000",
                                  "budget_lines": "装修 30000\n器材购置：10,000"}, follow=True))
    assert "已申报" in done and "¥40,000.00" in done and "¥10,000.00" in done
    again = text(office.post(url, {"project": "活动室改造", "amount_requested": "40000"}))
    assert "本校已申报过这个项目。" in again
    assert Application.objects.filter(school=guilin).count() == 1


def test_the_school_sees_no_other_school_s_allocation_and_reports_use_after_disbursement(
        office, programme, guilin, huzhou, province_admin):
    from decimal import Decimal

    from shared.subsidies.services import application_allocate, application_disburse, application_submit

    theirs = application_submit(by=None, programme=programme, school=huzhou, project="湖州的项目",
                                amount_requested=Decimal("12345"))
    application_allocate(application=theirs, by=province_admin, amount=Decimal("11111"))
    ours = application_submit(by=None, programme=programme, school=guilin, project="桂林的项目",
                              amount_requested=Decimal("40000"))
    page = text(office.get("/provincial/subsidies/"))
    assert "桂林的项目" in page and "湖州的项目" not in page and "11,111" not in page
    assert "报告使用情况" not in text(office.get(f"/provincial/subsidies/applications/{ours.pk}/"))
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(f"/provincial/subsidies/applications/{ours.pk}/").status_code == 404
    assert signed_in(guilin, [Role.MEMBER]).get("/provincial/subsidies/").status_code == 403

    application_allocate(application=ours, by=province_admin, amount=Decimal("30000"))
    application_disburse(application=ours, by=province_admin)
    url = f"/provincial/subsidies/applications/{ours.pk}/"
    over = text(office.post(url, {"amount_used": "35000", "report_text": "改造完成。"}))
    assert 'id="id_amount_used_error">已使用金额不能超过核定金额 30000.00 元。' in over and "改造完成。" in over
    reported = text(office.post(url, {"amount_used": "29800.5", "report_text": "改造完成。"}, follow=True))
    assert "使用情况已报告" in reported and "¥29,800.50" in reported
    ours.refresh_from_db()
    assert ours.status == "reported"


# ---- 先进教职工之家 -------------------------------------------------------------------------------

@pytest.fixture
def home_round(province_admin):
    from shared.staffhomes.services import round_create, round_open

    now = timezone.now()
    return round_open(round=round_create(by=province_admin, year=2026, title="2026 年先进教职工之家评选",
                                         opens_at=now - datetime.timedelta(days=1),
                                         closes_at=now + datetime.timedelta(days=20)), by=province_admin)


def scores(**overrides):
    from shared.staffhomes.models import Criterion

    return {f"self_scores.{c.pk}": overrides.get(c.name, "18") for c in Criterion.objects.all()}


def test_the_office_applies_with_self_scores_within_the_maxima_and_uploads_materials(office, home_round, guilin,
                                                                                     huzhou):
    from shared.staffhomes.models import HomeApplication

    url = f"/provincial/staff-homes/rounds/{home_round.pk}/apply/"
    form = text(office.get(url))
    assert "自评分：规范（满分 20）" in form and "自评分：创新（满分 20）" in form
    over = text(office.post(url, {"level": "small_home", "unit_name": "文学院分工会", "self_assessment": "制度健全。",
                                  **scores(规范="25")}))
    rule = home_round.criteria.get(name="规范")
    assert f'id="id_self_scores.{rule.pk}_error">“规范”的分数应在 0 到 20.00 之间。' in over  # beside its criterion
    assert 'value="25"' in over and 'value="文学院分工会"' in over
    assert not HomeApplication.objects.exists()

    done = office.post(url, {"level": "small_home", "unit_name": "文学院分工会", "self_assessment": "制度健全。",
                             **scores()}, follow=True)
    assert "已申报" in text(done) and "文学院分工会" in text(done)
    twice = text(office.post(url, {"level": "small_home", "unit_name": "文学院分工会", "self_assessment": "制度健全。",
                                   **scores()}))
    assert 'id="id_unit_name_error">文学院分工会已申报过本年度。' in twice
    application = HomeApplication.objects.get(school=guilin)

    detail = f"/provincial/staff-homes/applications/{application.pk}/"
    photo = SimpleUploadedFile("活动.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    assert "活动.png" in text(office.post(detail, {"file": photo}, follow=True))
    empty = text(office.post(detail, {}))
    assert 'id="id_file_error">请选择要上传的文件' in empty

    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(detail).status_code == 404
    assert "文学院分工会" not in text(signed_in(huzhou, [Role.UNION_ADMIN]).get("/provincial/staff-homes/"))
    assert signed_in(guilin, [Role.MEMBER]).get(detail).status_code == 403


# ---- 工作台 ---------------------------------------------------------------------------------------

def test_the_workbench_links_deadlines_and_circulars_to_the_pages_where_they_are_done(office, campaign, circular,
                                                                                      competition):
    page = text(office.get("/"))
    assert 'href="/provincial/" data-todo="provincial_deadlines"' in page
    assert 'href="/provincial/circulars/" data-todo="circulars"' in page
    assert f'<a href="/provincial/circulars/{circular.pk}/"><span>关于做好2026年工会工作的通知</span>' in page
    assert '<a href="/provincial/honours/"><span><span class="badge' in page
    assert '<a href="/provincial/competitions/"><span><span class="badge' in page


def test_every_office_page_is_the_union_office_s_and_lives_only_on_a_school_host(
        guilin, campaign, competition, programme, home_round, circular):
    pages = ["/provincial/", "/provincial/honours/", f"/provincial/honours/campaigns/{campaign.pk}/nominate/",
             "/provincial/competitions/", f"/provincial/competitions/{competition.pk}/register/",
             "/provincial/subsidies/", f"/provincial/subsidies/programmes/{programme.pk}/apply/",
             "/provincial/staff-homes/", f"/provincial/staff-homes/rounds/{home_round.pk}/apply/",
             "/provincial/circulars/", f"/provincial/circulars/{circular.pk}/"]
    office = signed_in(guilin, [Role.UNION_ADMIN])
    chair = signed_in(guilin, [Role.BRANCH_CHAIR, Role.MEMBER])
    anonymous = Client(HTTP_HOST="guilin.localhost")
    province = Client(HTTP_HOST="localhost")
    for path in pages:
        assert office.get(path).status_code == 200, path
        assert chair.get(path).status_code == 403, path
        assert anonymous.get(path)["Location"].startswith("/login/?next="), path
        assert province.get(path).status_code == 404, path
    assert chair.get("/stats/").status_code == 200 and province.get("/stats/").status_code == 404
