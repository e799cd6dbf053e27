"""十件实事 through the API (every member of the school reads them, with their latest notes as text) and
on the member's portal card; the 行事历 API with its filters and refusals."""
import datetime

from tenants.accounts.roles import Role
from tenants.workplan.models import TaskNote
from tests.conftest import in_schema
from tests.workplan.calendar_setup import make_world, send_circular

YEAR = 2025


def test_every_member_reads_the_pledges_with_their_latest_notes(guilin, huzhou, host_client):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        for day in range(1, 5):
            TaskNote.objects.create(task=w["pledge_open"], text=f"第{day}次进展", written_by=w["admin"],
                                    written_at=datetime.datetime(YEAR, 5, day, 9, tzinfo=datetime.timezone.utc))
    plain = host_client(guilin, [Role.MEMBER])
    rows = plain.get("/api/v1/pledges/", {"year": YEAR}).json()["results"]
    assert [(r["title"], r["status_label"], r["owner"]) for r in rows] == [
        ("改造教工之家", "已完成", "李实事"), ("新建母婴室", "未开始", "行事历宣传部")]
    notes = rows[1]["notes"]
    assert [n["text"] for n in notes] == ["选址完成，等待施工", "第4次进展", "第3次进展"]
    assert set(notes[0]) == {"text", "progress", "written_at"}            # no files, no writer
    pk = w["pledge_open"].pk
    assert plain.get(f"/api/v1/pledges/{pk}/").json()["progress"] == 20
    assert plain.get(f"/api/v1/pledges/{w['march'].pk}/").status_code == 404       # not a pledge
    assert plain.get("/api/v1/pledges/", {"year": "20x5"}).status_code == 400
    outsider = host_client(huzhou, [Role.MEMBER])
    assert outsider.get(f"/api/v1/pledges/{pk}/").status_code == 404
    assert outsider.get("/api/v1/pledges/").json()["results"] == []


def test_the_calendar_api_filters_and_refuses_bad_input_in_chinese(guilin, huzhou, host_client):
    w = make_world(guilin, YEAR)
    send_circular([huzhou], year=YEAR, title="只发湖州的通知")
    send_circular([guilin], year=YEAR, title="发给桂林的通知")
    plain = host_client(guilin, [Role.MEMBER])
    rows = plain.get("/api/v1/calendar/", {"year": YEAR}).json()["results"]
    titles = [r["title"] for r in rows]
    assert "开展三八节系列活动" in titles and "发给桂林的通知：开展主题教育" in titles
    assert not [t for t in titles if "只发湖州" in t]
    assert rows[0]["month"] == 3 and rows[-1]["month"] is None           # months in order, 全年 last
    march = plain.get("/api/v1/calendar/", {"year": YEAR, "month": 3, "source": "school"}).json()["results"]
    assert {r["title"] for r in march} == {"开展三八节系列活动", "赴外省考察"}
    mine = host_client(guilin, [Role.MEMBER])
    assert mine.get("/api/v1/calendar/", {"year": YEAR, "owner": "me"}).json()["results"] == []
    from tests.conftest import client_for

    chair = client_for(guilin, w["chair"])
    own = chair.get("/api/v1/calendar/", {"year": YEAR, "owner": "me"}).json()["results"]
    assert {r["title"] for r in own} == {"组织教职工趣味运动会", "赴外省考察"}
    for params, field in [({"year": "abc"}, "year"), ({"source": "x"}, "source"), ({"status": "late"}, "status"),
                          ({"owner": "z1"}, "owner"), ({"month": "13"}, "month")]:
        response = plain.get("/api/v1/calendar/", params)
        assert response.status_code == 400 and field in response.json().get("errors", response.json()), params
    outsider = host_client(huzhou, [Role.MEMBER])
    theirs = [r["title"] for r in outsider.get("/api/v1/calendar/", {"year": YEAR}).json()["results"]]
    assert "开展三八节系列活动" not in theirs and "只发湖州的通知：开展主题教育" in theirs
