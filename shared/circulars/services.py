"""Circulars: import a 工作要点 notice, publish to schools, acknowledgement and item-by-item reports."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.circulars.importer import NotWorkPoints, parse_work_points
from shared.circulars.models import Circular, CircularItem, CircularRecipient, ItemReport
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.errors import Conflict
from tenants.models import School
from tenants.selectors import schools as member_schools
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


@transaction.atomic
def circular_import(*, by, text: str) -> Circular:
    """Save a draft circular from a 工作要点 notice: every point becomes an item schools report on."""
    parsed = work_points_read(text=text)
    circular = Circular.objects.create(
        title=(parsed["title"] or "工作要点")[:300], doc_number=parsed["doc_number"] or "",
        issuer=parsed["issuer"] or "", source_text=text, calendar=parsed["calendar"], created_by=actor_name(by),
        issued_on=datetime.date.fromisoformat(parsed["issued_on"]) if parsed["issued_on"] else None)
    order = 0
    for section in parsed["sections"]:
        for point in section["items"] or [{"number": None, "title": section["title"], "body": ""}]:
            order += 1
            CircularItem.objects.create(circular=circular, order=order, section_number=section["number"],
                                        section_title=section["title"][:300], number=point["number"] or "",
                                        title=point["title"], body=point["body"])
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
    circular = Circular.objects.create(title=title.strip()[:300], doc_number=doc_number, issuer=issuer,
                                       issued_on=issued_on, created_by=actor_name(by))
    for order, point in enumerate(points, start=1):
        CircularItem.objects.create(circular=circular, order=order, section_number=str(point.get("section") or ""),
                                    section_title="", number=str(order), title=str(point["title"]).strip(),
                                    body=str(point.get("body") or "").strip())
    audit_create(actor=by, target=circular, fields=["title", "doc_number", "issuer", "issued_on"])
    return circular


@transaction.atomic
def circular_publish(*, circular: Circular, by, school_slugs=None) -> Circular:
    """Send to every active school, or to the schools named."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    CIRCULAR_FLOW.check("publish", state=circular.status, user=by)
    targets = member_schools(status=School.Status.ACTIVE)
    if school_slugs:
        targets = targets.filter(slug__in=school_slugs)
        missing = set(school_slugs) - set(targets.values_list("slug", flat=True))
        if missing:
            raise ValidationError({"schools": "没有这些学校或学校已停用：" + "、".join(sorted(missing))})
    CircularRecipient.objects.bulk_create([CircularRecipient(circular=circular, school=s) for s in targets])
    circular.published_at = timezone.now()
    CIRCULAR_FLOW.apply(circular, "publish", by=by, extra_update_fields=["published_at"],
                        reason="发送给：" + ("全部学校" if not school_slugs else "、".join(sorted(school_slugs))))
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


def circular_matrix(circular: Circular) -> dict:
    """Schools × items: acknowledgement and each item's status, for the province."""
    items = list(circular.items.all())
    reports = {(r.school_id, r.item_id): r for r in ItemReport.objects.filter(item__circular=circular)}
    rows = []
    for recipient in circular.recipients.select_related("school").order_by("school__slug"):
        rows.append({
            "school": recipient.school.slug, "school_name": recipient.school.name,
            "acknowledged_at": recipient.acknowledged_at,
            "items": {str(item.pk): (reports[(recipient.school_id, item.pk)].status
                                     if (recipient.school_id, item.pk) in reports else None) for item in items},
        })
    return {"items": [{"id": item.pk, "section": item.section_number, "number": item.number, "title": item.title}
                      for item in items], "schools": rows}
