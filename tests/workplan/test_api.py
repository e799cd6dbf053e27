"""The work plan's API: the office imports and writes, owners move their tasks and write notes,
everyone of the school reads, another school gets 404."""
import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.accounts.roles import Role
from tenants.workplan.models import Plan, Task, TaskNote
from tests.conftest import client_for, in_schema
from tests.workplan.conftest import FIXTURES, YEAR, notice


def test_office_previews_imports_and_owners_work_through_the_api(wp, huzhou, host_client):
    school = wp["school"]
    admin = client_for(school, wp["admin"])
    bad = admin.post("/api/v1/workplan/plans/preview/", {"text": "随便写点什么，不是通知。"}, format="json")
    assert bad.status_code == 400 and "text" in bad.json()["errors"]
    preview = admin.post("/api/v1/workplan/plans/preview/", {"text": notice("huzhou-university-2023.txt")},
                         format="json")
    assert preview.status_code == 200
    body = preview.json()
    assert body["calendar_task_count"] == 34 and body["year"] == 2023 and body["sections"]
    plain = client_for(school, wp["other"])
    assert plain.post("/api/v1/workplan/plans/preview/", {"text": "x"}, format="json").status_code == 403
    payload = {"year": YEAR, "title": body["title"], "issuer": body["issuer"], "points": body["points"],
               "calendar": [{"month": c["month"], "tasks": c["tasks"]} for c in body["calendar"]],
               "source": "text", "source_text": body["source_text"]}
    assert plain.post("/api/v1/workplan/plans/import/", payload, format="json").status_code == 403
    saved = admin.post("/api/v1/workplan/plans/import/", payload, format="json")
    assert saved.status_code == 201, saved.content
    plan = saved.json()
    assert plan["task_count"] == len(body["points"]) + 34
    again = admin.post("/api/v1/workplan/plans/import/", payload, format="json")
    assert again.status_code == 400 and "已有工作计划" in again.json()["errors"]["year"][0]
    second = admin.post("/api/v1/workplan/plans/", {"year": YEAR, "title": "第二份"}, format="json")
    assert second.status_code == 400 and "每年只能有一份" in second.json()["errors"]["year"][0]

    tasks = plain.get("/api/v1/workplan/tasks/", {"plan": plan["id"], "origin": "calendar", "month": "3"})
    assert tasks.status_code == 200 and tasks.json()["count"] >= 1
    task = tasks.json()["results"][0]
    assert task["actions"] == []
    refused = admin.patch(f"/api/v1/workplan/tasks/{task['id']}/", {"owner_branch": 99999}, format="json")
    assert refused.status_code == 400 and "owner_branch" in refused.json()["errors"]
    refused = admin.patch(f"/api/v1/workplan/tasks/{task['id']}/", {"due_on": f"{YEAR + 1}-01-10"}, format="json")
    assert refused.status_code == 400 and "due_on" in refused.json()["errors"]
    assigned = admin.patch(f"/api/v1/workplan/tasks/{task['id']}/", {"owner_branch": wp["branch"].pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["owner"] == f"branch:{wp['branch'].pk}"
    assert plain.patch(f"/api/v1/workplan/tasks/{task['id']}/", {"title": "x"}, format="json").status_code == 403

    chair = client_for(school, wp["chair"])
    mine = chair.get("/api/v1/workplan/tasks/", {"mine": "true"}).json()
    assert [t["id"] for t in mine["results"]] == [task["id"]]
    assert chair.get(f"/api/v1/workplan/tasks/{task['id']}/").json()["actions"] == ["start", "complete"]
    assert plain.post(f"/api/v1/workplan/tasks/{task['id']}/transition/", {"action": "start"},
                      format="json").status_code == 403
    started = chair.post(f"/api/v1/workplan/tasks/{task['id']}/transition/", {"action": "start"}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    cancel = chair.post(f"/api/v1/workplan/tasks/{task['id']}/transition/", {"action": "cancel", "reason": "x"},
                        format="json")
    assert cancel.status_code == 403
    note = chair.post(f"/api/v1/workplan/tasks/{task['id']}/notes/",
                      {"text": "已发通知", "progress": "60", "files": [SimpleUploadedFile("通知.pdf", b"%PDF-1.4 x")]},
                      format="multipart")
    assert note.status_code == 201, note.content
    attachment = note.json()["attachments"][0]
    assert plain.post(f"/api/v1/workplan/tasks/{task['id']}/notes/", {"text": "x"}, format="json").status_code == 403
    notes = plain.get(f"/api/v1/workplan/tasks/{task['id']}/notes/").json()
    assert notes["count"] == 1 and notes["results"][0]["progress"] == 60
    got = plain.get(attachment["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 x"
    history = plain.get(f"/api/v1/workplan/tasks/{task['id']}/history/").json()["results"]
    assert [r["to_state"] for r in history] == ["in_progress"]

    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/workplan/plans/{plan['id']}/").status_code == 404
    assert outsider.get(f"/api/v1/workplan/tasks/{task['id']}/").status_code == 404
    assert outsider.get(attachment["url"]).status_code == 404
    assert outsider.post(f"/api/v1/workplan/tasks/{task['id']}/transition/", {"action": "start"},
                         format="json").status_code == 404


def test_uploads_and_a_refused_import_write_nothing(wp):
    admin = client_for(wp["school"], wp["admin"])
    with open(FIXTURES / "plan.pdf", "rb") as handle:
        pdf = admin.post("/api/v1/workplan/plans/preview/", {"file": handle}, format="multipart")
    assert pdf.status_code == 200 and pdf.json()["source"] == "pdf" and len(pdf.json()["points"]) == 4
    document = docx.Document()
    document.add_paragraph("没有任何结构的一段话。")
    buffer = io.BytesIO()
    document.save(buffer)
    bad = admin.post("/api/v1/workplan/plans/preview/",
                     {"file": SimpleUploadedFile("x.docx", buffer.getvalue())}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    refused = admin.post("/api/v1/workplan/plans/import/", {
        "year": YEAR, "title": "计划", "points": [{"title": "一条", "due_on": f"{YEAR - 1}-05-01"}]}, format="json")
    assert refused.status_code == 400 and "points.0.due_on" in refused.json()["errors"]
    with in_schema(wp["school"]):
        assert not Plan.objects.exists() and not Task.objects.exists() and not TaskNote.objects.exists()
