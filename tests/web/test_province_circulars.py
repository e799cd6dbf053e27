"""The provincial 省级通知 pages: paste a notice → check and correct the parse → save a draft →
publish to every school or the schools chosen (once) → follow signing and progress in the
schools × points matrix, exported to .xlsx. What the service refuses is said beside the field or
the row it concerns, and nothing is written."""
import datetime
import io
import re
from pathlib import Path

import pytest
from django.test import Client

from shared.circulars.models import Circular, CircularItem, CircularRecipient, ItemReport
from shared.circulars.services import circular_acknowledge, circular_create, circular_publish, item_report
from tenants import xlsx
from tenants.accounts.roles import Role
from tests.conftest import make_user, signed_in, text

# Real notices copied into the suite (tests/shared/notices, with their PDF debris).
NOTICES = Path(__file__).resolve().parents[1] / "shared" / "notices"
SMALL = (NOTICES / "small-plan.txt").read_text(encoding="utf-8")
GUILIN = (NOTICES / "guilin-university-2023.txt").read_text(encoding="utf-8")


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


def preview(client, notice):
    return client.post("/circulars/new/", {"action": "preview", "text": notice})


def form_of(page) -> dict:
    """What the browser would send back from the preview form: every input, textarea and the
    checked boxes, as rendered."""
    data = {}
    for name, value in re.findall(r'<input type="(?:text|hidden|date|number)" name="([^"]+)"(?: value="([^"]*)")?',
                                  page):
        data[name] = _unescape(value)
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]* checked>', page):
        data[name] = "on"
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, flags=re.S):
        data[name] = _unescape(value)
    data.pop("csrfmiddlewaretoken", None)
    return data


def _unescape(value):
    import html

    return html.unescape(value or "")


@pytest.fixture
def draft(province):
    by = make_user(province, [Role.PROVINCE_ADMIN])
    return circular_create(by=by, title="关于做好2026年工会重点工作的通知", items=[
        {"title": "加强政治建设", "section": "一"}, {"title": "办好教代会", "section": "二",
                                                   "due_on": datetime.date(2099, 6, 30)}])


# ---- access -------------------------------------------------------------------------------------

def test_every_page_is_the_province_admin_s_and_lives_only_on_the_provincial_host(province, guilin, draft):
    published = circular_create(by=None, title="已发布的通知", items=[{"title": "一项"}])
    circular_publish(circular=published, by=make_user(province, [Role.PROVINCE_ADMIN]), school_slugs=["guilin"])
    pages = ["/circulars/", "/circulars/new/", f"/circulars/{draft.pk}/", f"/circulars/{published.pk}/",
             f"/circulars/{published.pk}/matrix.xlsx"]
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    others = [signed_in(province, [Role.PROVINCE_REVIEWER]), signed_in(province, [Role.JUDGE])]
    anonymous = Client(HTTP_HOST="localhost")
    school = signed_in(guilin, [Role.UNION_ADMIN])
    for path in pages:
        assert admin.get(path).status_code == 200, path
        for other in others:
            assert other.get(path).status_code == 403, path
        assert anonymous.get(path)["Location"].startswith("/login/?next="), path
        assert school.get(path).status_code == 404, path
    for other in others:
        assert other.post(f"/circulars/{draft.pk}/publish/", {"target": "all"}).status_code == 403
    assert Circular.objects.get(pk=draft.pk).status == "draft"
    assert admin.get("/circulars/999999/").status_code == 404
    assert admin.get(f"/circulars/{draft.pk}/matrix.xlsx").status_code == 404  # a draft has no matrix


def test_the_list_shows_drafts_and_published_circulars_with_their_follow_up_figures(admin, province, guilin, huzhou,
                                                                                    draft):
    sent = circular_create(by=None, title="关于开展送清凉活动的通知", items=[{"title": "走访一线"}, {"title": "发放物资"}])
    circular_publish(circular=sent, by=admin.user, school_slugs=["guilin", "huzhou"])
    circular_acknowledge(circular=sent, school=guilin, by=None)
    page = text(admin.get("/circulars/"))
    assert "关于做好2026年工会重点工作的通知" in page and "草稿" in page
    assert f'href="/circulars/{sent.pk}/"' in page and "1 / 2" in page and "0 / 4" in page
    assert 'href="/circulars/new/"' in page
    waiting = text(admin.get("/circulars/?waiting=unacknowledged"))
    assert "关于开展送清凉活动的通知" in waiting and "关于做好2026年工会重点工作的通知" not in waiting
    assert "关于开展送清凉活动的通知" not in text(admin.get("/circulars/?status=draft"))
    assert "送清凉" in text(admin.get("/circulars/?q=送清凉")) and "送清凉" not in text(admin.get("/circulars/?q=无此"))


# ---- paste → preview → edit → draft -----------------------------------------------------------

def test_a_pasted_notice_is_previewed_with_sections_points_and_calendar_and_nothing_is_saved(admin):
    page = text(preview(admin, SMALL))
    assert Circular.objects.count() == 0
    assert 'value="关于印发《南宁职业学院工会2024年工作要点》的通知"' in page
    assert 'value="南职工〔2024〕3号"' in page and 'value="南宁职业学院工会"' in page
    assert "识别出 3 个章节、5 条要点、3 个月的行事历" in page
    assert 'name="items-TOTAL_FORMS" value="5"' in page
    assert re.search(r'<textarea name="items-0-title"[^>]*>\s*组织学习党的二十大精神</textarea>', page)
    assert "各分工会每季度至少组织一次集中学习" in page
    assert 'name="items-2-number" value="（一）"' in page
    assert "3月：三八节活动；教职工体检\n7-8月：疗休养\n十二月：年终考核</textarea>" in page


def test_the_parse_is_corrected_before_it_is_saved_as_a_draft(admin):
    data = form_of(text(preview(admin, SMALL)))
    data["items-0-title"] = "组织学习党的二十大精神和全会精神"
    data["items-0-due_on"] = "2024-06-30"
    data["items-1-DELETE"] = "on"
    data["title"] = "南宁职业学院工会2024年工作要点"
    added = text(admin.post("/circulars/new/", {**data, "action": "add"}))
    assert 'name="items-TOTAL_FORMS" value="6"' in added and 'name="items-5-title"' in added
    assert "组织学习党的二十大精神和全会精神</textarea>" in added  # what was typed is kept
    assert Circular.objects.count() == 0

    data = form_of(added)
    data["items-1-DELETE"] = "on"
    data["calendar"] = "3月：三八节活动；教职工体检\n\n七 - 八月: 疗休养; 送清凉\n"
    data.update({"items-5-section_number": "四", "items-5-section_title": "新增章节", "items-5-title": "办好运动会",
                 "items-5-body": "十月举行。", "items-5-due_on": "2024-10-31"})
    saved = admin.post("/circulars/new/", {**data, "action": "save"})
    circular = Circular.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/circulars/{circular.pk}/"
    assert circular.status == "draft" and circular.title == "南宁职业学院工会2024年工作要点"
    assert circular.doc_number == "南职工〔2024〕3号" and circular.source_text.startswith("南宁职业学院工会文件")
    assert circular.calendar == [{"month": "3月", "months": [3], "tasks": ["三八节活动", "教职工体检"]},
                                 {"month": "七-八月", "months": [7, 8], "tasks": ["疗休养", "送清凉"]}]
    items = list(circular.items.values_list("section_number", "number", "title", "due_on"))
    assert items == [("一", "1", "组织学习党的二十大精神和全会精神", datetime.date(2024, 6, 30)),
                     ("二", "（一）", "落实五必访制度", None), ("二", "（二）", "完善困难教职工档案", None),
                     ("三", "", "做好工会经费预算", None), ("四", "", "办好运动会", datetime.date(2024, 10, 31))]
    detail = text(admin.get(saved["Location"]))
    assert "已保存为草稿" in detail and "完成期限 2024年6月30日" in detail and 'action="/circulars/' in detail


@pytest.mark.parametrize("notice, reason", [
    ("", "文本为空。"),
    ("   \n\n  ", "文本为空。"),
    ("今天天气很好，我们去公园散步。下午开会讨论了明年的工作。", "没有找到“一、”这样的章节标题"),
    ("一、行事历\n二月 荣休", "没有任何工作要点条目"),
    ("一、" + "很长的段落" * 50_000, "文本太长"),
])
def test_a_text_that_is_not_a_notice_is_refused_beside_the_field_and_nothing_is_written(admin, notice, reason):
    page = text(preview(admin, notice))
    error = re.search(r'<p class="field-error" id="id_text_error">([^<]+)</p>', page)
    assert error and reason in error.group(1)
    assert 'name="action" value="preview"' in page and "核对识别结果" not in page
    assert Circular.objects.count() == 0


def test_the_text_kept_under_the_preview_is_read_again_when_saving(admin):
    data = form_of(text(preview(admin, SMALL)))
    data["text"] = "随便一段话。"
    page = text(admin.post("/circulars/new/", {**data, "action": "save"}))
    assert "没有找到“一、”这样的章节标题" in page and 'id="id_text_error"' in page
    assert Circular.objects.count() == 0


def test_a_wrong_row_is_explained_beside_that_row_keeps_every_input_and_writes_nothing(admin):
    data = form_of(text(preview(admin, GUILIN)))
    data["items-2-title"] = ""
    data["items-2-body"] = "只有内容没有要点。"
    data["items-4-due_on"] = "2023-01-01"  # before the notice's 2023-04-10
    data["items-5-number"] = "（一二三四五六七八）"
    data["doc_number"] = "桂院工〔2023〕1号（修订）"
    page = text(admin.post("/circulars/new/", {**data, "action": "save"}))
    assert 'id="id_items-2-title_error">要点不能为空。' in page
    assert 'id="id_items-4-due_on_error">完成期限不能早于成文日期。' in page
    assert 'id="id_items-5-number_error">序号不能超过 8 字。' in page
    assert page.count('class="field-error"') == 3
    assert ('以下 3 处需要修改，已在旁边标出：<a href="#row-3">第 3 条要点</a>、<a href="#row-5">第 5 条要点</a>、'
            '<a href="#row-6">第 6 条要点</a>。没有保存任何内容。') in page
    assert "只有内容没有要点。" in page and 'value="桂院工〔2023〕1号（修订）"' in page
    assert Circular.objects.count() == 0 and CircularItem.objects.count() == 0


def test_a_date_that_is_not_a_date_and_an_empty_title_are_explained(admin):
    data = form_of(text(preview(admin, SMALL)))
    data["items-3-due_on"] = "2024-02-30"
    data["title"] = "   "
    page = text(admin.post("/circulars/new/", {**data, "action": "save"}))
    assert 'id="id_items-3-due_on_error"' in page
    assert Circular.objects.count() == 0
    data["items-3-due_on"] = ""
    page = text(admin.post("/circulars/new/", {**data, "action": "save"}))
    assert 'id="id_title_error">标题不能为空。' in page and Circular.objects.count() == 0


def test_a_calendar_line_that_is_not_a_month_is_explained_with_its_line(admin):
    data = form_of(text(preview(admin, SMALL)))
    data["calendar"] = "3月：三八节活动\n\n十三月：年终考核\n明年：规划"
    page = text(admin.post("/circulars/new/", {**data, "action": "save"}))
    errors = re.findall(r'<p class="field-error" id="id_calendar_error">([^<]+)</p>', page)
    assert errors == ["第 3 行：“十三月”不是月份：请写作 3月、七-八月 这样的形式。",
                      "第 4 行：“明年”不是月份：请写作 3月、七-八月 这样的形式。"]
    assert '<a href="#calendar">行事历</a>' in page and "十三月：年终考核" in page
    assert Circular.objects.count() == 0
    data["calendar"] = ""
    assert admin.post("/circulars/new/", {**data, "action": "save"}).status_code == 302
    assert Circular.objects.get().calendar == []


def test_deleting_every_row_is_refused(admin):
    data = form_of(text(preview(admin, SMALL)))
    for index in range(5):
        data[f"items-{index}-DELETE"] = "on"
    page = text(admin.post("/circulars/new/", {**data, "action": "save"}))
    assert "至少保留一条要点。" in page and Circular.objects.count() == 0


def test_a_double_submitted_save_makes_one_draft(admin):
    data = {**form_of(text(preview(admin, SMALL))), "action": "save"}
    assert admin.post("/circulars/new/", data).status_code == 302
    again = admin.post("/circulars/new/", data, follow=True)
    assert "这张表单刚才已经提交过" in text(again) and Circular.objects.count() == 1


# ---- publish --------------------------------------------------------------------------------------

def test_publishing_to_the_chosen_schools_then_again_is_refused_in_chinese(admin, draft, guilin, huzhou):
    url = f"/circulars/{draft.pk}/publish/"
    page = text(admin.get(f"/circulars/{draft.pk}/"))
    assert f'action="{url}"' in page and 'value="guilin"' in page and "桂林学院" in page

    none_ticked = text(admin.post(url, {"target": "chosen"}))
    assert 'id="id_schools_error">请至少选择一所学校，或选择发给全部学校。' in none_ticked
    assert Circular.objects.get(pk=draft.pk).status == "draft" and not CircularRecipient.objects.exists()

    published = admin.post(url, {"target": "chosen", "schools": ["guilin", "huzhou"]}, follow=True)
    assert "通知已发布" in text(published)
    circular = Circular.objects.get(pk=draft.pk)
    assert circular.status == "published"
    assert set(circular.recipients.values_list("school__slug", flat=True)) == {"guilin", "huzhou"}
    first = circular.published_at

    again = text(admin.post(url, {"target": "all"}))
    assert "通知当前状态为“已发布”，不能执行“发布”操作。" in again
    circular.refresh_from_db()
    assert circular.published_at == first and circular.recipients.count() == 2


def test_publishing_to_all_sends_to_every_active_school(admin, draft):
    from tenants.models import School
    from tenants.selectors import schools

    assert admin.post(f"/circulars/{draft.pk}/publish/", {"target": "all"}).status_code == 302
    active = set(schools(status=School.Status.ACTIVE).values_list("slug", flat=True))
    assert set(Circular.objects.get(pk=draft.pk).recipients.values_list("school__slug", flat=True)) == active


def test_a_school_not_offered_is_refused_beside_the_schools(admin, draft):
    page = text(admin.post(f"/circulars/{draft.pk}/publish/", {"target": "chosen", "schools": ["nosuch"]}))
    assert 'id="id_schools_error">没有这所学校或学校已停用：nosuch' in page
    assert Circular.objects.get(pk=draft.pk).status == "draft"


# ---- the matrix and its export -----------------------------------------------------------------

@pytest.fixture
def followed(admin, draft, guilin, huzhou, hnit):
    circular_publish(circular=draft, by=admin.user, school_slugs=["guilin", "huzhou", "hnit"])
    first, second = draft.items.order_by("order")
    circular_acknowledge(circular=draft, school=guilin, by=None)
    item_report(item=first, school=guilin, by=None, status="done", text="已组织四次集中学习")
    item_report(item=second, school=guilin, by=None, status="in_progress")
    item_report(item=first, school=huzhou, by=None, status="not_started")
    return draft


def test_the_matrix_shows_each_school_s_progress_in_colour_and_words_and_who_has_not_signed(admin, followed):
    page = text(admin.get(f"/circulars/{followed.pk}/"))
    first, second = followed.items.order_by("order")
    guilin_row = re.search(r'<tr data-school="guilin">(.*?)</tr>', page, flags=re.S).group(1)
    assert f'class="progress-cell progress-done" data-item="{first.pk}" data-status="done"' in guilin_row
    assert ">已完成</td>" in guilin_row and ">推进中</td>" in guilin_row and "已签收" in guilin_row
    assert "2 / 2" not in guilin_row and "1 / 2" in guilin_row
    huzhou_row = re.search(r'<tr data-school="huzhou">(.*?)</tr>', page, flags=re.S).group(1)
    assert "progress-not-started" in huzhou_row and ">未开始</td>" in huzhou_row and ">未填报</td>" in huzhou_row
    assert "未签收" in huzhou_row
    unsigned = re.search(r'data-testid="unacknowledged">(.*?)</ul>', page, flags=re.S).group(1)
    assert "湖州师范学院" in unsigned and "湖南信息学院" in unsigned and "桂林学院" not in unsigned
    assert "未签收的学校（2）" in page and "1 / 3 所学校" in page and "1 / 6" in page
    assert '<abbr title="加强政治建设">一·1</abbr>' in page and 'class="matrix-scroll"' in page
    assert f'href="/circulars/{followed.pk}/matrix.xlsx"' in page
    assert 'name="target"' not in page  # published: nothing to publish any more


def test_the_matrix_exports_to_xlsx_with_progress_in_words(admin, followed):
    response = admin.get(f"/circulars/{followed.pk}/matrix.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    book = xlsx.open_for_reading(io.BytesIO(response.content))
    assert book.sheetnames == ["落实情况", "要点", "填报明细"]
    rows = [list(r) for r in book["落实情况"].iter_rows(values_only=True)]
    assert rows[0] == ["学校", "站点标识", "签收", "签收时间", "签收人", "一·1 加强政治建设", "二·2 办好教代会", "已完成要点"]
    by_slug = {row[1]: row for row in rows[1:]}
    assert by_slug["guilin"][2] == "已签收" and by_slug["guilin"][5:] == ["已完成", "推进中", "1 / 2"]
    assert by_slug["huzhou"][2] == "未签收" and by_slug["huzhou"][5:] == ["未开始", "未填报", "0 / 2"]
    points = [list(r) for r in book["要点"].iter_rows(values_only=True)]
    assert points[2] == ["二·2", "二", "2", "办好教代会", "2099年6月30日"]
    details = [list(r) for r in book["填报明细"].iter_rows(values_only=True)]
    assert ["桂林学院", "一·1", "加强政治建设", "已完成", "已组织四次集中学习"] == details[1][:5]


def test_a_school_name_that_looks_like_a_formula_is_exported_as_text(admin, followed, guilin):
    item = followed.items.order_by("order").first()
    item_report(item=item, school=guilin, by=None, status="done", text="=HYPERLINK(\"http://x\")")
    response = admin.get(f"/circulars/{followed.pk}/matrix.xlsx")
    book = xlsx.open_for_reading(io.BytesIO(response.content))
    assert any(row[4] == "=HYPERLINK(\"http://x\")" for row in book["填报明细"].iter_rows(values_only=True))


# ---- 工作台 -------------------------------------------------------------------------------------

def test_the_province_admin_s_workbench_lists_circulars_not_signed_for_and_not_reported_on(admin, followed, province):
    page = text(admin.get("/"))
    assert 'href="/circulars/?waiting=unacknowledged" data-todo="circulars_unacknowledged"' in page
    assert 'href="/circulars/?waiting=unreported" data-todo="circulars_unreported"' in page
    assert f"关于做好2026年工会重点工作的通知（2 所学校未签收）" in page
    assert f'href="/circulars/{followed.pk}/#unacknowledged"' in page
    assert "关于做好2026年工会重点工作的通知（3 项未填报）" in page
    reviewer = signed_in(province, [Role.PROVINCE_REVIEWER])
    assert "circulars_unacknowledged" not in text(reviewer.get("/"))


def test_a_point_past_its_due_date_with_no_report_makes_the_counter_urgent(admin, province, guilin):
    late = circular_create(by=None, title="逾期的通知", items=[{"title": "限期完成", "due_on": datetime.date(2020, 1, 1)}])
    circular_publish(circular=late, by=admin.user, school_slugs=["guilin"])
    page = text(admin.get("/"))
    assert re.search(r'class="counter has-items urgent" href="/circulars/\?waiting=unreported"', page)
    assert "逾期的通知（1 项未填报，1 项已过完成期限）" in page
    item_report(item=late.items.get(), school=guilin, by=None, status="in_progress")
    page = text(admin.get("/"))
    assert "逾期的通知（1 项未填报" not in page and "逾期的通知（1 所学校未签收）" in page
    assert not re.search(r'class="counter has-items urgent" href="/circulars/\?waiting=unreported"', page)
    assert ItemReport.objects.filter(item__circular=late).count() == 1
