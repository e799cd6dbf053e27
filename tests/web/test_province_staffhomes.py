"""The provincial site's 先进教职工之家 pages: rounds and their criteria, applications, reviewer scoring,
inspections, the decision, the confirmed list and the re-check list, and the workbench's counters.

Every page: the right role gets it, another provincial role 403, an anonymous visitor the login,
a school host 404. Bad input: the service's Chinese reason beside the field and nothing written.
"""
import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shared.staffhomes import services as s
from shared.staffhomes.models import Criterion, HomeApplication, Inspection, ReviewScore, Round
from tenants.accounts.roles import Role
from tests.conftest import make_user, signed_in, text


def beside(page: str, field: str) -> str:
    """The error shown beside a field (web/templates/web/components/field.html), or ''."""
    found = re.search(rf'id="id_{re.escape(field)}_error">([^<]*)<', page)
    return found.group(1) if found else ""


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def reviewer(province):
    return signed_in(province, [Role.PROVINCE_REVIEWER])


def a_round(by, *, year=2026, title="2026 年先进教职工之家评选", opened=True):
    now = timezone.now()
    created = s.round_create(by=by, year=year, title=title, opens_at=now - datetime.timedelta(days=1),
                             closes_at=now + datetime.timedelta(days=20))
    return s.round_open(round=created, by=by) if opened else created


@pytest.fixture
def round_(admin):
    return a_round(admin.user)


@pytest.fixture
def application(round_, guilin):
    return s.application_submit(by=None, round=round_, school=guilin, level="small_home", unit_name="文学院分工会",
                                self_scores={str(c.pk): "18" for c in round_.criteria.all()},
                                self_assessment="制度健全，活动丰富。")


def marks(round_, **overrides):
    return {f"scores.{c.pk}": overrides.get(c.name, "16") for c in round_.criteria.all()}


# ---- who may open what -----------------------------------------------------------------------------

def test_every_page_is_the_province_s_and_the_admin_s_pages_refuse_a_reviewer(province, guilin, round_,
                                                                             application):
    criterion = round_.criteria.first()
    draft = a_round(make_user(province, [Role.PROVINCE_ADMIN]), title="筹备中的评选", opened=False)
    staff_pages = ["/staff-homes/", f"/staff-homes/rounds/{round_.pk}/", "/staff-homes/applications/",
                   f"/staff-homes/applications/{application.pk}/", "/staff-homes/confirmed/", "/staff-homes/recheck/"]
    admin_pages = ["/staff-homes/rounds/new/", f"/staff-homes/rounds/{draft.pk}/edit/",
                   f"/staff-homes/rounds/{draft.pk}/criteria/{draft.criteria.first().pk}/"]
    admin, reviewer = signed_in(province, [Role.PROVINCE_ADMIN]), signed_in(province, [Role.PROVINCE_REVIEWER])
    judge = signed_in(province, [Role.JUDGE])
    anonymous = Client(HTTP_HOST="localhost")
    school_office = signed_in(guilin, [Role.UNION_ADMIN])
    for path in staff_pages + admin_pages:
        assert admin.get(path).status_code == 200, path
        assert reviewer.get(path).status_code == (200 if path in staff_pages else 403), path
        assert judge.get(path).status_code == 403, path
        assert anonymous.get(path)["Location"].startswith("/login/?next="), path
        assert school_office.get(path).status_code == 404, path
    posts = [f"/staff-homes/rounds/{round_.pk}/step/close/", f"/staff-homes/rounds/{draft.pk}/criteria/",
             f"/staff-homes/rounds/{draft.pk}/criteria/{draft.criteria.first().pk}/delete/",
             f"/staff-homes/applications/{application.pk}/decide/"]
    for path in posts:
        assert reviewer.post(path, {"decision": "confirm"}).status_code == 403, path
        assert judge.post(path).status_code == 403, path
        assert school_office.post(path).status_code == 404, path
    for path in (f"/staff-homes/applications/{application.pk}/review/",
                 f"/staff-homes/applications/{application.pk}/inspection/"):
        assert judge.post(path).status_code == 403, path
        assert anonymous.post(path)["Location"].startswith("/login/?next="), path
    assert admin.get(f"/staff-homes/rounds/{round_.pk}/step/close/").status_code == 405
    assert admin.post(f"/staff-homes/rounds/{round_.pk}/step/explode/").status_code == 404
    assert admin.get("/staff-homes/applications/999999/").status_code == 404
    assert admin.get(f"/staff-homes/rounds/{round_.pk}/criteria/{criterion.pk + 100000}/").status_code == 404
    round_.refresh_from_db()
    assert round_.status == "open" and draft.criteria.count() == 5


def test_the_navigation_shows_the_area_to_the_admin_and_the_reviewer(admin, reviewer, province):
    assert 'href="/staff-homes/"' in text(admin.get("/"))
    assert 'href="/staff-homes/"' in text(reviewer.get("/"))
    assert 'href="/staff-homes/"' not in text(signed_in(province, [Role.JUDGE]).get("/"))


# ---- rounds and criteria -----------------------------------------------------------------------------

def test_the_admin_creates_a_round_and_wrong_input_is_explained_beside_the_field(admin):
    form = {"year": "2026", "title": "2026 年先进教职工之家（小家）评选", "opens_at": "2026-05-01T08:00",
            "closes_at": "2026-04-01T08:00", "recheck_years": "12"}
    refused = text(admin.post("/staff-homes/rounds/new/", form))
    assert beside(refused, "closes_at") == "申报截止必须晚于开始。"
    assert beside(refused, "recheck_years") == "复查年限应在 1 到 10 年之间。"
    assert 'value="2026 年先进教职工之家（小家）评选"' in refused
    assert beside(text(admin.post("/staff-homes/rounds/new/", form | {"year": "明年"})), "year") == "请填写一个整数。"
    assert not Round.objects.exists()

    page = admin.get("/staff-homes/rounds/new/")
    token = re.search(r'name="submission" value="([^"]+)"', text(page)).group(1)
    good = form | {"closes_at": "2026-06-30T17:30", "recheck_years": "", "submission": token}
    created = admin.post("/staff-homes/rounds/new/", good, follow=True)
    assert "评选已建立（筹备中）" in text(created) and "筹备中" in text(created)
    assert admin.post("/staff-homes/rounds/new/", good).status_code == 200  # the same form again: once
    round_ = Round.objects.get()
    assert round_.recheck_years == 3 and round_.status == "draft"
    assert timezone.localtime(round_.closes_at).strftime("%H:%M") == "17:30"
    assert [c.name for c in round_.criteria.all()] == ["规范", "和谐", "温暖", "平安", "创新"]
    for name in ("规范", "创新"):
        assert f'data-criterion="{name}"' in text(created)


def test_the_admin_sets_the_criteria_of_a_round_in_preparation_and_then_they_are_fixed(admin):
    draft = a_round(admin.user, opened=False)
    url = f"/staff-homes/rounds/{draft.pk}/"
    too_high = text(admin.post(url + "criteria/", {"name": "特色", "max_score": "150", "description": "亮点"}))
    assert beside(too_high, "max_score") == "满分应在 1 到 100 之间。" and 'value="特色"' in too_high
    twice = text(admin.post(url + "criteria/", {"name": "规范", "max_score": "10"}))
    assert beside(twice, "name") == "建家标准“规范”已存在。"
    assert draft.criteria.count() == 5
    added = text(admin.post(url + "criteria/", {"name": "特色", "max_score": "10", "description": "亮点"}, follow=True))
    assert "建家标准已添加" in added and "满分合计 110" in added

    rule = draft.criteria.get(name="规范")
    edit = f"{url}criteria/{rule.pk}/"
    assert 'value="20"' in text(admin.get(edit))
    assert beside(text(admin.post(edit, {"name": "", "max_score": "20"})), "name") == "标准名称不能为空。"
    admin.post(edit, {"name": "规范", "max_score": "25", "description": "组织健全"})
    rule.refresh_from_db()
    assert rule.max_score == Decimal("25.00") and rule.description == "组织健全"
    admin.post(f"{url}criteria/{draft.criteria.get(name='创新').pk}/delete/")
    assert list(draft.criteria.values_list("name", flat=True)) == ["规范", "和谐", "温暖", "平安", "特色"]

    opened = text(admin.post(url + "step/open/", follow=True))
    assert "已开始申报" in opened and "建家标准不再修改" in opened and "添加建家标准" not in opened
    frozen = text(admin.post(url + "criteria/", {"name": "智慧", "max_score": "10"}))
    assert beside(frozen, "name") == "" and "已申报中，建家标准不能再修改。" in frozen
    assert admin.get(edit).status_code == 200
    assert "不能再修改" in text(admin.post(edit, {"name": "规范", "max_score": "5"}))
    assert "不能再修改" in text(admin.post(f"{url}criteria/{rule.pk}/delete/", follow=True))
    rule.refresh_from_db()
    assert draft.criteria.count() == 5 and rule.max_score == Decimal("25.00")


def test_the_round_s_steps_open_close_and_publish_with_the_service_s_reasons(admin, application, round_):
    url = f"/staff-homes/rounds/{round_.pk}/"
    page = text(admin.get(url))
    assert ">截止申报</button>" in page and ">公布名单</button>" in page and ">开始申报</button>" not in page
    refused = text(admin.post(url + "step/publish/", follow=True))
    assert "还有 1 份申报尚未确认或不予确认，不能公布名单。" in refused
    round_.refresh_from_db()
    assert round_.status == "open"
    closed = text(admin.post(url + "step/close/", follow=True))
    assert "已截止申报" in closed and ">截止申报</button>" not in closed and "申报中 → 评审中" in closed
    again = text(admin.post(url + "step/close/", follow=True))
    assert "其他人已先处理了这条记录" in again

    empty = a_round(admin.user, title="没有标准的评选", opened=False)
    for criterion in empty.criteria.all():
        s.criterion_delete(criterion=criterion, by=admin.user)
    said = text(admin.post(f"/staff-homes/rounds/{empty.pk}/step/open/", follow=True))
    assert "请先设置至少一项建家标准，再开始申报。" in said
    empty.refresh_from_db()
    assert empty.status == "draft"


def test_a_round_in_preparation_is_edited_and_schools_do_not_see_it(admin, guilin):
    draft = a_round(admin.user, title="2027 年评选（筹备）", year=2027, opened=False)
    edit = f"/staff-homes/rounds/{draft.pk}/edit/"
    form = {"year": "2027", "title": "2027 年先进教职工之家评选", "opens_at": "2027-03-01T08:00",
            "closes_at": "2027-02-01T08:00", "recheck_years": "3"}
    assert beside(text(admin.post(edit, form)), "closes_at") == "申报截止必须晚于开始。"
    admin.post(edit, form | {"closes_at": "2027-04-30T18:00"})
    draft.refresh_from_db()
    assert draft.title == "2027 年先进教职工之家评选"
    office = signed_in(guilin, [Role.UNION_ADMIN])
    assert "2027 年先进教职工之家评选" not in text(office.get("/provincial/staff-homes/"))
    assert office.get(f"/provincial/staff-homes/rounds/{draft.pk}/apply/").status_code == 404


# ---- applications, scoring, inspections, the decision -------------------------------------------------

def test_the_lists_show_applications_with_filters(admin, application, round_, huzhou):
    other = s.application_submit(by=None, round=round_, school=huzhou, level="home", unit_name="校工会",
                                 self_scores={str(c.pk): "10" for c in round_.criteria.all()}, self_assessment="好")
    listed = text(admin.get("/staff-homes/applications/"))
    assert "文学院分工会" in listed and "校工会" in listed
    only = text(admin.get("/staff-homes/applications/", {"school": huzhou.slug}))
    assert "校工会" in only and "文学院分工会" not in only
    assert "文学院分工会" not in text(admin.get("/staff-homes/applications/", {"level": "home"}))
    round_page = text(admin.get(f"/staff-homes/rounds/{round_.pk}/", {"q": "文学院"}))
    assert "文学院分工会" in round_page and f"/staff-homes/applications/{other.pk}/" not in round_page


def test_a_reviewer_scores_each_criterion_and_a_score_out_of_range_is_refused_beside_it(reviewer, application,
                                                                                       round_):
    url = f"/staff-homes/applications/{application.pk}/"
    page = text(reviewer.get(url))
    assert "规范（满分 20）" in page and "确认或不予确认由自治区教育工会管理员决定" in page
    assert 'action="/staff-homes/applications/%d/decide/"' % application.pk not in page
    rule, harmony = round_.criteria.get(name="规范"), round_.criteria.get(name="和谐")
    refused = text(reviewer.post(url + "review/", marks(round_, 规范="21", 和谐="-1") | {"comment": "台账规范"}))
    assert beside(refused, f"scores.{rule.pk}") == "“规范”的分数应在 0 到 20.00 之间。"
    assert beside(refused, f"scores.{harmony.pk}") == "“和谐”的分数应在 0 到 20.00 之间。"
    assert 'value="21"' in refused and "台账规范" in refused
    blank = text(reviewer.post(url + "review/", marks(round_, 规范="")))
    assert beside(blank, f"scores.{rule.pk}") == "请填写“规范”的分数。"
    assert not ReviewScore.objects.exists()

    saved = text(reviewer.post(url + "review/", marks(round_, 规范="19.5") | {"comment": "台账规范"}, follow=True))
    assert "评分已保存" in saved and "83.50（1 人评分）" in saved and "修改我的评分" in saved
    assert 'value="19.50"' in saved  # the form shows the reviewer's own scores to change
    reviewer.post(url + "review/", marks(round_, 规范="20"))
    application.refresh_from_db()
    assert application.reviews.count() == 1 and application.review_total == Decimal("84.00")


def test_inspections_are_recorded_with_their_reasons_beside_the_fields(reviewer, application):
    url = f"/staff-homes/applications/{application.pk}/inspection/"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = text(reviewer.post(url, {"inspected_on": tomorrow, "inspectors": "", "notes": ""}))
    assert beside(refused, "inspected_on") == "检查日期不能晚于今天。"
    assert beside(refused, "inspectors") == "请填写检查人员。" and beside(refused, "notes") == "请填写检查情况。"
    assert beside(text(reviewer.post(url, {"inspected_on": "5月", "inspectors": "李处长", "notes": "好"})),
                  "inspected_on") == "请按“年-月-日”填写有效日期。"
    assert not Inspection.objects.exists()
    today = timezone.localdate().isoformat()
    done = text(reviewer.post(url, {"inspected_on": today, "inspectors": "李处长、王科长",
                                    "notes": "活动室 80 平方米，设施齐全"}, follow=True))
    assert "实地检查记录已保存" in done and "李处长、王科长" in done and "活动室 80 平方米" in done


def test_only_the_admin_decides_and_refusing_needs_a_reason(admin, reviewer, application, round_):
    url = f"/staff-homes/applications/{application.pk}/"
    refused = reviewer.post(url + "decide/", {"decision": "confirm", "note": ""})
    assert refused.status_code == 403 and "您没有执行该操作的权限" in text(refused)
    early = text(admin.post(url + "decide/", {"decision": "confirm", "note": ""}))
    assert "尚无评审评分，不能确认。" in early
    no_reason = text(admin.post(url + "decide/", {"decision": "reject", "note": " "}))
    assert beside(no_reason, "note") == "不予确认必须填写原因。"
    assert "请选择“确认”或“不予确认”" in text(admin.post(url + "decide/", {"note": "x"}))
    application.refresh_from_db()
    assert application.status == "submitted"

    reviewer.post(url + "review/", marks(round_))
    decided = text(admin.post(url + "decide/", {"decision": "confirm", "note": "材料与实地检查相符。"}, follow=True))
    assert "已确认为先进" in decided and "2029 年复查" in decided and "材料与实地检查相符。" in decided
    assert "已申报 → 已确认" in decided and "提交评分" not in decided and ">不予确认</button>" not in decided
    assert "记录复查" in decided
    application.refresh_from_db()
    assert application.status == "confirmed" and application.recheck_year == 2029


def test_materials_are_downloaded_through_the_api_s_checked_path(province, reviewer, application):
    s.material_attach(application=application, by=None,
                      upload=SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger", content_type="application/pdf"))
    material = application.materials.get()
    page = text(reviewer.get(f"/staff-homes/applications/{application.pk}/"))
    link = f"/api/v1/staff-homes/applications/{application.pk}/materials/{material.pk}/"
    assert f'href="{link}"' in page and "台账.pdf" in page and "/media/" not in page
    download = reviewer.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 ledger"
    assert signed_in(province, [Role.JUDGE]).get(link).status_code == 403


# ---- the confirmed list and the re-check list --------------------------------------------------------

def confirm(application, by, reviewer_user):
    s.review_submit(application=application, by=reviewer_user, scores={
        str(c.pk): "17" for c in application.round.criteria.all()})
    return s.application_decide(application=application, by=by, confirm=True)


def test_the_confirmed_list_and_the_recheck_list_by_year(admin, reviewer, application, round_, huzhou):
    confirm(application, admin.user, reviewer.user)
    older = a_round(admin.user, year=2023, title="2023 年先进教职工之家评选")
    old_home = s.application_submit(by=None, round=older, school=huzhou, level="home", unit_name="校工会",
                                    self_scores={str(c.pk): "15" for c in older.criteria.all()}, self_assessment="好")
    confirm(old_home, admin.user, reviewer.user)

    confirmed = text(admin.get("/staff-homes/confirmed/", {"year": "2026"}))
    assert "文学院分工会" in confirmed and "校工会" not in confirmed
    assert "校工会" in text(admin.get("/staff-homes/confirmed/"))
    this_year = timezone.localdate().year
    due = text(reviewer.get("/staff-homes/recheck/", {"year": "2026"}))
    assert "2026 年复查名单" in due and "校工会" in due and "文学院分工会" not in due
    expected = "待复查" if this_year <= 2026 else "逾期未复查"
    assert expected in text(reviewer.get("/staff-homes/recheck/", {"year": str(max(this_year, 2026))}))
    assert "文学院分工会" in text(reviewer.get("/staff-homes/recheck/", {"year": "2029"}))

    reviewer.post(f"/staff-homes/applications/{old_home.pk}/inspection/", {
        "inspected_on": timezone.localdate().isoformat(), "inspectors": "复查组", "notes": "保持良好"})
    rechecked = text(reviewer.get("/staff-homes/recheck/", {"year": str(this_year)}))
    if this_year >= 2026:
        assert f"已复查（{timezone.localdate():%Y-%m-%d}）" in rechecked


# ---- the workbench -----------------------------------------------------------------------------------

def test_the_workbench_shows_the_reviewer_what_to_score_and_the_admin_what_to_decide(admin, reviewer, application,
                                                                                    round_):
    page = text(reviewer.get("/"))
    assert 'href="/staff-homes/applications/?stage=to_score" data-todo="staffhomes_to_score"' in page
    assert f'href="/staff-homes/applications/{application.pk}/"><span>桂林学院 文学院分工会</span>' in page
    assert "staffhomes_to_decide" not in page
    to_score = text(reviewer.get("/staff-homes/applications/", {"stage": "to_score"}))
    assert "文学院分工会" in to_score

    reviewer.post(f"/staff-homes/applications/{application.pk}/review/", marks(round_))
    assert "文学院分工会" not in text(reviewer.get("/staff-homes/applications/", {"stage": "to_score"}))
    admin_page = text(admin.get("/"))
    assert 'data-todo="staffhomes_to_decide"' in admin_page and "桂林学院 文学院分工会（评审均分 80.00）" in admin_page
    assert "staffhomes_to_score" not in admin_page
    assert "文学院分工会" in text(admin.get("/staff-homes/applications/", {"stage": "to_decide"}))

    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
    closing = text(admin.get("/"))
    assert 'class="counter has-items urgent" href="/staff-homes/?status=open" data-todo="staffhomes_closing"' in closing
    assert "2026 年先进教职工之家评选（已过截止，待截止申报）" in closing


# ---- the school's side: the self-scores beside their criterion -----------------------------------------

def test_the_school_s_self_score_errors_stand_beside_their_criterion(round_, guilin):
    office = signed_in(guilin, [Role.UNION_ADMIN])
    rule = round_.criteria.get(name="规范")
    scores = {f"self_scores.{c.pk}": "18" for c in round_.criteria.all()}
    page = text(office.post(f"/provincial/staff-homes/rounds/{round_.pk}/apply/", {
        "level": "home", "unit_name": "校工会", "self_assessment": "", **scores, f"self_scores.{rule.pk}": "-2"}))
    assert beside(page, f"self_scores.{rule.pk}") == "“规范”的分数应在 0 到 20.00 之间。"
    assert beside(page, "self_assessment") == "请填写自评报告。"
    assert not HomeApplication.objects.exists() and Criterion.objects.filter(round=round_).count() == 5
