"""Who sees which proposals; 督办; the yearly figures; suggestions; notifications; isolation."""
import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tenants.accounts.roles import Role
from tenants.congress.models import Proposal
from tenants.congress.tasks import flag_overdue_proposals_task
from tests.conftest import in_schema
from tests.congress.fixtures import draft, post, to_state


def c_status(school, pk):
    with in_schema(school):
        return Proposal.objects.get(pk=pk).status


def titles(client, **params):
    return sorted(p["title"] for p in client.get("/api/v1/proposals/", params).json()["results"])


def test_members_see_their_own_and_every_accepted_proposal(congress_setting):
    c = congress_setting
    draft(c, title="草稿")
    to_state(c, "under_review", title="初审中")
    to_state(c, "accepted", title="已立案")
    assert titles(c.member) == sorted(["已立案"])
    assert titles(c.proposer) == sorted(["已立案", "初审中", "草稿"])
    assert titles(c.office) == sorted(["已立案", "初审中"])  # drafts stay private to their proposer


def test_delegates_see_proposals_open_for_seconding_in_their_congress(congress_setting):
    c = congress_setting
    to_state(c, "submitted", title="征集中")
    assert titles(c.seconder1) == sorted(["征集中"])
    assert titles(c.member) == sorted([])


def test_department_handlers_see_only_what_is_assigned_to_their_department(congress_setting):
    c = congress_setting
    to_state(c, "accepted", title="未交办")
    to_state(c, "assigned", title="交办教务处")
    assert titles(c.handler) == sorted(["交办教务处"])
    assert titles(c.other_handler) == sorted([])


def test_filters_and_bad_filter_values(congress_setting):
    c = congress_setting
    to_state(c, "accepted", title="已立案")
    to_state(c, "submitted", title="征集中")
    assert titles(c.office, status="accepted") == sorted(["已立案"])
    assert titles(c.office, search="六届四次-001") == sorted(["已立案"])
    bad = c.office.get("/api/v1/proposals/", {"congress": "abc"})
    assert bad.status_code == 400 and "congress" in bad.json()["errors"]


def test_an_outsider_from_another_school_gets_404_or_401(guilin, huzhou, congress_setting, host_client):
    pk = to_state(congress_setting, "accepted")
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/proposals/{pk}/").status_code == 404
    assert post(outsider, pk, "assign", {"lead_department": 1, "due_date": "2099-01-01"}).status_code == 404
    assert c_status(guilin, pk) == "accepted"
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.get(f"/api/v1/proposals/{pk}/").status_code == 401
    assert outsider.get("/api/v1/congresses/").status_code == 401


def test_proposal_list_query_count_does_not_grow_with_page_size(congress_setting):
    c = congress_setting
    for i in range(12):
        to_state(c, "accepted", title=f"提案{i}")

    def queries_for(page_size):
        with CaptureQueriesContext(connection) as captured:
            assert c.member.get("/api/v1/proposals/", {"page_size": page_size}).status_code == 200
        return len(captured)

    small, big = queries_for(3), queries_for(12)
    assert small - 1 <= big <= small  # a page holding the whole list skips its COUNT (tenants/paging.py)


def test_overdue_proposals_are_escalated_and_people_are_told(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "assigned", title="逾期提案")
    with in_schema(guilin):
        Proposal.objects.filter(pk=pk).update(due_date=timezone.localdate() - datetime.timedelta(days=2))
        assert flag_overdue_proposals_task.delay().get() == 1
        assert flag_overdue_proposals_task.delay().get() == 0  # flagged once
    detail = c.office.get(f"/api/v1/proposals/{pk}/").json()
    assert detail["overdue"] is True and detail["escalated_at"]
    handler_inbox = c.handler.get("/api/v1/notifications/").json()["results"]
    assert any("督办" in n["message"] for n in handler_inbox)
    assert any("督办" in n["message"] for n in c.office.get("/api/v1/notifications/").json()["results"])
    assert titles(c.office, overdue="true") == sorted(["逾期提案"])
    replied = post(c.handler, pk, "reply", {"text": "迟到的答复"}).json()
    assert replied["overdue"] is False and replied["replies"][0]["on_time"] is False


def test_figures_per_congress_and_per_department(guilin, congress_setting):
    c = congress_setting
    closed = to_state(c, "replied", title="办结")
    post(c.proposer, closed, "rate", {"rating": "satisfied"})
    post(c.office, closed, "close")
    rated = to_state(c, "replied", title="基本满意")
    post(c.proposer, rated, "rate", {"rating": "basically"})
    to_state(c, "assigned", title="办理中")
    post(c.office, to_state(c, "under_review", title="不立案"), "reject", {"reason": "不属于职权范围"})
    draft(c, title="草稿不计")

    body = c.office.get(f"/api/v1/congresses/{c.congress.pk}/figures/").json()
    figures = body["congress"]
    assert (figures["received"], figures["accepted"], figures["closed"], figures["rated"]) == (4, 3, 1, 2)
    assert figures["acceptance_rate"] == "75.0" and figures["closure_rate"] == "33.3"
    assert figures["satisfaction_rate"] == "100.0"
    assert body["departments"] == [{"department": c.jiaowu.pk, "name": "教务处", "assigned": 3,
                                    "replied_on_time": 2, "replied_late": 0, "overdue": 0}]

    export = c.office.get(f"/api/v1/congresses/{c.congress.pk}/figures/export/")
    sheet = load_workbook(io.BytesIO(export.content))["提案工作统计"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["收到提案"] == 4 and values["立案率"] == "75.0%"
    assert c.member.get(f"/api/v1/congresses/{c.congress.pk}/figures/").status_code == 403


def test_a_congress_with_no_proposals_has_no_rates(congress_setting):
    figures = congress_setting.office.get(f"/api/v1/congresses/{congress_setting.congress.pk}/figures/").json()
    assert figures["congress"]["acceptance_rate"] is None and figures["congress"]["received"] == 0


def test_congress_bad_input_and_duplicates(congress_setting):
    office = congress_setting.office
    duplicate = office.post("/api/v1/congresses/", {"term": 6, "session": 4}, format="json")
    assert duplicate.status_code == 409 and "六届四次" in duplicate.json()["detail"]
    bad = office.post("/api/v1/congresses/", {"term": 0, "session": 1, "seconder_minimum": 30}, format="json")
    assert bad.status_code == 400 and "seconder_minimum" in bad.json()["errors"]
    assert office.post("/api/v1/congresses/", {"term": "六", "session": 1}, format="json").status_code == 400
    created = office.post("/api/v1/congresses/", {"term": 7, "session": 1, "seconder_minimum": 3}, format="json")
    assert created.status_code == 201 and created.json()["label"] == "七届一次"
    assert congress_setting.member.post("/api/v1/congresses/", {"term": 8, "session": 1},
                                        format="json").status_code == 403


def test_delegates_are_elected_once_per_congress_from_active_members(guilin, congress_setting):
    from tests.members.factories import a_member

    office, congress = congress_setting.office, congress_setting.congress
    member = a_member(guilin, name="新代表")
    first = office.post("/api/v1/delegates/", {"congress": congress.pk, "member": member.pk}, format="json")
    assert first.status_code == 201 and first.json()["branch_name"] == "文学院"
    again = office.post("/api/v1/delegates/", {"congress": congress.pk, "member": member.pk}, format="json")
    assert again.status_code == 409
    listed = office.get("/api/v1/delegates/", {"congress": congress.pk}).json()
    assert "新代表" in [d["name"] for d in listed["results"]]


def test_suggestions_from_any_member_are_acknowledged_forwarded_and_answered(congress_setting):
    c = congress_setting
    created = c.member.post("/api/v1/suggestions/", {"title": "建议增加校车班次", "content": "早高峰校车太挤。"},
                            format="json")
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    pk = created.json()["id"]
    assert c.member.post("/api/v1/suggestions/", {"title": ""}, format="json").status_code == 400
    assert c.member.post(f"/api/v1/suggestions/{pk}/acknowledge/").status_code == 403
    assert c.office.post(f"/api/v1/suggestions/{pk}/acknowledge/").json()["status"] == "acknowledged"
    forwarded = c.office.post(f"/api/v1/suggestions/{pk}/forward/", {"department": c.jiaowu.pk}, format="json")
    assert forwarded.json()["department_name"] == "教务处"
    assert c.other_handler.post(f"/api/v1/suggestions/{pk}/answer/", {"answer": "x"},
                                format="json").status_code == 404
    answered = c.handler.post(f"/api/v1/suggestions/{pk}/answer/", {"answer": "下周起增加两个班次。"}, format="json")
    assert answered.json()["status"] == "answered"
    assert c.member.get(f"/api/v1/suggestions/{pk}/").json()["answer"] == "下周起增加两个班次。"
    [told] = c.member.get("/api/v1/notifications/").json()["results"]
    assert "已有答复" in told["message"] and told["page"] == f"/suggestions/{pk}/"
    again = c.office.post(f"/api/v1/suggestions/{pk}/acknowledge/")
    assert again.status_code == 409 and "已答复" in again.json()["detail"]


def test_notifications_are_private_and_can_be_marked_read(congress_setting):
    c = congress_setting
    pk = to_state(c, "replied")
    inbox = c.proposer.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert any(str(pk) in n["link"] for n in inbox)
    note = inbox[0]["id"]
    assert c.member.post(f"/api/v1/notifications/{note}/read/").status_code == 404
    assert c.proposer.post(f"/api/v1/notifications/{note}/read/").json()["read_at"]


def test_each_user_is_offered_only_the_steps_they_can_really_take(congress_setting):
    c = congress_setting
    pk = to_state(c, "submitted")
    def offered(client):
        return client.get(f"/api/v1/proposals/{pk}/").json()["my_actions"]
    assert offered(c.proposer) == []
    assert offered(c.seconder1) == ["second"]
    post(c.seconder1, pk, "second")
    assert offered(c.seconder1) == ["withdraw_second"]
    assert offered(c.office) == []
    replied_pk = to_state(c, "assigned", title="交办")
    assert c.handler.get(f"/api/v1/proposals/{replied_pk}/").json()["my_actions"] == ["reply"]
    assert c.office.get(f"/api/v1/proposals/{replied_pk}/").json()["my_actions"] == ["assign"]
