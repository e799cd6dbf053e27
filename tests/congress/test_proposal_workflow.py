"""A proposal from draft to closure, as the delegates, the union office and the department see it."""
from tenants.audit.models import AuditRecord
from tests.conftest import in_schema
from tests.congress.fixtures import draft, post, to_state


def test_a_proposal_goes_from_draft_to_closed_and_every_step_is_recorded(guilin, congress_setting):
    c = congress_setting
    pk = draft(c)
    assert post(c.proposer, pk, "submit").json()["status"] == "submitted"
    assert post(c.seconder1, pk, "second").json()["seconds_count"] == 1
    seconded = post(c.seconder2, pk, "second").json()
    assert seconded["status"] == "seconded" and seconded["seconds_count"] == 2
    assert post(c.office, pk, "start-review").json()["status"] == "under_review"
    accepted = post(c.office, pk, "accept", {"note": "符合立案条件"}).json()
    assert accepted["status"] == "accepted" and accepted["number"] == "六届四次-001"
    assigned = post(c.office, pk, "assign", {"lead_department": c.jiaowu.pk, "co_departments": [c.renshi.pk],
                                            "due_date": "2099-06-30"}).json()
    assert assigned["lead_department_name"] == "教务处" and assigned["co_departments"] == [c.renshi.pk]
    replied = post(c.handler, pk, "reply", {"text": "已列入明年预算。"}).json()
    assert replied["status"] == "replied" and replied["replies"][0]["on_time"] is True
    rated = post(c.proposer, pk, "rate", {"rating": "basically", "comment": "希望尽快落实"}).json()
    assert rated["status"] == "rated" and rated["rating_label"] == "基本满意"
    closed = post(c.office, pk, "close").json()
    assert closed["status"] == "closed" and closed["closed_at"]

    history = c.proposer.get(f"/api/v1/proposals/{pk}/history/").json()["results"]
    moves = [(h["from_state"], h["to_state"]) for h in history if h["action"] == "transition"]
    assert moves == [("draft", "submitted"), ("submitted", "seconded"), ("seconded", "under_review"),
                     ("under_review", "accepted"), ("accepted", "assigned"), ("assigned", "replied"),
                     ("replied", "rated"), ("rated", "closed")]
    assert all(h["actor_name"] and h["at"] for h in history)


def test_accepted_proposals_are_numbered_in_order_per_congress(congress_setting):
    first = to_state(congress_setting, "accepted", title="第一件")
    second = to_state(congress_setting, "accepted", title="第二件")
    numbers = [congress_setting.office.get(f"/api/v1/proposals/{pk}/").json()["number"] for pk in (first, second)]
    assert numbers == ["六届四次-001", "六届四次-002"]


def test_only_a_delegate_may_propose_and_the_three_parts_are_required(congress_setting):
    c = congress_setting
    refused = c.member.post("/api/v1/proposals/", {"congress": c.congress.pk, "title": "x"}, format="json")
    assert refused.status_code == 403 and "意见建议" in refused.json()["detail"]
    pk = draft(c, reasons="", measures="")
    incomplete = post(c.proposer, pk, "submit")
    assert incomplete.status_code == 400 and {"reasons", "measures"} <= set(incomplete.json()["errors"])
    assert c.proposer.post("/api/v1/proposals/", {"congress": 99999, "title": "x"},
                           format="json").json()["errors"].keys() == {"congress"}


def test_only_the_proposer_edits_a_draft_and_only_while_it_is_a_draft(congress_setting):
    c = congress_setting
    pk = draft(c)
    assert c.proposer.patch(f"/api/v1/proposals/{pk}/", {"measures": "改为错峰停车"},
                            format="json").json()["measures"] == "改为错峰停车"
    post(c.proposer, pk, "submit")
    late = c.proposer.patch(f"/api/v1/proposals/{pk}/", {"measures": "再改"}, format="json")
    assert late.status_code == 409 and "草稿" in late.json()["detail"]
    assert post(c.seconder1, pk, "submit").status_code == 409  # already submitted: state named
    other = c.seconder1.patch(f"/api/v1/proposals/{pk}/", {"title": "改"}, format="json")
    assert other.status_code == 403


def test_seconding_rules(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "submitted")
    own = post(c.proposer, pk, "second")
    assert own.status_code == 403 and "不能附议自己" in own.json()["detail"]
    assert post(c.seconder1, pk, "second").status_code == 200
    twice = post(c.seconder1, pk, "second")
    assert twice.status_code == 409 and "已附议" in twice.json()["detail"]
    non_delegate = post(c.member, pk, "second")
    assert non_delegate.status_code in (403, 404)
    assert post(c.seconder2, pk, "second").json()["status"] == "seconded"
    withdrawn = post(c.seconder2, pk, "withdraw-second").json()
    assert withdrawn["status"] == "submitted" and withdrawn["seconds_count"] == 1
    assert post(c.seconder2, pk, "second").json()["status"] == "seconded"
    post(c.office, pk, "start-review")
    too_late = post(c.seconder2, pk, "withdraw-second")
    assert too_late.status_code == 409 and "初审中" in too_late.json()["detail"]


def test_seconding_after_the_window_closes_is_refused(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "submitted")
    c.office.patch(f"/api/v1/congresses/{c.congress.pk}/", {"seconding_closes_at": "2020-01-01T00:00:00+08:00"},
                   format="json")
    closed = post(c.seconder1, pk, "second")
    assert closed.status_code == 409 and "附议已于" in closed.json()["detail"]


def test_submission_outside_the_window_is_refused(congress_setting):
    c = congress_setting
    c.office.patch(f"/api/v1/congresses/{c.congress.pk}/", {"submission_opens_at": "2020-01-01T00:00:00+08:00",
                                                            "submission_closes_at": "2020-02-01T00:00:00+08:00"},
                   format="json")
    response = post(c.proposer, draft(c), "submit")
    assert response.status_code == 409 and "截止" in response.json()["detail"]


def test_an_illegal_step_answers_409_naming_the_current_state(congress_setting):
    c = congress_setting
    pk = to_state(c, "submitted")
    response = post(c.office, pk, "accept")
    assert response.status_code == 409 and "征集中" in response.json()["detail"] and "立案" in response.json()["detail"]


def test_not_accepted_and_suggestion_need_a_reason_and_the_suggestion_reaches_the_proposer(congress_setting):
    c = congress_setting
    pk = to_state(c, "under_review")
    no_reason = post(c.office, pk, "convert-to-suggestion")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    converted = post(c.office, pk, "convert-to-suggestion", {"reason": "属于日常管理事项"}).json()
    assert converted["status"] == "suggestion" and converted["decision_reason"] == "属于日常管理事项"
    mine = c.proposer.get("/api/v1/suggestions/").json()["results"]
    assert [s["source_proposal"] for s in mine] == [pk]
    other = to_state(c, "under_review", title="另一件")
    assert post(c.office, other, "reject", {"reason": "不属于教代会职权范围"}).json()["status"] == "not_accepted"


def test_merging_accepts_the_target_and_credits_every_proposer(guilin, congress_setting):
    c = congress_setting
    target = to_state(c, "under_review", title="关于停车的提案")
    source_draft = c.seconder1.post("/api/v1/proposals/", {"congress": c.congress.pk, "title": "关于车位的提案",
                                                           "reasons": "车位少", "measures": "扩建"}, format="json")
    source = source_draft.json()["id"]
    post(c.seconder1, source, "submit")
    post(c.proposer, source, "second")
    post(c.seconder2, source, "second")
    merged = post(c.office, target, "merge", {"sources": [source], "note": "内容相近"}).json()
    assert merged["status"] == "accepted" and merged["number"] == "六届四次-001"
    assert merged["co_proposer_names"] == ["代表乙"]
    source_now = c.office.get(f"/api/v1/proposals/{source}/").json()
    assert source_now["status"] == "merged" and source_now["merged_into_number"] == "六届四次-001"
    assert post(c.office, target, "merge", {"sources": [target]}).status_code in (400, 409)


def test_replying_for_another_department_is_refused(congress_setting):
    c = congress_setting
    pk = to_state(c, "assigned")
    # the other department's handler cannot even see it
    assert post(c.other_handler, pk, "reply", {"text": "越权答复"}).status_code == 404
    assert c.other_handler.get("/api/v1/proposals/").json()["count"] == 0
    c.office.post(f"/api/v1/proposals/{pk}/assign/", {"lead_department": c.jiaowu.pk, "due_date": "2099-12-31",
                                                      "co_departments": [c.renshi.pk]}, format="json")
    co_handler = post(c.other_handler, pk, "reply", {"text": "协办部门不能主答"})
    assert co_handler.status_code == 403 and "主办部门" in co_handler.json()["detail"]
    empty = post(c.handler, pk, "reply", {"text": ""})
    assert empty.status_code == 400 and "text" in empty.json()["errors"]


def test_rating_someone_elses_proposal_is_refused(congress_setting):
    c = congress_setting
    pk = to_state(c, "replied")
    response = post(c.seconder1, pk, "rate", {"rating": "satisfied"})
    assert response.status_code == 403 and "提案人本人" in response.json()["detail"]
    assert post(c.proposer, pk, "rate", {"rating": "很好"}).status_code == 400


def test_unsatisfied_twice_closes_only_with_the_committees_note(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "replied")
    again = post(c.proposer, pk, "rate", {"rating": "unsatisfied", "comment": "没有具体时间表"}).json()
    assert again["status"] == "assigned" and again["handling_round"] == 2
    post(c.handler, pk, "reply", {"text": "补充了时间表。"})
    final = post(c.proposer, pk, "rate", {"rating": "unsatisfied"}).json()
    assert final["status"] == "rated" and len(final["replies"]) == 2
    without_note = post(c.office, pk, "close")
    assert without_note.status_code == 400 and "提案委员会意见" in without_note.json()["detail"]
    closed = post(c.office, pk, "close", {"note": "经协调，明年解决"}).json()
    assert closed["status"] == "closed" and closed["committee_note"] == "经协调，明年解决"


def test_attachments_are_stored_per_school_and_served_only_to_those_who_see_the_proposal(
        guilin, huzhou, congress_setting, settings, host_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = congress_setting
    pk = draft(c)
    upload = c.proposer.post(f"/api/v1/proposals/{pk}/attachments/",
                             {"file": SimpleUploadedFile("调研报告.txt", "停车调研".encode()), "kind": "proposal"},
                             format="multipart")
    assert upload.status_code == 201, upload.content
    attachment = upload.json()["id"]
    assert list(settings.MEDIA_ROOT.glob(f"school_guilin/proposals/{pk}/*调研报告.txt"))
    download = c.proposer.get(f"/api/v1/proposals/{pk}/attachments/{attachment}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == "停车调研".encode()
    assert c.member.get(f"/api/v1/proposals/{pk}/attachments/{attachment}/").status_code == 404  # a draft
    outsider = host_client(huzhou, [])
    assert outsider.get(f"/api/v1/proposals/{pk}/attachments/{attachment}/").status_code == 404
    no_file = c.proposer.post(f"/api/v1/proposals/{pk}/attachments/", {"kind": "proposal"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()["errors"]


def test_transitions_are_audited_in_the_schools_own_schema(guilin, huzhou, congress_setting):
    to_state(congress_setting, "accepted")
    with in_schema(guilin):
        assert AuditRecord.objects.filter(target_type="congress.proposal", action="transition").count() == 4
    with in_schema(huzhou):
        assert not AuditRecord.objects.filter(target_type="congress.proposal").exists()


def test_draft_text_stays_out_of_the_audit_until_submission(guilin, congress_setting):
    c = congress_setting
    pk = draft(c, title="机密草稿标题", reasons="草稿理由")
    c.proposer.patch(f"/api/v1/proposals/{pk}/", {"measures": "草稿措施"}, format="json")
    audit = c.office.get("/api/v1/audit/", {"target_type": "congress.proposal", "target_id": pk}).json()
    assert "机密草稿标题" not in str(audit) and "草稿措施" not in str(audit)
    post(c.proposer, pk, "submit")
    audit = c.office.get("/api/v1/audit/", {"target_type": "congress.proposal", "target_id": pk}).json()
    assert "机密草稿标题" in str(audit)


def test_long_titles_are_refused_by_the_service_not_the_database(guilin, congress_setting):
    from django.test import Client

    from tests.conftest import ADMIN_PASSWORD

    browser = Client(HTTP_HOST="guilin.localhost")
    browser.post("/login/", {"username": congress_setting.proposer.user.username, "password": ADMIN_PASSWORD})
    page = browser.post("/proposals/new/", {"congress": congress_setting.congress.pk, "title": "长" * 300},
                        follow=True)
    assert page.status_code == 200 and "案由不能超过 200 个字" in page.content.decode()
    suggestion = browser.post("/suggestions/", {"title": "长" * 300, "content": "x"}, follow=True)
    assert "标题不能超过 200 个字" in suggestion.content.decode()


def test_escalating_a_proposal_with_the_longest_title_still_works(guilin, congress_setting):
    import datetime

    from django.utils import timezone

    from tenants.congress.models import Proposal
    from tenants.congress.services import flag_overdue_proposals

    pk = to_state(congress_setting, "assigned", title="长" * 200)
    with in_schema(guilin):
        Proposal.objects.filter(pk=pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
        assert flag_overdue_proposals() == 1
    inbox = congress_setting.handler.get("/api/v1/notifications/").json()["results"]
    assert any(len(n["message"]) <= 300 and "督办" in n["message"] for n in inbox)


def test_the_handlers_notice_gives_the_due_date_the_way_people_write_it(congress_setting):
    to_state(congress_setting, "assigned")
    [notice] = congress_setting.handler.get("/api/v1/notifications/").json()["results"]
    assert "请于 2099年12月31日 前答复" in notice["message"]
