"""The yearly 工作要点: imported from text, published, acknowledged and reported on item by item."""
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from shared.circulars.importer import NotWorkPoints, parse_work_points
from shared.circulars.models import Circular
from shared.circulars.selectors import circulars_for_province, unacknowledged_schools
from shared.circulars.services import (
    MAX_ITEMS,
    MAX_TEXT,
    circular_acknowledge,
    circular_create,
    circular_import,
    circular_publish,
    item_report,
)
from tenants.accounts.roles import Role
from tenants.errors import IllegalTransition
from tests.conftest import client_for, make_user

# Real notices (copied from the shared fixtures, with their PDF line breaks and page debris) and
# one of our own; all inside the suite so it stands alone.
OWN = Path(__file__).parent / "notices"


def fixture(name):
    return (OWN / name).read_text(encoding="utf-8")


def outline(parsed):
    return [(s["number"], len(s["items"])) for s in parsed["sections"]]


def test_our_own_notice_covers_every_numbering_style_debris_and_a_lost_numeral():
    parsed = parse_work_points((OWN / "small-plan.txt").read_text(encoding="utf-8"))
    assert parsed["title"] == "关于印发《南宁职业学院工会2024年工作要点》的通知"
    assert parsed["doc_number"] == "南职工〔2024〕3号" and parsed["issuer"] == "南宁职业学院工会"
    assert parsed["issued_on"] is None  # 2 月 30 日 does not exist: null, not a guess
    assert outline(parsed) == [("一", 2), ("二", 2), ("三", 1)]
    first = parsed["sections"][0]["items"][0]
    assert first == {"number": "1", "title": "组织学习党的二十大精神",
                     "body": "各分工会每季度至少组织一次集中学习，做好学习记录并按时报送。"}
    assert [i["number"] for i in parsed["sections"][1]["items"]] == ["（一）", "（二）"]
    assert parsed["sections"][2]["title"] == "加强自身建设，提高服务能力，规范经费管理"
    assert [(c["month"], c["months"], c["tasks"]) for c in parsed["calendar"]] == [
        ("3月", [3], ["三八节活动", "教职工体检"]), ("7-8月", [7, 8], ["疗休养"]), ("十二月", [12], ["年终考核"])]


def test_the_guilin_notice():
    parsed = parse_work_points(fixture("guilin-university-2023.txt"))
    assert (parsed["doc_number"], parsed["issuer"], parsed["issued_on"]) == ("桂院工〔2023〕1号", "桂林学院工会",
                                                                             "2023-04-10")
    assert parsed["title"] == "关于印发《桂林学院2023年工会工作要点》的通知"
    assert outline(parsed) == [("一", 3), ("二", 3), ("三", 2), ("四", 2)]
    broken = parsed["sections"][0]["items"][2]
    assert broken["title"] == "强化工会自身建设，提升服务职工能力"
    assert "做好工会法人资格登记" in broken["body"]  # the line broken after 工会法 is rejoined
    assert parsed["calendar"] == []


def test_the_huzhou_notice_with_its_lost_numeral_and_calendar():
    parsed = parse_work_points(fixture("huzhou-university-2023.txt"))
    assert (parsed["doc_number"], parsed["issuer"], parsed["issued_on"]) == (None, "湖州师范学院工会", "2023-01-18")
    assert [s["number"] for s in parsed["sections"]] == ["一", "二", "三", "四", "五"]
    assert parsed["sections"][4]["title"] == "推进党风廉政监督，增强工会组织功能，夯实工会干部队伍建设"
    months = {c["month"]: c for c in parsed["calendar"]}
    assert list(months) == ["二月", "三月", "四月", "五月", "六月", "七-八月", "九月", "十月", "十一月", "十二月"]
    assert months["七-八月"]["months"] == [7, 8] and "暑期“送清凉”活动" in months["七-八月"]["tasks"]


def test_the_datong_notice_with_dash_numbering_and_an_impossible_date():
    parsed = parse_work_points(fixture("datong-university-2017.txt"))
    assert parsed["doc_number"] == "同大党〔2017〕78号" and parsed["issuer"] == "中共山西大同大学委员会"
    assert parsed["issued_on"] == "2017-10-30"  # 十月五十日 is impossible; the stated 印发 date is used
    numbers = [i["number"] for s in parsed["sections"] for i in s["items"]]
    assert numbers == [str(n) for n in range(1, 21)]
    eighth = parsed["sections"][2]["items"][0]
    assert eighth["title"] == "建立同级请示制度" and "重要工作及时向同级党委" in eighth["body"]


@pytest.mark.parametrize("text", ["", "今天天气很好。", "会议纪要\n1. 张三发言。\n2. 李四发言。"])
def test_text_that_is_not_a_work_points_notice_is_explained(text):
    with pytest.raises(NotWorkPoints):
        parse_work_points(text)


@pytest.fixture
def province_admin(province, host_client):
    return host_client(province, [Role.PROVINCE_ADMIN])


def test_the_import_endpoint_follows_the_contract(province_admin):
    text = (OWN / "small-plan.txt").read_text(encoding="utf-8")
    dry = province_admin.post("/api/v1/circulars/import/", {"text": text, "dry_run": True}, format="json")
    assert dry.status_code == 200
    assert set(dry.json()) >= {"title", "doc_number", "issuer", "issued_on", "sections", "calendar"}
    assert not Circular.objects.exists()
    saved = province_admin.post("/api/v1/circulars/import/", {"text": text, "dry_run": False}, format="json")
    assert saved.status_code == 201 and Circular.objects.get(pk=saved.json()["circular"]).items.count() == 5
    refused = province_admin.post("/api/v1/circulars/import/", {"text": "今天天气很好。"}, format="json")
    assert refused.status_code == 400 and "章节标题" in refused.json()["errors"]["text"][0]
    assert province_admin.post("/api/v1/circulars/import/", {}, format="json").status_code == 400


def test_publish_acknowledge_report_and_the_matrix(province_admin, guilin, huzhou, hnit, host_client):
    text = (OWN / "small-plan.txt").read_text(encoding="utf-8")
    pk = province_admin.post("/api/v1/circulars/import/", {"text": text, "dry_run": False},
                             format="json").json()["circular"]
    unknown = province_admin.post(f"/api/v1/circulars/{pk}/publish/", {"schools": ["guilin", "nosuch"]},
                                  format="json")
    assert unknown.status_code == 400 and "nosuch" in unknown.json()["errors"]["schools"][0]
    assert province_admin.post(f"/api/v1/circulars/{pk}/publish/", {"schools": ["guilin", "huzhou"]},
                               format="json").json()["status"] == "published"
    again = province_admin.post(f"/api/v1/circulars/{pk}/publish/", {}, format="json")
    assert again.status_code == 409

    guilin_admin = host_client(guilin, [Role.UNION_ADMIN])
    hnit_admin = host_client(hnit, [Role.UNION_ADMIN])
    assert hnit_admin.get("/api/v1/circulars/").json()["count"] == 0  # not sent to hnit
    assert hnit_admin.post(f"/api/v1/circulars/{pk}/acknowledge/").status_code == 404
    detail = guilin_admin.get(f"/api/v1/circulars/{pk}/").json()
    item = detail["items"][0]["id"]
    assert guilin_admin.post(f"/api/v1/circulars/{pk}/acknowledge/").json()["acknowledged_at"]
    no_text = guilin_admin.post(f"/api/v1/circulars/{pk}/reports/", {"item": item, "status": "done"},
                                format="json")
    assert no_text.status_code == 400 and "text" in no_text.json()["errors"]
    assert guilin_admin.post(f"/api/v1/circulars/{pk}/reports/", {"item": item, "status": "done",
                                                                  "text": "已组织四次集中学习"},
                             format="json").status_code == 201
    matrix = province_admin.get(f"/api/v1/circulars/{pk}/matrix/").json()
    rows = {row["school"]: row for row in matrix["schools"]}
    assert set(rows) == {"guilin", "huzhou"}
    assert rows["guilin"]["acknowledged_at"] and rows["huzhou"]["acknowledged_at"] is None
    assert rows["guilin"]["items"][str(item)] == "done" and rows["huzhou"]["items"][str(item)] is None
    huzhou_admin = host_client(huzhou, [Role.UNION_ADMIN])
    assert huzhou_admin.get(f"/api/v1/circulars/{pk}/reports/").json()["results"] == []  # guilin's report is not theirs


@pytest.mark.parametrize("text, sections", [
    ("关于x的通知\n某工会\n二〇二三年十十月一日\n一、章节\n（一）事项。内容", [("一", 1)]),
    ("一、章节\n（一）做好每月工作安排。\n（二）其他。\n二、第二章\n（一）事项。", [("一", 2), ("二", 1)]),
    ("一、章节\n(1) 第一件事。内容\n（2）第二件事。", [("一", 2)]),
    ("一、章节\r\n１．全角数字的事项。\r\n2. 第二件\r\n", [("一", 2)]),
])
def test_odd_but_real_inputs_parse(text, sections):
    assert outline(parse_work_points(text)) == sections


def test_a_numbered_calendar_section_and_calendar_only_text():
    parsed = parse_work_points("一、重点工作\n（一）做好提案工作。\n二、全年工作行事历\n三月 三八节\n四月 运动会")
    assert outline(parsed) == [("一", 1)] and [c["month"] for c in parsed["calendar"]] == ["三月", "四月"]
    with pytest.raises(NotWorkPoints, match="没有任何工作要点条目"):
        parse_work_points("一、行事历\n二月 荣休")


def test_an_impossible_date_is_null_and_never_a_crash():
    assert parse_work_points("关于x的通知\n某工会\n2023年2月30日\n一、章节\n（一）事项。")["issued_on"] is None


def test_publishing_to_an_empty_list_of_schools_is_refused(province_admin):
    pk = province_admin.post("/api/v1/circulars/", {"title": "测试通知", "items": [{"title": "一项"}]},
                             format="json").json()["id"]
    response = province_admin.post(f"/api/v1/circulars/{pk}/publish/", {"schools": []}, format="json")
    assert response.status_code == 400 and "schools" in response.json()["errors"]


# ---- a draft from a corrected parse; publishing; the matrix's export ----------------------------

def test_the_parse_corrected_before_saving_replaces_header_and_points(province):
    text = (OWN / "small-plan.txt").read_text(encoding="utf-8")
    circular = circular_import(by=None, text=text, title="南宁职业学院工会2024年工作要点", issued_on=None, items=[
        {"section_number": "一", "section_title": "加强思想引领", "number": "1", "title": "组织学习",
         "body": "每季度一次。", "due_on": "2024-06-30"},
        {},  # a row left empty is skipped
        {"section_number": "二", "title": "做好帮扶", "due_on": datetime.date(2024, 12, 31)}])
    assert circular.title == "南宁职业学院工会2024年工作要点" and circular.doc_number == "南职工〔2024〕3号"
    assert [(i.order, i.section_number, i.title, i.due_on) for i in circular.items.all()] == [
        (1, "一", "组织学习", datetime.date(2024, 6, 30)), (2, "二", "做好帮扶", datetime.date(2024, 12, 31))]
    assert len(circular.calendar) == 3 and circular.source_text == text


def test_every_wrong_row_is_named_with_its_index_and_nothing_is_saved(province):
    text = (OWN / "guilin-university-2023.txt").read_text(encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        circular_import(by=None, text=text, items=[
            {"title": "好的一条"}, {"body": "没有要点"}, {"title": "x", "due_on": "2023-01-01"},
            {"title": "y", "number": "123456789"}, {"title": "z", "due_on": "二〇二三年"}, "not a row"])
    assert refused.value.message_dict == {
        "items.1.title": ["要点不能为空。"], "items.2.due_on": ["完成期限不能早于成文日期。"],
        "items.3.number": ["序号不能超过 8 字。"], "items.4.due_on": ["完成期限应为有效日期（如 2026-06-30）。"],
        "items.5": ["每条要点应包含章节、要点、内容等字段。"]}
    with pytest.raises(ValidationError, match="至少保留一条要点"):
        circular_import(by=None, text=text, items=[{}, {"title": "  "}][:1])
    with pytest.raises(ValidationError, match="标题不能为空"):
        circular_import(by=None, text=text, title="  ")
    with pytest.raises(ValidationError, match="要点不能超过"):
        circular_import(by=None, text=text, items=[{"title": f"第{n}条"} for n in range(MAX_ITEMS + 1)])
    assert not Circular.objects.exists()


def test_the_calendar_corrected_before_saving_is_checked_month_by_month(province):
    text = (OWN / "huzhou-university-2023.txt").read_text(encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        circular_import(by=None, text=text, title="", items=[{"title": "", "body": "x"}, {"title": "好"}], calendar=[
            {"month": "３月", "tasks": ["体检"]}, {}, {"month": "十三月", "tasks": ["x"]},
            {"month": "5月", "tasks": ["长" * 501]}])
    assert refused.value.message_dict == {  # every fault of the form at once
        "title": ["标题不能为空。"], "items.0.title": ["要点不能为空。"],
        "calendar.2.month": ["“十三月”不是月份：请写作 3月、七-八月 这样的形式。"],
        "calendar.3.tasks": ["每项工作安排不能超过 500 字。"]}
    circular = circular_import(by=None, text=text, calendar=[{"month": "３月", "tasks": ["体检", " "]},
                                                             {"month": "九 至 十月 ", "tasks": []}])
    assert circular.calendar == [{"month": "3月", "months": [3], "tasks": ["体检"]},
                                 {"month": "九至十月", "months": [9, 10], "tasks": []}]
    assert not Circular.objects.exclude(pk=circular.pk).exists()


def test_a_huge_text_is_refused_before_it_is_read(province):
    with pytest.raises(ValidationError, match="文本太长"):
        circular_import(by=None, text="一、章节\n（一）事项。\n" + "字" * MAX_TEXT)
    assert not Circular.objects.exists()


def test_publishing_to_no_school_is_refused_and_a_second_publish_names_the_state(province, guilin):
    admin = make_user(province, [Role.PROVINCE_ADMIN])
    circular = circular_create(by=admin, title="测试", items=[{"title": "一项"}])
    with pytest.raises(ValidationError, match="请至少选择一所学校"):
        circular_publish(circular=circular, by=admin, school_slugs=[])
    circular.refresh_from_db()
    assert circular.status == "draft" and not circular.recipients.exists()
    circular_publish(circular=circular, by=admin, school_slugs=["guilin"])
    with pytest.raises(IllegalTransition, match="通知当前状态为“已发布”，不能执行“发布”操作。"):
        circular_publish(circular=circular, by=admin)
    assert circular.recipients.count() == 1


def test_the_api_saves_a_corrected_parse_and_exports_the_matrix(province_admin, guilin, province):
    text = (OWN / "small-plan.txt").read_text(encoding="utf-8")
    wrong = province_admin.post("/api/v1/circulars/import/", {"text": text, "dry_run": False, "items": [
        {"title": "好"}, {"title": "坏", "due_on": "1999-01-01"}], "issued_on": "2024-03-01"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["errors"] == {"items.1.due_on": ["完成期限不能早于成文日期。"]}
    saved = province_admin.post("/api/v1/circulars/import/", {
        "text": text, "dry_run": False, "doc_number": "", "calendar": [{"month": "4月", "tasks": ["春游"]}],
        "items": [{"section_number": "一", "title": "组织学习", "due_on": "2024-06-30"}]}, format="json")
    assert saved.status_code == 201
    pk = saved.json()["circular"]
    detail = province_admin.get(f"/api/v1/circulars/{pk}/").json()
    assert detail["doc_number"] == "" and [(i["title"], i["due_on"]) for i in detail["items"]] == [
        ("组织学习", "2024-06-30")]
    assert detail["calendar"] == [{"month": "4月", "months": [4], "tasks": ["春游"]}]
    province_admin.post(f"/api/v1/circulars/{pk}/publish/", {"schools": ["guilin"]}, format="json")
    matrix = province_admin.get(f"/api/v1/circulars/{pk}/matrix/").json()
    assert matrix["items"][0]["code"] == "一" and matrix["schools"][0]["done"] == 0
    exported = province_admin.get(f"/api/v1/circulars/{pk}/matrix/export/")
    assert exported.status_code == 200 and exported["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    reviewer = client_for(province, make_user(province, [Role.PROVINCE_REVIEWER]))
    assert reviewer.get(f"/api/v1/circulars/{pk}/matrix/export/").status_code == 403  # the admin's alone, as the pages
    assert reviewer.post("/api/v1/circulars/import/", {"text": text, "dry_run": False},
                         format="json").status_code == 403


def test_the_province_list_counts_what_waits(province, guilin, huzhou):
    admin = make_user(province, [Role.PROVINCE_ADMIN])
    circular = circular_create(by=admin, title="跟进", items=[
        {"title": "甲", "due_on": datetime.date(2000, 1, 1)}, {"title": "乙"}])
    circular_publish(circular=circular, by=admin, school_slugs=["guilin", "huzhou"])
    first = circular.items.order_by("order").first()
    circular_acknowledge(circular=circular, school=guilin, by=admin)
    item_report(item=first, school=guilin, by=admin, status="done", text="完成")
    row = circulars_for_province().get(pk=circular.pk)
    assert (row.recipient_count, row.acknowledged_count, row.unacknowledged_count, row.item_count) == (2, 1, 1, 2)
    assert (row.report_count, row.done_count, row.missing_count, row.overdue_missing) == (1, 1, 3, 1)
    assert list(circulars_for_province(waiting="unacknowledged")) == [row]
    assert [s.slug for s in unacknowledged_schools(circular)] == ["huzhou"]
