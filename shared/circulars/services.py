"""Circulars: import a 工作要点 notice, publish to schools, acknowledgement and item-by-item reports."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.circulars.importer import NotWorkPoints, parse_work_points, read_month
from shared.circulars.models import Circular, CircularItem, CircularRecipient, ItemReport
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.errors import Conflict
from tenants.models import School
from tenants.selectors import schools as member_schools
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit
from tenants.workflow import StateMachine, reported_value

MAX_TEXT = 200_000

CS = Circular.Status
CIRCULAR_FLOW = (
    StateMachine.for_field("通知", Circular)
    .add("publish", label="发布", sources={CS.DRAFT}, target=CS.PUBLISHED, roles={Role.PROVINCE_ADMIN})
)
# A school's progress on a point is what it says it is: it may go back from 已完成 to 推进中 when
# the work reopens, nobody approves it and nothing waits on it. A machine allowing every move
# between the three would declare nothing, so it is declared a reported value instead; every
# report is audited with its old and new value.
ITEM_PROGRESS = reported_value(ItemReport, "status", why="学校自报的落实进展，可在三种进展之间任意调整，无审批环节。")


def work_points_read(*, text: str) -> dict:
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise ValidationError({"text": f"文本太长（超过 {MAX_TEXT} 字）。"})
    try:
        return parse_work_points(text)
    except NotWorkPoints as exc:
        raise ValidationError({"text": str(exc)})


#: a notice of a few dozen points is usual; a page of rows beyond this is a paste gone wrong
MAX_ITEMS = 100
ITEM_LIMITS = {"section_number": ("章节序号", 8), "section_title": ("章节标题", 300), "number": ("序号", 8),
               "title": ("要点", 2000), "body": ("内容", 10000)}
HEADER_LIMITS = {"title": ("标题", 300), "doc_number": ("文号", 60), "issuer": ("发文单位", 100)}


def _points_of(parsed: dict) -> list[dict]:
    """The parse as the rows schools report on: a section without numbered points is one point."""
    points = []
    for section in parsed["sections"]:
        for point in section["items"] or [{"number": None, "title": section["title"], "body": ""}]:
            points.append({"section_number": section["number"], "section_title": section["title"][:300],
                           "number": point["number"] or "", "title": point["title"], "body": point["body"],
                           "due_on": None})
    return points


def work_points_rows(*, text: str) -> dict:
    """The parse of a notice as a draft would be saved from it: the header and the rows (the page's
    preview shows these for editing before anything is saved)."""
    parsed = work_points_read(text=text)
    return {"title": (parsed["title"] or "工作要点")[:300], "doc_number": (parsed["doc_number"] or "")[:60],
            "issuer": (parsed["issuer"] or "")[:100],
            "issued_on": datetime.date.fromisoformat(parsed["issued_on"]) if parsed["issued_on"] else None,
            "calendar": parsed["calendar"], "items": _points_of(parsed), "parsed": parsed}


def _clean_points(items, *, issued_on=None) -> list[dict]:
    """The rows as given (edited by a person), checked one by one. A row left wholly empty is
    skipped; any other fault is reported as `items.<n>.<field>` (n counts from 0 over the rows
    given), all faults at once, so each can be shown beside its own row."""
    errors, points = {}, []
    if not isinstance(items, (list, tuple)):
        raise ValidationError({"items": "要点应为列表。"})
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            errors[f"items.{index}"] = "每条要点应包含章节、要点、内容等字段。"
            continue
        row = {key: str(raw.get(key) or "").strip() for key in ITEM_LIMITS}
        due_on = raw.get("due_on") or None
        if not any(row.values()) and due_on is None:
            continue
        for key, (label, limit) in ITEM_LIMITS.items():
            if len(row[key]) > limit:
                errors[f"items.{index}.{key}"] = f"{label}不能超过 {limit} 字。"
        if not row["title"]:
            errors[f"items.{index}.title"] = "要点不能为空。"
        if due_on is not None:
            if isinstance(due_on, str):
                try:
                    due_on = datetime.date.fromisoformat(due_on)
                except ValueError:
                    errors[f"items.{index}.due_on"] = "完成期限应为有效日期（如 2026-06-30）。"
                    due_on = None
            elif not isinstance(due_on, datetime.date):
                errors[f"items.{index}.due_on"] = "完成期限应为有效日期（如 2026-06-30）。"
                due_on = None
            if due_on is not None and issued_on is not None and due_on < issued_on:
                errors[f"items.{index}.due_on"] = "完成期限不能早于成文日期。"
        points.append({**row, "due_on": due_on})
    if errors:
        raise ValidationError(errors)
    if not points:
        raise ValidationError({"items": "至少保留一条要点。"})
    if len(points) > MAX_ITEMS:
        raise ValidationError({"items": f"要点不能超过 {MAX_ITEMS} 条。"})
    return points


MAX_MONTHS = 24
MAX_TASK = 500


def _clean_calendar(calendar) -> list[dict]:
    """The 行事历 as corrected by a person: rows of month (3月, 七-八月) and tasks. A row left empty
    is skipped; faults are reported as `calendar.<n>.<field>` like the points'."""
    if not isinstance(calendar, (list, tuple)):
        raise ValidationError({"calendar": "行事历应为列表。"})
    errors, months = {}, []
    for index, raw in enumerate(calendar):
        if not isinstance(raw, dict):
            errors[f"calendar.{index}"] = "每行行事历应包含月份和工作安排。"
            continue
        label = str(raw.get("month") or "").strip()
        tasks = raw.get("tasks") or []
        tasks = [str(task).strip() for task in (tasks if isinstance(tasks, (list, tuple)) else [tasks])]
        tasks = [task for task in tasks if task]
        if not label and not tasks:
            continue
        month = read_month(label)
        if month is None:
            errors[f"calendar.{index}.month"] = f"“{label[:20]}”不是月份：请写作 3月、七-八月 这样的形式。"
        elif any(len(task) > MAX_TASK for task in tasks):
            errors[f"calendar.{index}.tasks"] = f"每项工作安排不能超过 {MAX_TASK} 字。"
        else:
            months.append({"month": month[0], "months": month[1], "tasks": tasks})
    if errors:
        raise ValidationError(errors)
    if len(months) > MAX_MONTHS:
        raise ValidationError({"calendar": f"行事历不能超过 {MAX_MONTHS} 行。"})
    return months


def _clean_issued_on(issued_on):
    if issued_on is not None and not isinstance(issued_on, datetime.date):
        raise ValidationError({"issued_on": "成文日期应为有效日期。"})
    return issued_on


def _clean_header(header: dict) -> dict:
    cleaned, errors = {}, {}
    for key, (label, limit) in HEADER_LIMITS.items():
        value = str(header.get(key) or "").strip()
        if len(value) > limit:
            errors[key] = f"{label}不能超过 {limit} 字。"
        cleaned[key] = value
    if not cleaned["title"]:
        errors["title"] = "标题不能为空。"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save_items(circular: Circular, points: list[dict]) -> None:
    CircularItem.objects.bulk_create([
        CircularItem(circular=circular, order=order, section_number=p["section_number"],
                     section_title=p["section_title"], number=p["number"], title=p["title"], body=p["body"],
                     due_on=p["due_on"])
        for order, p in enumerate(points, start=1)])


#: "as the parse found it" for circular_import's corrections (None there means "empty")
PARSED = object()


@transaction.atomic
def circular_import(*, by, text: str, title=PARSED, doc_number=PARSED, issuer=PARSED, issued_on=PARSED,
                    items=PARSED, calendar=PARSED) -> Circular:
    """Save a draft circular from a 工作要点 notice: every point becomes an item schools report on.

    The text must read as a notice (else nothing is saved). What the parse found may be corrected
    first: a header value given replaces the parsed one, and `items` given (rows of
    section_number, section_title, number, title, body, due_on) replaces the parsed points, and
    `calendar` given (rows of month and tasks) the parsed 行事历; the text is kept as the 原文."""
    found = work_points_rows(text=text)
    if issued_on is PARSED:
        issued_on = found["issued_on"]
    errors, checked = {}, {}
    checks = {
        "header": lambda: _clean_header({"title": found["title"] if title is PARSED else title,
                                         "doc_number": found["doc_number"] if doc_number is PARSED else doc_number,
                                         "issuer": found["issuer"] if issuer is PARSED else issuer}),
        "issued_on": lambda: _clean_issued_on(issued_on),
        "points": lambda: _clean_points(found["items"] if items is PARSED else items,
                                        issued_on=issued_on if isinstance(issued_on, datetime.date) else None),
        "months": lambda: found["calendar"] if calendar is PARSED else _clean_calendar(calendar),
    }
    for name, check in checks.items():  # every fault at once, so a page can show each beside its field
        try:
            checked[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    header, points, months = checked["header"], checked["points"], checked["months"]
    circular = Circular.objects.create(**header, issued_on=issued_on, source_text=text, calendar=months,
                                       created_by=actor_name(by))
    _save_items(circular, points)
    audit_create(actor=by, target=circular, fields=["title", "doc_number", "issuer", "issued_on"])
    return circular


@transaction.atomic
def circular_create(*, by, title: str, items, doc_number: str = "", issuer: str = "", issued_on=None) -> Circular:
    """A circular written directly: a title and the points schools report on."""
    if not (title or "").strip():
        raise ValidationError({"title": "标题不能为空。"})
    points = [point for point in items if str(point.get("title") or "").strip()]
    if not points:
        raise ValidationError({"items": "至少写一条要点（title）。"})
    points = _clean_points([{"section_number": str(point.get("section") or ""), "number": str(order),
                             "title": point["title"], "body": point.get("body") or "",
                             "due_on": point.get("due_on")} for order, point in enumerate(points, start=1)],
                           issued_on=issued_on)
    circular = Circular.objects.create(title=title.strip()[:300], doc_number=doc_number, issuer=issuer,
                                       issued_on=issued_on, created_by=actor_name(by))
    _save_items(circular, points)
    audit_create(actor=by, target=circular, fields=["title", "doc_number", "issuer", "issued_on"])
    return circular


@transaction.atomic
def circular_publish(*, circular: Circular, by, school_slugs=None) -> Circular:
    """Send to every active school, or to the schools named."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    CIRCULAR_FLOW.check("publish", state=circular.status, user=by)
    targets = member_schools(status=School.Status.ACTIVE)
    if school_slugs is not None and not list(school_slugs):
        raise ValidationError({"schools": "请至少选择一所学校，或选择发给全部学校。"})
    if school_slugs:
        targets = targets.filter(slug__in=school_slugs)
        missing = set(school_slugs) - set(targets.values_list("slug", flat=True))
        if missing:
            raise ValidationError({"schools": "没有这些学校或学校已停用：" + "、".join(sorted(missing))})
    if not targets.exists():
        raise ValidationError({"schools": "没有可发送的学校（全部学校均已停用）。"})
    targets = list(targets)
    CircularRecipient.objects.bulk_create([CircularRecipient(circular=circular, school=s) for s in targets])
    circular.published_at = timezone.now()
    CIRCULAR_FLOW.apply(circular, "publish", by=by, extra_update_fields=["published_at"],
                        reason="发送给：" + ("全部学校" if not school_slugs else "、".join(sorted(school_slugs))))
    emit("circular.published", webhook_events.circular_data(circular), schools=targets)
    return circular


@transaction.atomic
def circular_acknowledge(*, circular: Circular, school: School, by) -> CircularRecipient:
    recipient = CircularRecipient.objects.select_for_update().get(circular=circular, school=school)
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at, recipient.acknowledged_by = timezone.now(), actor_name(by)
        recipient.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=by, action="update", target=circular, changes={"acknowledged": school.slug})
    return recipient


@transaction.atomic
def item_report(*, item: CircularItem, school: School, by, status: str, text: str = "") -> ItemReport:
    if not CircularRecipient.objects.filter(circular=item.circular_id, school=school).exists():
        raise Conflict("这份通知没有发给本校。")
    if status not in ItemReport.Status.values:
        raise ValidationError({"status": "进展只能是：未开始、推进中、已完成。"})
    if status == ItemReport.Status.DONE and not (text or "").strip():
        raise ValidationError({"text": "已完成的要点请填写落实情况。"})
    before = ItemReport.objects.filter(item=item, school=school).values_list("status", flat=True).first()
    report, _ = ItemReport.objects.update_or_create(
        item=item, school=school, defaults={"status": status, "text": (text or "").strip()[:10000],
                                            "updated_by": actor_name(by), "updated_at": timezone.now()})
    audit_record(actor=by, action="update", target=report, changes={"status": [before, status]})
    return report


def item_code(item) -> str:
    """A point's short name in the matrix's column head: 一·1, 二·（三）→ 二·三."""
    number = (item.number or "").strip("（）() ")
    return f"{item.section_number}·{number}" if item.section_number and number else (
        item.section_number or number or str(item.order))


def circular_matrix(circular: Circular) -> dict:
    """Schools × items: acknowledgement and each item's status, for the province."""
    items = list(circular.items.all())
    reports = {(r.school_id, r.item_id): r for r in ItemReport.objects.filter(item__circular=circular)}
    rows = []
    for recipient in circular.recipients.select_related("school").order_by("school__slug"):
        statuses = {str(item.pk): (reports[(recipient.school_id, item.pk)].status
                                   if (recipient.school_id, item.pk) in reports else None) for item in items}
        rows.append({
            "school": recipient.school.slug, "school_name": recipient.school.name,
            "acknowledged_at": recipient.acknowledged_at, "acknowledged_by": recipient.acknowledged_by,
            "items": statuses, "done": sum(1 for value in statuses.values() if value == ItemReport.Status.DONE),
        })
    return {"items": [{"id": item.pk, "section": item.section_number, "number": item.number, "title": item.title,
                       "code": item_code(item), "due_on": item.due_on} for item in items], "schools": rows}
