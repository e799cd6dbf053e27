"""The year-end report: figures per section and per owner, the unfinished tasks with their last note,
十件实事 apart; the .xlsx read back; who may read it (API)."""
import io

from tenants import xlsx
from tenants.accounts.roles import Role
from tenants.workplan.report import year_report
from tests.conftest import client_for, host_client, in_schema  # noqa: F401
from tests.workplan.calendar_setup import make_world

YEAR = 2025


def test_the_report_counts_per_section_and_owner_and_lists_what_is_unfinished(guilin):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        report = year_report(YEAR)
        assert report["totals"] == {"planned": 5, "done": 1, "in_progress": 1, "not_started": 2, "cancelled": 1,
                                    "done_rate": "25.0%"}
        sections = {g["name"]: g for g in report["sections"]}
        assert sections["一、加强思想政治引领"]["planned"] == 3 and sections["一、加强思想政治引领"]["done_rate"] == "0.0%"
        assert sections["二、办好十件实事"]["done"] == 1 and sections["二、办好十件实事"]["done_rate"] == "50.0%"
        owners = {g["name"]: g for g in report["owners"]}
        assert owners["行事历文学院"]["cancelled"] == 1 and owners["行事历文学院"]["in_progress"] == 1
        assert owners["李实事"]["done_rate"] == "100.0%"
        unfinished = {row["title"]: row for row in report["unfinished"]}
        assert set(unfinished) == {"开展三八节系列活动", "组织教职工趣味运动会", "新建母婴室"}
        assert unfinished["组织教职工趣味运动会"]["last_note"] == "场地已落实"
        assert [p["title"] for p in report["pledges"]] == ["改造教工之家", "新建母婴室"]
        assert report["pledge_totals"]["done_rate"] == "50.0%"
        # a branch chair's report covers the branch's tasks only
        own = year_report(YEAR, user=w["chair"])
        assert own["scope"] == "own" and own["totals"]["planned"] == 2
        assert year_report(YEAR + 1) is None


def _sheet(book, name):
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def test_the_xlsx_has_the_summary_the_tasks_and_the_pledges(guilin, host_client):
    make_world(guilin, YEAR)
    office = host_client(guilin, [Role.UNION_ADMIN])
    response = office.get(f"/api/v1/calendar-report/{YEAR}/xlsx/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = xlsx.open_for_reading(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "任务明细", "十件实事"]
    summary = _sheet(book, "汇总")
    assert summary[2] == ["分组", "名称", "计划数", "已完成", "推进中", "未开始", "已取消", "完成率"]
    assert summary[3] == ["合计", "全部任务", 5, 1, 1, 2, 1, "25.0%"]
    assert ["负责方", "行事历宣传部", 2, 0, 0, 2, 0, "0.0%"] in summary
    tasks = _sheet(book, "任务明细")
    assert tasks[0][:4] == ["章节", "序号", "任务", "负责方"] and len(tasks) == 6
    june = next(r for r in tasks if r[2] == "组织教职工趣味运动会")
    assert (june[3], june[4], june[5], june[6], june[7], june[11]) == (
        "行事历文学院", "6月", f"{YEAR}-06-10", "推进中", 40, "场地已落实")
    pledges = _sheet(book, "十件实事")
    assert pledges[1:] == [[1, "改造教工之家", "李实事", "已完成", 0, None],
                           [2, "新建母婴室", "行事历宣传部", "未开始", 20, "选址完成，等待施工"]]


def test_who_reads_the_report_through_the_api(guilin, huzhou, host_client):
    w = make_world(guilin, YEAR)
    office = host_client(guilin, [Role.UNION_ADMIN])
    listed = office.get("/api/v1/calendar-report/").json()["results"]
    assert [(r["id"], r["totals"]["planned"]) for r in listed] == [(YEAR, 5)]
    detail = office.get(f"/api/v1/calendar-report/{YEAR}/").json()
    assert detail["scope"] == "all" and len(detail["unfinished"]) == 3
    plain = host_client(guilin, [Role.MEMBER])
    for path in ["/api/v1/calendar-report/", f"/api/v1/calendar-report/{YEAR}/", f"/api/v1/calendar-report/{YEAR}/xlsx/"]:
        assert plain.get(path).status_code == 403, path
    chair = client_for(guilin, w["chair"])
    own = chair.get(f"/api/v1/calendar-report/{YEAR}/").json()
    assert own["scope"] == "own" and own["totals"]["planned"] == 2
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/calendar-report/{YEAR}/").status_code == 404
    assert outsider.get(f"/api/v1/calendar-report/{YEAR}/xlsx/").status_code == 404
    assert outsider.get("/api/v1/calendar-report/").json()["results"] == []
