"""Writes of the year's work plan and its tasks (issue #12, point 1).

A plan is read from the school's own 工作要点 notice by the provincial importer (shared.circulars:
`work_points_rows`, `_clean_points`, `_clean_calendar` — the same rules the province's circulars
follow), corrected by a person on the preview, and saved: every point and every task of every
行事历 line becomes a Task. Or it is written by hand. Tasks move only through TASK_FLOW; the owner
of a task (the department's handlers, the branch's chair, the person) or the union office takes
the steps, and only the office cancels and restores.

Every function is keyword-only, runs in one transaction and is audited; bad input is a Chinese
ValidationError naming the field, with nothing written.
"""
from __future__ import annotations

import datetime
import io
import unicodedata
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared.circulars import services as circulars
from tenants.accounts.roles import Role
from tenants.audit.services import audit_create, audit_update, field_values
from tenants.errors import Conflict, NotAllowed
from tenants.members.models import Branch, Department, Member
from tenants.workplan.models import Plan, Task, TaskAttachment, TaskNote
from tenants.workplan.workflow import TASK_FLOW

__all__ = ["TASK_FLOW", "plan_preview", "plan_import", "plan_create", "task_create", "task_update", "task_move",
           "task_note_add", "is_office", "is_task_owner", "may_work_on"]

T = Task.Status
MAX_TITLE = 2000
MAX_BODY = 10000
MAX_NOTE = 5000
MAX_FILES = 10
UPLOAD_KINDS = {".docx": Plan.Source.DOCX, ".pdf": Plan.Source.PDF}
# CJK Radicals Supplement look-alikes PDF fonts use for simplified characters (NFKC leaves these alone)
RADICALS = dict(zip("⺠⻓⻔⻋⻢⻅⻆⻘⻝⻜⻚⻛⻉⻈⻄⻙⻥⻤⻨⻬⻮⻰⻳", "民长门车马见角青食飞页风贝讠西韦鱼鬼麦齐齿龙龟"))
PLAN_FIELDS = ["year", "title", "doc_number", "issuer", "issued_on", "source"]
TASK_FIELDS = ["title", "body", "section_number", "section_title", "number", "owner_department", "owner_branch",
               "owner_member", "month", "due_on", "is_pledge"]
OWNER_FIELDS = ("owner_department", "owner_branch", "owner_member")
OWNER_MODELS = {"owner_department": (Department, "本校没有这个部门。"),
                "owner_branch": (Branch, "本校没有这个分工会。"),
                "owner_member": (Member, "本校没有这位会员。")}


# ---- who may do what ------------------------------------------------------------------------------

def is_office(user) -> bool:
    return user is not None and user.has_role(Role.UNION_ADMIN)


def is_task_owner(user, task: Task) -> bool:
    """The task's owner: a handler of its department, the chair of its branch, or the person."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if task.owner_department_id:
        return task.owner_department.handlers.filter(pk=user.pk).exists()
    if task.owner_branch_id:
        return task.owner_branch.chair_id == user.pk
    if task.owner_member_id:
        return task.owner_member.user_id == user.pk
    return False


def owner_users(task: Task) -> list:
    """Who answers for the task: the department's handlers, the branch's chair, the person's account."""
    if task.owner_department_id:
        return list(task.owner_department.handlers.filter(is_active=True))
    if task.owner_branch_id:
        return [task.owner_branch.chair] if task.owner_branch.chair_id else []
    if task.owner_member_id:
        return [task.owner_member.user] if task.owner_member.user_id else []
    return []


def _tell_owner(task: Task) -> None:
    from tenants.accounts.services import notify

    users = owner_users(task)
    if users:
        when = f"（{task.month}月）" if task.month else (f"（{task.due_on:%Y-%m-%d} 前）" if task.due_on else "")
        notify(users=users, message=f"{task.plan.year}年工作计划的任务“{task.title[:60]}”{when}已交由您负责。",
               link=f"/workplan/tasks/{task.pk}/")


def may_work_on(user, task: Task) -> bool:
    return is_office(user) or is_task_owner(user, task)


def _require_office(by) -> None:
    if not is_office(by):
        raise NotAllowed("只有校工会可以编写工作计划。")


# ---- reading a notice -----------------------------------------------------------------------------

def _docx_text(upload) -> str:
    """The paragraphs and table cells of a .docx, in the order they stand in the document."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(upload.read()))
    except Exception:  # a damaged or mislabelled file: python-docx raises several kinds
        raise ValidationError({"file": "无法读取这个 Word 文件，请确认是 .docx 格式，或直接粘贴文字。"})
    lines = []

    def walk(parent):
        for child in parent.iter_inner_content():
            if isinstance(child, Paragraph):
                lines.append(child.text)
            elif isinstance(child, DocxTable):
                for row in child.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)

    walk(document)
    return "\n".join(lines)


def _pdf_text(upload) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise ValidationError({"file": "无法读取这个 PDF 文件，请确认文件完整，或直接粘贴文字。"})
    # PDF fonts often map 工、一、月 to the look-alike Kangxi radicals (⼯ ⼀ ⽉): back to the ideographs
    text = "".join(RADICALS.get(ch) or (unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch)
                   for ch in text)
    if not text.strip():
        raise ValidationError({"file": "这个 PDF 没有文字层（可能是扫描件），无法识别。请上传 Word 文件或粘贴通知文字。"})
    return text


def _upload_text(upload) -> tuple[str, str]:
    from shared.uploads import check_upload

    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in UPLOAD_KINDS:  # the import reads only these two: say so before the general upload rules
        raise ValidationError({"file": "只能上传 Word（.docx）或带文字层的 PDF 文件。"})
    check_upload(upload)  # then the content check (a .docx that is not one, a PDF that is not one)
    text = _docx_text(upload) if suffix == ".docx" else _pdf_text(upload)
    return text, UPLOAD_KINDS[suffix]


def _sections(points: list[dict]) -> list[dict]:
    sections = []
    for point in points:
        key = (point["section_number"], point["section_title"])
        if not sections or (sections[-1]["number"], sections[-1]["title"]) != key:
            sections.append({"number": key[0], "title": key[1], "points": []})
        sections[-1]["points"].append(point)
    return sections


def plan_preview(*, text: str | None = None, upload=None) -> dict:
    """What the importer reads from a notice — pasted `text`, or an `upload` (.docx, or a PDF with a
    text layer) — for a person to correct before `plan_import`. Writes nothing.

    Text that is not a plan is refused with the importer's reason, under `text` (pasted) or `file`."""
    if upload is not None:
        text, source = _upload_text(upload)
        field = "file"
    else:
        if not isinstance(text, str) or not text.strip():
            raise ValidationError({"text": "请粘贴工作要点通知的全文，或上传 Word / PDF 文件。"})
        source, field = Plan.Source.TEXT, "text"
    try:
        rows = circulars.work_points_rows(text=text)
    except ValidationError as exc:
        raise ValidationError({field: exc.message_dict.get("text", exc.messages)})
    points = [{k: row[k] for k in ("section_number", "section_title", "number", "title", "body")} | {"due_on": None}
              for row in rows["items"]]
    calendar = [{"month": line["month"], "months": line["months"], "tasks": list(line["tasks"])}
                for line in rows["calendar"]]
    issued_on = rows["issued_on"]
    return {"title": rows["parsed"].get("plan_title") or rows["title"], "notice_title": rows["title"],
            "doc_number": rows["doc_number"], "issuer": rows["issuer"], "issued_on": issued_on,
            "year": _year_of(rows, issued_on), "sections": _sections(points), "points": points,
            "calendar": calendar, "calendar_task_count": sum(len(line["tasks"]) for line in calendar),
            "source": source, "source_text": text}


def _year_of(rows, issued_on) -> int:
    """The plan's year as the notice names it (“2023年工作要点”), else the year it was issued, else this year."""
    import re

    match = re.search(r"(20\d{2})\s*年", (rows["parsed"].get("plan_title") or "") + rows["title"])
    if match:
        return int(match.group(1))
    return issued_on.year if issued_on else timezone.localdate().year


# ---- saving a plan --------------------------------------------------------------------------------

def _clean_year(year) -> int:
    this = timezone.localdate().year
    if isinstance(year, str) and year.strip().isascii() and year.strip().isdigit():
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= this + 1:
        raise ValidationError({"year": f"年度应为 2000 至 {this + 1} 之间的年份。"})
    return year


def _year_taken(year: int) -> ValidationError:
    return ValidationError({"year": f"{year}年已有工作计划，每年只能有一份。请改为其他年度，或在原计划中添加任务。"})


def _free_year(year) -> int:
    """A valid plan year that has no plan yet (one plan a year), else a refusal naming `year`."""
    year = _clean_year(year)
    if Plan.objects.filter(year=year).exists():
        raise _year_taken(year)
    return year


def _new_plan(**fields) -> Plan:
    """Create the plan; a plan of the same year saved meanwhile by someone else is the same refusal."""
    try:
        with transaction.atomic():
            return Plan.objects.create(**fields)
    except IntegrityError:
        raise _year_taken(fields["year"])


def _in_year(value, *, year: int, field: str):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: "完成期限应为有效日期（如 2026-06-30）。"})
    if not isinstance(value, datetime.date):
        raise ValidationError({field: "完成期限应为有效日期（如 2026-06-30）。"})
    if value.year != year:
        raise ValidationError({field: f"完成期限应在计划年度（{year}年）之内。"})
    return value


def _prefixed(exc: ValidationError, old: str, new: str) -> ValidationError:
    return ValidationError({(new + key[len(old):] if key.startswith(old) else key): messages
                            for key, messages in exc.message_dict.items()})


@transaction.atomic
def plan_import(*, by, year, title: str, points, calendar=(), doc_number: str = "", issuer: str = "",
                issued_on=None, source: str = Plan.Source.TEXT, source_text: str = "") -> Plan:
    """Save a corrected preview as the year's plan: every point a task (origin 工作要点), every task
    of every 行事历 line a task of its month (origin 行事历; “七-八月” → 7月). One plan a year.

    Faults are reported all at once: `points.<n>.<field>`, `calendar.<n>.<field>`, header fields."""
    _require_office(by)
    errors, checked = {}, {}
    checks = {
        "year": lambda: _free_year(year),
        "header": lambda: circulars._clean_header({"title": title, "doc_number": doc_number, "issuer": issuer}),
        "issued_on": lambda: circulars._clean_issued_on(issued_on),
        "points": lambda: circulars._clean_points(points),
        "calendar": lambda: circulars._clean_calendar(list(calendar or [])),
    }
    for name, check in checks.items():
        try:
            checked[name] = check()
        except ValidationError as exc:
            errors.update(_prefixed(exc, "items", "points").message_dict)
    if source not in Plan.Source.values or source == Plan.Source.MANUAL:
        errors["source"] = ["来源应为粘贴文本、Word 文件或 PDF 文件。"]
    if isinstance(source_text, str) and len(source_text) > circulars.MAX_TEXT:
        errors["source_text"] = [f"原文太长（超过 {circulars.MAX_TEXT} 字）。"]
    if "year" in checked:
        for index, point in enumerate(checked.get("points") or []):
            try:
                point["due_on"] = _in_year(point["due_on"], year=checked["year"], field=f"points.{index}.due_on")
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    year, header = checked["year"], checked["header"]
    plan = _new_plan(year=year, **header, issued_on=issued_on, source=source,
                               source_text=str(source_text or ""), created_by=by)
    tasks, order = [], 0
    for point in checked["points"]:
        order += 1
        tasks.append(Task(plan=plan, order=order, origin=Task.Origin.POINT, section_number=point["section_number"],
                          section_title=point["section_title"], number=point["number"], title=point["title"],
                          body=point["body"], due_on=point["due_on"]))
    for line in checked["calendar"]:
        for text in line["tasks"]:
            order += 1
            tasks.append(Task(plan=plan, order=order, origin=Task.Origin.CALENDAR, section_title="行事历",
                              number=line["month"], title=text, month=line["months"][0]))
    Task.objects.bulk_create(tasks)
    audit_create(actor=by, target=plan, fields=PLAN_FIELDS)
    return plan


@transaction.atomic
def plan_create(*, by, year, title: str, doc_number: str = "", issuer: str = "", issued_on=None) -> Plan:
    """A plan written by hand (手工编写): the header; tasks are added one by one."""
    _require_office(by)
    errors, checked = {}, {}
    for name, check in {"year": lambda: _free_year(year),
                        "header": lambda: circulars._clean_header({"title": title, "doc_number": doc_number,
                                                                   "issuer": issuer}),
                        "issued_on": lambda: circulars._clean_issued_on(issued_on)}.items():
        try:
            checked[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    plan = _new_plan(year=checked["year"], **checked["header"], issued_on=issued_on,
                               source=Plan.Source.MANUAL, created_by=by)
    audit_create(actor=by, target=plan, fields=PLAN_FIELDS)
    return plan


# ---- tasks ----------------------------------------------------------------------------------------

def _owner(field: str, value):
    """An owner given as a record or its id, looked up in this school (another school's ids do not exist here)."""
    if value in (None, ""):
        return None
    model, missing = OWNER_MODELS[field]
    pk = value.pk if isinstance(value, model) else value
    if isinstance(pk, str) and pk.strip().isascii() and pk.strip().isdigit():
        pk = int(pk)
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**31:
        raise ValidationError({field: missing})
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: missing})
    return found


def _clean_task(values: dict, *, year: int) -> dict:
    """The task's fields as given, each checked; every fault at once."""
    errors, cleaned = {}, {}
    for key, limit, label in (("title", MAX_TITLE, "任务"), ("body", MAX_BODY, "内容"), ("section_number", 8, "章节"),
                              ("section_title", 300, "章节标题"), ("number", 8, "序号")):
        if key in values:
            value = str(values[key] or "").strip()
            if len(value) > limit:
                errors[key] = f"{label}不能超过 {limit} 字。"
            cleaned[key] = value
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = "任务不能为空。"
    for field in OWNER_FIELDS:
        if field in values:
            try:
                cleaned[field] = _owner(field, values[field])
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if "month" in values:
        month = values["month"]
        if isinstance(month, str):
            month = int(month) if month.strip().isascii() and month.strip().isdigit() else (None if not month.strip() else -1)
        if month is not None and (not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12):
            errors["month"] = "月份应为 1 至 12。"
        cleaned["month"] = month
    if "due_on" in values:
        try:
            cleaned["due_on"] = _in_year(values["due_on"], year=year, field="due_on")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "is_pledge" in values:
        cleaned["is_pledge"] = bool(values["is_pledge"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def _one_owner(task: Task) -> None:
    if sum(1 for field in OWNER_FIELDS if getattr(task, f"{field}_id")) > 1:
        raise ValidationError({"owner": "负责方只能是一个部门、一个分工会或一个人。"})


@transaction.atomic
def task_create(*, by, plan: Plan, title: str, body: str = "", section_number: str = "", section_title: str = "",
                number: str = "", owner_department=None, owner_branch=None, owner_member=None, month=None,
                due_on=None, is_pledge: bool = False) -> Task:
    """A task added to the plan by the union office (手工添加)."""
    _require_office(by)
    cleaned = _clean_task({"title": title, "body": body, "section_number": section_number,
                           "section_title": section_title, "number": number, "owner_department": owner_department,
                           "owner_branch": owner_branch, "owner_member": owner_member, "month": month,
                           "due_on": due_on, "is_pledge": is_pledge}, year=plan.year)
    last = plan.tasks.order_by("-order").values_list("order", flat=True).first() or 0
    task = Task(plan=plan, order=last + 1, origin=Task.Origin.MANUAL, **cleaned)
    _one_owner(task)
    task.save()
    audit_create(actor=by, target=task, fields=["plan", *TASK_FIELDS])
    _tell_owner(task)
    return task


@transaction.atomic
def task_update(*, by, task: Task, **changes) -> Task:
    """Change a task's title, body, section, owner, month, due date or 十件实事 flag (the union office).
    Naming one owner field replaces the owner: the other two are cleared."""
    _require_office(by)
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "不能修改这一项。"})
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    cleaned = _clean_task(changes, year=task.plan.year)
    before = field_values(task, TASK_FIELDS)
    if any(field in cleaned for field in OWNER_FIELDS):
        for field in OWNER_FIELDS:
            setattr(task, field, cleaned.pop(field, None))
    for key, value in cleaned.items():
        setattr(task, key, value)
    _one_owner(task)
    task.updated_at = timezone.now()
    task.save(update_fields=[*TASK_FIELDS, "updated_at"])
    audit_update(actor=by, target=task, before=before)
    if any(field_values(task, [field])[field] != before[field] for field in OWNER_FIELDS):
        _tell_owner(task)
    return task


@transaction.atomic
def task_move(*, by, task: Task, action: str, reason: str = "") -> Task:
    """A step of TASK_FLOW: start, complete, reopen (the owner or the office), cancel, restore (the
    office). Completing sets 完成日期 and progress 100; reopening clears 完成日期."""
    if action not in TASK_FLOW.transitions:
        raise ValidationError({"action": "没有这一操作：" + "、".join(TASK_FLOW.transitions)})
    task = Task.objects.select_for_update(of=("self",)).select_related("owner_department", "owner_branch",
                                                           "owner_member").get(pk=task.pk)
    if action in ("cancel", "restore"):
        if not is_office(by):
            raise NotAllowed(f"只有校工会可以{TASK_FLOW.transitions[action].label}任务。")
    elif not may_work_on(by, task):
        raise NotAllowed("只有任务的负责方或校工会可以更新任务状态。")
    extra = []
    if action == "complete":
        task.completed_on, task.progress = timezone.localdate(), 100
        extra = ["completed_on", "progress"]
    elif action == "reopen":
        task.completed_on = None
        extra = ["completed_on"]
    task.updated_at = timezone.now()
    TASK_FLOW.apply(task, action, by=by, reason=(reason or "").strip(), extra_update_fields=[*extra, "updated_at"])
    return task


@transaction.atomic
def task_note_add(*, by, task: Task, text: str, progress=None, files=()) -> TaskNote:
    """A progress note (进展记录) by the owner or the office, with attachments; a progress given
    becomes the task's; a note with progress on a task not started starts it (TASK_FLOW). On a done
    task (progress 100) a progress other than 100 is refused: reopen the task first."""
    task = Task.objects.select_for_update(of=("self",)).select_related("owner_department", "owner_branch",
                                                           "owner_member").get(pk=task.pk)
    if not may_work_on(by, task):
        raise NotAllowed("只有任务的负责方或校工会可以填写进展。")
    if task.status == T.CANCELLED:
        raise Conflict("任务已取消，不能填写进展。")
    errors = {}
    text = str(text or "").strip()
    if not text:
        errors["text"] = "请填写进展情况。"
    elif len(text) > MAX_NOTE:
        errors["text"] = f"进展情况不能超过 {MAX_NOTE} 字。"
    if progress in ("",):
        progress = None
    if progress is not None:
        if isinstance(progress, str) and progress.strip().isascii() and progress.strip().isdigit():
            progress = int(progress.strip())
        if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
            errors["progress"] = "进度应为 0 至 100 之间的整数。"
        elif task.status == T.DONE and progress != 100:
            errors["progress"] = "任务已完成，进度为 100%；如需继续推进，请先重新打开任务。"
    files = list(files or [])
    if len(files) > MAX_FILES:
        errors["files"] = f"一次最多上传 {MAX_FILES} 个附件。"
    else:
        from shared.uploads import check_upload

        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors["files"] = [f"{upload.name}：{m}" for m in exc.message_dict.get("file", exc.messages)]
                break
    if errors:
        raise ValidationError(errors)
    note = TaskNote.objects.create(task=task, text=text, progress=progress, written_by=by)
    audit_create(actor=by, target=note, fields=["task", "text", "progress"])
    for upload in files:
        attachment = TaskAttachment.objects.create(note=note, file=upload, name=upload.name[:200], size=upload.size,
                                                   uploaded_by=by)
        audit_create(actor=by, target=attachment, fields=["note", "name", "size"])
    if progress is not None and progress != task.progress:
        before = field_values(task, ["progress"])
        task.progress, task.updated_at = progress, timezone.now()
        task.save(update_fields=["progress", "updated_at"])
        audit_update(actor=by, target=task, before=before)
    if progress and task.status == T.NOT_STARTED:
        TASK_FLOW.apply(task, "start", by=by, reason="填写进展")
    return note
