"""The year's plan: a notice read by the provincial importer, corrected, saved as tasks; tasks moved
through TASK_FLOW by their owner or the office; progress notes with attachments."""
import datetime
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shared.circulars.importer import parse_work_points
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, DomainError, IllegalTransition, NotAllowed
from tenants.members.models import Branch, Department
from tenants.workplan import selectors as q
from tenants.workplan import services as s
from tenants.workplan.models import Plan, Task, TaskNote
from tests.conftest import in_schema, make_user
from tests.workplan.conftest import FIXTURES, YEAR, notice

T = Task.Status


def _import(preview, by, year=YEAR):
    return s.plan_import(by=by, year=year, title=preview["title"], doc_number=preview["doc_number"] or "",
                         issuer=preview["issuer"] or "", issued_on=preview["issued_on"], points=preview["points"],
                         calendar=preview["calendar"], source=preview["source"], source_text=preview["source_text"])


@pytest.mark.parametrize("name, points, calendar_tasks", [
    ("huzhou-university-2023.txt", None, 34), ("guilin-university-2023.txt", None, 0),
    ("datong-university-2017.txt", None, 0)])
def test_each_real_notice_becomes_the_years_tasks(wp, name, points, calendar_tasks):
    text = notice(name)
    parsed = parse_work_points(text)
    expected_points = sum(len(section["items"]) or 1 for section in parsed["sections"])
    expected_calendar = sum(len(line["tasks"]) for line in parsed["calendar"])
    assert expected_calendar == calendar_tasks
    with in_schema(wp["school"]):
        preview = s.plan_preview(text=text)
        assert len(preview["points"]) == expected_points and preview["calendar_task_count"] == expected_calendar
        plan = _import(preview, wp["admin"])
        assert plan.tasks.filter(origin=Task.Origin.POINT).count() == expected_points
        assert plan.tasks.filter(origin=Task.Origin.CALENDAR).count() == calendar_tasks
        assert not plan.tasks.exclude(status=T.NOT_STARTED).exists()
        assert AuditRecord.objects.filter(target_type="workplan.plan", target_id=str(plan.pk)).exists()


def test_huzhou_calendar_gives_34_tasks_each_with_its_first_month(wp):
    with in_schema(wp["school"]):
        plan = _import(s.plan_preview(text=notice("huzhou-university-2023.txt")), wp["admin"], year=2023)
        calendar = plan.tasks.filter(origin=Task.Origin.CALENDAR)
        assert calendar.count() == 34
        assert set(calendar.values_list("month", flat=True)) <= set(range(1, 13))
        summer = calendar.filter(number="七-八月")
        assert summer.exists() and set(summer.values_list("month", flat=True)) == {7}
        assert plan.year == 2023 and plan.doc_number == "" and plan.issuer == "湖州师范学院工会"


def test_text_that_is_not_a_plan_is_refused_with_the_reason_and_nothing_written(wp):
    with in_schema(wp["school"]):
        with pytest.raises(ValidationError) as refused:
            s.plan_preview(text="今天天气很好，我们去春游。")
        assert "text" in refused.value.message_dict and refused.value.message_dict["text"][0]
        with pytest.raises(ValidationError) as empty:
            s.plan_preview(text="  ")
        assert "text" in empty.value.message_dict
        with pytest.raises(ValidationError) as refused:
            s.plan_import(by=wp["admin"], year=YEAR, title="计划", points=[{"title": ""}], calendar=[])
        assert "points" in refused.value.message_dict
        assert not Plan.objects.exists() and not Task.objects.exists()


def test_corrections_are_checked_row_by_row_and_due_dates_stay_in_the_year(wp):
    with in_schema(wp["school"]):
        preview = s.plan_preview(text=notice("guilin-university-2023.txt"))
        points = [dict(p) for p in preview["points"]]
        points[1]["due_on"] = f"{YEAR + 1}-03-01"
        points[2]["title"] = ""
        with pytest.raises(ValidationError) as refused:
            s.plan_import(by=wp["admin"], year=YEAR, title="计划", points=points,
                          calendar=[{"month": "十三月", "tasks": ["x"]}], source="text", source_text="")
        errors = refused.value.message_dict
        assert "points.2.title" in errors and "calendar.0.month" in errors
        assert not Plan.objects.exists()
        points[2]["title"] = "改写的要点"
        with pytest.raises(ValidationError) as refused:
            s.plan_import(by=wp["admin"], year=YEAR, title="计划", points=points, calendar=[])
        assert "年度" in refused.value.message_dict["points.1.due_on"][0]
        points[1]["due_on"] = f"{YEAR}-03-01"
        plan = s.plan_import(by=wp["admin"], year=YEAR, title="计划", points=points,
                             calendar=[{"month": "七-八月", "tasks": ["暑期疗休养", "慰问"]}])
        assert plan.tasks.get(order=2).due_on == datetime.date(YEAR, 3, 1)
        assert list(plan.tasks.filter(origin="calendar").values_list("month", flat=True)) == [7, 7]


def test_one_plan_a_year(wp):
    with in_schema(wp["school"]):
        s.plan_create(by=wp["admin"], year=YEAR, title="手工计划")
        with pytest.raises(ValidationError) as refused:
            s.plan_create(by=wp["admin"], year=YEAR, title="第二份")
        assert refused.value.message_dict["year"][0].startswith(f"{YEAR}年已有工作计划，每年只能有一份")
        with pytest.raises(ValidationError) as refused:
            _import(s.plan_preview(text=notice("guilin-university-2023.txt")), wp["admin"])
        assert list(refused.value.message_dict) == ["year"]
        assert f"{YEAR}年已有工作计划" in refused.value.message_dict["year"][0]
        # reported together with the other faults of the form, not after them
        with pytest.raises(ValidationError) as refused:
            s.plan_import(by=wp["admin"], year=YEAR, title="", points=[{"title": ""}])
        assert {"year", "title"} <= set(refused.value.message_dict)
        assert Plan.objects.count() == 1 and not Task.objects.exists()
        assert q.free_plan_year(YEAR) == YEAR + 1 and q.free_plan_year(YEAR - 3) == YEAR - 3
        s.plan_create(by=wp["admin"], year=YEAR + 1, title="明年")
        assert q.free_plan_year(YEAR) is None
        with pytest.raises(ValidationError) as refused:
            s.plan_create(by=wp["admin"], year=1999, title="太早")
        assert "year" in refused.value.message_dict
        with pytest.raises(NotAllowed):
            s.plan_create(by=wp["chair"], year=YEAR - 1, title="分工会不能写")


def _docx_upload(paragraphs, table_rows=()):
    document = docx.Document()
    for line in paragraphs:
        document.add_paragraph(line)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=2)
        for row, (month, task) in zip(table.rows, table_rows):
            row.cells[0].text, row.cells[1].text = month, task
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("工作要点.docx", buffer.getvalue())


def test_a_docx_is_read_paragraphs_and_table_cells_in_order(wp):
    upload = _docx_upload(["关于印发《某某学院工会2026年工作要点》的通知", "某某学院工会", "2026年1月5日",
                           "一、加强思想引领", "1.组织理论学习。", "2.开展师德建设。", "二、维护合法权益",
                           "1.召开教代会。", "工会2026年行事历"],
                          [("三月", "三八节活动"), ("九月", "教师节慰问")])
    preview = s.plan_preview(upload=upload)
    assert preview["source"] == "docx"
    assert [p["title"] for p in preview["points"]][:3] == ["组织理论学习", "开展师德建设", "召开教代会"]
    assert [(c["month"], c["tasks"]) for c in preview["calendar"]] == [("三月", ["三八节活动"]), ("九月", ["教师节慰问"])]


def test_a_pdf_with_a_text_layer_is_read_and_one_without_is_refused(wp):
    upload = SimpleUploadedFile("plan.pdf", (FIXTURES / "plan.pdf").read_bytes())
    preview = s.plan_preview(upload=upload)
    assert preview["source"] == "pdf" and preview["year"] == 2026
    assert [p["title"] for p in preview["points"]] == ["组织教职工开展理论学习", "开展师德师风建设活动",
                                                      "召开教职工代表大会", "组织教职工健康体检"]
    from pypdf import PdfWriter

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(blank)
    with pytest.raises(ValidationError) as refused:
        s.plan_preview(upload=SimpleUploadedFile("scan.pdf", blank.getvalue()))
    assert "没有文字层" in refused.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as refused:
        s.plan_preview(upload=SimpleUploadedFile("plan.txt", "一、x".encode()))
    assert "file" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        s.plan_preview(upload=_docx_upload(["今天天气很好。"]))
    assert "file" in refused.value.message_dict


@pytest.mark.parametrize("name, content", [
    ("plan.py", b"print('x')\n"), ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16), ("plan.txt", "一、x".encode()),
    ("plan.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 16), ("plan", b"x")])
def test_the_import_reads_only_a_docx_or_a_pdf_and_says_so(wp, name, content):
    with pytest.raises(ValidationError) as refused:
        s.plan_preview(upload=SimpleUploadedFile(name, content))
    assert refused.value.message_dict == {"file": ["只能上传 Word（.docx）或带文字层的 PDF 文件。"]}


def test_an_upload_named_docx_or_pdf_still_gets_the_content_check(wp):
    for name in ("plan.pdf", "plan.docx"):
        with pytest.raises(ValidationError) as refused:
            s.plan_preview(upload=SimpleUploadedFile(name, b"print('not a document')\n"))
        assert list(refused.value.message_dict) == ["file"]
        assert "只能上传 Word" not in refused.value.message_dict["file"][0]


@pytest.fixture
def plan(wp):
    with in_schema(wp["school"]):
        return s.plan_create(by=wp["admin"], year=YEAR, title=f"{YEAR}年工作要点")


def test_owners_are_of_this_school_and_due_dates_of_the_plans_year(wp, plan, huzhou):
    with in_schema(huzhou):
        elsewhere = Department.objects.create(name="外校独有部门")
        elsewhere_branch = Branch.objects.create(name="外校分工会甲")
    with in_schema(wp["school"]):
        with pytest.raises(ValidationError) as refused:
            s.task_create(by=wp["admin"], plan=plan, title="教职工体检", owner_department=elsewhere.pk + 1000)
        assert "owner_department" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            s.task_create(by=wp["admin"], plan=plan, title="教职工体检", owner_branch=elsewhere_branch.pk + 1000)
        assert "owner_branch" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            s.task_create(by=wp["admin"], plan=plan, title="教职工体检", due_on=datetime.date(YEAR + 1, 1, 5))
        assert "due_on" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            s.task_create(by=wp["admin"], plan=plan, title="教职工体检", month=13)
        assert "month" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            s.task_create(by=wp["admin"], plan=plan, title="x", owner_branch=wp["branch"], owner_member=wp["member"])
        assert "owner" in refused.value.message_dict
        assert not Task.objects.exists()
        task = s.task_create(by=wp["admin"], plan=plan, title="教职工体检提标", owner_department=wp["department"].pk,
                             month=5, due_on=datetime.date(YEAR, 6, 30), is_pledge=True)
        s.task_update(by=wp["admin"], task=task, owner_branch=wp["branch"])
        task.refresh_from_db()
        assert task.owner_branch == wp["branch"] and task.owner_department is None
        with pytest.raises(ValidationError):
            s.task_update(by=wp["admin"], task=task, due_on=f"{YEAR - 1}-12-31")
        with pytest.raises(NotAllowed):
            s.task_update(by=wp["chair"], task=task, title="改名")


def test_the_owner_moves_the_task_and_only_the_office_cancels(wp, plan):
    with in_schema(wp["school"]):
        for field, user in (("owner_department", "handler"), ("owner_branch", "chair"), ("owner_member", "person")):
            task = s.task_create(by=wp["admin"], plan=plan, title=f"任务{field}",
                                 **{field: wp[{"owner_department": "department", "owner_branch": "branch",
                                               "owner_member": "member"}[field]]})
            with pytest.raises(NotAllowed):
                s.task_move(by=wp["other"], task=task, action="start")
            s.task_move(by=wp[user], task=task, action="start")
            assert q.tasks_owned_by(wp[user]).filter(pk=task.pk).exists()
            assert not q.tasks_owned_by(wp["other"]).filter(pk=task.pk).exists()
            s.task_move(by=wp[user], task=task, action="complete")
            task.refresh_from_db()
            assert task.status == T.DONE and task.progress == 100 and task.completed_on is not None
            with pytest.raises(DomainError):
                s.task_move(by=wp[user], task=task, action="reopen", reason="")
            s.task_move(by=wp[user], task=task, action="reopen", reason="还有收尾工作")
            task.refresh_from_db()
            assert task.status == T.IN_PROGRESS and task.completed_on is None
            with pytest.raises(NotAllowed):
                s.task_move(by=wp[user], task=task, action="cancel", reason="不做了")
        s.task_move(by=wp["admin"], task=task, action="cancel", reason="并入其他工作")
        with pytest.raises(IllegalTransition):
            s.task_move(by=wp["admin"], task=task, action="complete")
        s.task_move(by=wp["admin"], task=task, action="restore", reason="恢复")
        task.refresh_from_db()
        assert task.status == T.NOT_STARTED
        transitions = AuditRecord.objects.filter(target_type="workplan.task", target_id=str(task.pk),
                                                 action="transition")
        assert list(transitions.order_by("id").values_list("to_state", flat=True)) == [
            "in_progress", "done", "in_progress", "cancelled", "not_started"]


def test_a_progress_note_with_attachments_by_the_owner(wp, plan):
    with in_schema(wp["school"]):
        task = s.task_create(by=wp["admin"], plan=plan, title="食堂改造", owner_branch=wp["branch"])
        with pytest.raises(NotAllowed):
            s.task_note_add(by=wp["other"], task=task, text="我也来写")
        with pytest.raises(ValidationError) as refused:
            s.task_note_add(by=wp["chair"], task=task, text="", progress=120)
        assert set(refused.value.message_dict) == {"text", "progress"}
        with pytest.raises(ValidationError) as refused:
            s.task_note_add(by=wp["chair"], task=task, text="进展",
                            files=[SimpleUploadedFile("a.exe", b"MZ\x90\x00")])
        assert "files" in refused.value.message_dict
        assert not TaskNote.objects.exists()
        note = s.task_note_add(by=wp["chair"], task=task, text="已完成招标", progress=40,
                               files=[SimpleUploadedFile("招标公告.pdf", b"%PDF-1.4 test")])
        task.refresh_from_db()
        assert task.progress == 40 and task.status == T.IN_PROGRESS
        attachment = note.attachments.get()
        assert attachment.name == "招标公告.pdf" and attachment.file.read() == b"%PDF-1.4 test"
        assert wp["school"].schema_name in attachment.file.path
        s.task_move(by=wp["admin"], task=task, action="cancel", reason="取消")
        with pytest.raises(Conflict):
            s.task_note_add(by=wp["chair"], task=task, text="还在做")


def test_a_done_task_keeps_progress_100_a_note_with_another_progress_is_refused(wp, plan):
    with in_schema(wp["school"]):
        task = s.task_create(by=wp["admin"], plan=plan, title="教职工体检", owner_branch=wp["branch"])
        s.task_move(by=wp["chair"], task=task, action="complete")
        for by, progress in ((wp["chair"], 60), (wp["admin"], "0"), (wp["chair"], 99)):
            with pytest.raises(ValidationError) as refused:
                s.task_note_add(by=by, task=task, text="继续推进", progress=progress)
            assert refused.value.message_dict == {
                "progress": ["任务已完成，进度为 100%；如需继续推进，请先重新打开任务。"]}
        assert not TaskNote.objects.filter(task=task).exists()
        task.refresh_from_db()
        assert task.status == T.DONE and task.progress == 100
        # a note without progress, or saying 100, is fine on a done task
        s.task_note_add(by=wp["chair"], task=task, text="体检报告已发放")
        s.task_note_add(by=wp["admin"], task=task, text="全部完成", progress=100)
        task.refresh_from_db()
        assert task.status == T.DONE and task.progress == 100 and task.notes.count() == 2
        # the office's edits of the task leave status and progress alone
        s.task_update(by=wp["admin"], task=task, title="教职工体检（全员）", is_pledge=True)
        task.refresh_from_db()
        assert task.status == T.DONE and task.progress == 100
        # reopened, any progress is taken again; completing sets 100 again
        s.task_move(by=wp["chair"], task=task, action="reopen", reason="补检")
        s.task_note_add(by=wp["chair"], task=task, text="补检中", progress=60)
        task.refresh_from_db()
        assert task.status == T.IN_PROGRESS and task.progress == 60
        s.task_move(by=wp["chair"], task=task, action="complete")
        task.refresh_from_db()
        assert task.status == T.DONE and task.progress == 100


def test_filters_and_todo(wp, plan):
    with in_schema(wp["school"]):
        today = datetime.date.today()
        mine = s.task_create(by=wp["admin"], plan=plan, title="本月任务", owner_member=wp["member"], month=today.month)
        s.task_create(by=wp["admin"], plan=plan, title="实事", owner_branch=wp["branch"], is_pledge=True)
        s.task_create(by=wp["admin"], plan=plan, title="无人负责")
        assert [t.title for t in q.tasks_of(plan, pledge=True)] == ["实事"]
        assert [t.title for t in q.tasks_of(plan, owner=f"member:{wp['member'].pk}")] == ["本月任务"]
        assert [t.title for t in q.tasks_of(plan, owner="none")] == ["无人负责"]
        assert [t.title for t in q.tasks_of(plan, month=today.month)] == ["本月任务"]
        assert [t.title for t in q.tasks_of(plan, mine=wp["chair"])] == ["实事"]
        assert list(q.todo_tasks(wp["person"])) == [mine]
        assert not q.todo_tasks(wp["other"]).exists()


def test_the_owner_is_told_when_a_task_is_given_to_them(wp, plan):
    from tenants.accounts.models import Notification

    with in_schema(wp["school"]):
        task = s.task_create(by=wp["admin"], plan=plan, title="教工之家改造", owner_department=wp["department"], month=5)
        s.task_update(by=wp["admin"], task=task, owner_member=wp["member"])
        s.task_update(by=wp["admin"], task=task, title="教工之家改造（二期）")
        assert Notification.objects.filter(user=wp["handler"], link=f"/workplan/tasks/{task.pk}/").count() == 1
        told = Notification.objects.filter(user=wp["person"])
        assert told.count() == 1 and "已交由您负责" in told.get().message
