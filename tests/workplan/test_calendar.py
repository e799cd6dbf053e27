"""行事历, read side: where a task sits, when it is overdue, the owner filter, and the provincial points
sent to this school (with this school's report only)."""
import datetime

from shared.circulars.models import ItemReport
from tenants.workplan import calendar as cal
from tenants.workplan.models import Task
from tests.conftest import in_schema
from tests.workplan.calendar_setup import make_world, send_circular, world  # noqa: F401  (the fixture)

YEAR = 2025


def _titles(entries):
    return {e.title for e in entries}


def test_a_task_sits_in_its_month_or_its_due_dates_month_or_under_the_whole_year(guilin):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        entries = cal.calendar_entries(school=guilin, year=YEAR, user=w["admin"], today=datetime.date(YEAR, 4, 1))
        months = cal.by_month(entries, YEAR, today=datetime.date(YEAR, 4, 1))
        assert [m.label for m in months][:3] == ["1月", "2月", "3月"] and months[-1].label == "全年"
        assert _titles(months[2].entries) == {"开展三八节系列活动", "赴外省考察"}
        assert _titles(months[5].entries) == {"组织教职工趣味运动会"}      # due 10 June, no month
        assert _titles(months[8].entries) == {"改造教工之家"}
        assert _titles(months[12].entries) == {"新建母婴室"}
        assert months[3].current and not months[2].current
        march = next(e for e in months[2].entries if e.title == "开展三八节系列活动")
        assert (march.owner, march.status_label, march.overdue) == ("行事历宣传部", "未开始", True)
        cancelled = next(e for e in months[2].entries if e.title == "赴外省考察")
        assert (cancelled.status_label, cancelled.overdue) == ("已取消", False)
        assert months[12].entries[0].is_pledge


def test_overdue_is_the_same_rule_in_python_and_in_the_database(guilin):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        for today in [datetime.date(YEAR, 3, 31), datetime.date(YEAR, 4, 1), datetime.date(YEAR, 6, 10),
                      datetime.date(YEAR, 6, 11), datetime.date(YEAR + 1, 1, 2)]:
            python = {t.pk for t in Task.objects.select_related("plan") if cal.is_overdue(t, today)}
            database = set(cal.overdue_tasks(today).values_list("pk", flat=True))
            assert python == database, today
        on_june_11 = set(cal.overdue_tasks(datetime.date(YEAR, 6, 11)).values_list("pk", flat=True))
        assert on_june_11 == {w["march"].pk, w["june"].pk}   # not the cancelled one, not the done one
        assert not cal.overdue_tasks(datetime.date(YEAR, 3, 31)).exists()


def test_the_owner_source_and_status_filters(guilin):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        def shown(user, **values):
            return _titles(cal.calendar_entries(school=guilin, year=YEAR, user=user, today=datetime.date(YEAR, 7, 1),
                                                **values))

        assert shown(w["handler"], owner="me") == {"开展三八节系列活动", "新建母婴室"}
        assert shown(w["chair"], owner="me") == {"组织教职工趣味运动会", "赴外省考察"}
        assert shown(w["person_user"], owner="me") == {"改造教工之家"}
        assert shown(w["plain"], owner="me") == set()
        assert shown(w["plain"], owner=f"b{w['branch'].pk}") == {"组织教职工趣味运动会", "赴外省考察"}
        assert shown(w["plain"], owner=f"m{w['person'].pk}") == {"改造教工之家"}
        assert shown(w["plain"], owner="nonsense") == shown(w["plain"])     # ignored, not an error on the page
        assert shown(w["plain"], status="overdue") == {"开展三八节系列活动", "组织教职工趣味运动会"}
        assert shown(w["plain"], status="done") == {"改造教工之家"}
        assert shown(w["plain"], source="province") == set()
        labels = dict(cal.owner_choices(YEAR))
        assert labels["me"] == "仅我负责的" and labels[f"d{w['department'].pk}"] == "行事历宣传部（部门）"


def test_provincial_points_sent_to_this_school_with_its_own_report_only(guilin, huzhou):
    w = make_world(guilin, YEAR)
    both, first, second = send_circular([guilin, huzhou], year=YEAR, title="全区工作要点",
                                        calendar=[{"month": "七-八月", "months": [7, 8], "tasks": ["暑期疗休养"]}])
    only_huzhou, *_ = send_circular([huzhou], year=YEAR, title="湖州专项通知")
    ItemReport.objects.create(item=first, school=huzhou, status="done", updated_by="湖州")
    with in_schema(guilin):
        entries = cal.calendar_entries(school=guilin, year=YEAR, user=w["admin"], source="province")
        by_title = {e.title: e for e in entries}
        assert "湖州专项通知：开展主题教育" not in by_title
        point = by_title["全区工作要点：开展主题教育"]
        # huzhou reported it done; guilin has not reported: guilin sees 未填报
        assert (point.month, point.owner, point.status_label) == (5, "省教育工会", "未填报")
        assert point.url == f"/provincial/circulars/{both.pk}/#item-{first.pk}"
        assert by_title["全区工作要点：报送年度总结"].month is None          # no 完成期限: 全年
        line = by_title["暑期疗休养（七-八月）"]
        assert (line.month, line.status_label) == (7, "行事历")
        # a plain member sees the points, without the office's link
        plain = cal.calendar_entries(school=guilin, year=YEAR, user=w["plain"], source="province")
        assert {e.url for e in plain} == {""}
        # with an owner filter, the provincial points are not anyone's
        assert not [e for e in cal.calendar_entries(school=guilin, year=YEAR, user=w["admin"], owner="me")
                    if e.source == "province"]
    ItemReport.objects.create(item=first, school=guilin, status="in_progress", updated_by="桂林")
    with in_schema(guilin):
        entries = cal.calendar_entries(school=guilin, year=YEAR, user=w["admin"], source="province",
                                       status="in_progress")
        assert [(e.title, e.status_label) for e in entries] == [("全区工作要点：开展主题教育", "推进中")]
    with in_schema(huzhou):
        titles = _titles(cal.calendar_entries(school=huzhou, year=YEAR, user=w["admin"], source="province"))
        assert "湖州专项通知：开展主题教育" in titles
    assert only_huzhou.pk
