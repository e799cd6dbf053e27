"""荣休: a ceremony gathers the year's retirees (from members' status changes); the office adds or
takes people off the list with a reason, and records the ceremony with its final list.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.audit.services import audit_create, audit_update, field_values
from tenants.errors import Conflict, NotAllowed
from tenants.members.models import Member, MemberStatusChange
from tenants.retirement.models import Ceremony, Honouree
from tenants.workflow import StateMachine

RETIREMENT_OFFICE = frozenset({Role.UNION_ADMIN})

C = Ceremony.Status
CEREMONY_FLOW = (
    StateMachine.for_field("荣休仪式", Ceremony)
    .add("record", label="记录荣休名单", sources={C.DRAFT}, target=C.RECORDED, roles=RETIREMENT_OFFICE)
    .add("reopen", label="重新修改", sources={C.RECORDED}, target=C.DRAFT, roles=RETIREMENT_OFFICE,
         reason_required=True)
)


def _office(by, what: str = "管理荣休仪式"):
    if not (by and by.has_role(*RETIREMENT_OFFICE)):
        raise NotAllowed(f"只有校工会管理员可以{what}。")


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def year_retirees(year: int) -> dict[int, datetime.date | None]:
    """{member id: retirement date} of the members who retired in ``year``: a recorded status change
    to 退休 taking effect that year, or (a roster without its change) a member retired with the status
    date in that year. Members who have since left or transferred are still listed (they retired)."""
    found: dict[int, datetime.date | None] = {}
    for member_id, on in (MemberStatusChange.objects.filter(to_status=Member.Status.RETIRED, effective_on__year=year)
                          .order_by("effective_on").values_list("member_id", "effective_on")):
        found.setdefault(member_id, on)
    for member_id, on in (Member.objects.filter(status=Member.Status.RETIRED, status_changed_on__year=year)
                          .values_list("pk", "status_changed_on")):
        found.setdefault(member_id, on)
    return found


def honoured_elsewhere(member_ids, *, except_ceremony: Ceremony | None = None) -> set[int]:
    rows = Honouree.objects.filter(member_id__in=list(member_ids), excluded=False)
    if except_ceremony is not None:
        rows = rows.exclude(ceremony=except_ceremony)
    return set(rows.values_list("member_id", flat=True))


def _gather(ceremony: Ceremony) -> int:
    """Add the year's retirees not yet on this list (nor honoured at another ceremony)."""
    retirees = year_retirees(ceremony.year)
    present = set(ceremony.honourees.values_list("member_id", flat=True))
    elsewhere = honoured_elsewhere(retirees, except_ceremony=ceremony)
    now = timezone.now()
    new = [Honouree(ceremony=ceremony, member_id=pk, retired_on=on, updated=now)
           for pk, on in retirees.items() if pk not in present and pk not in elsewhere]
    Honouree.objects.bulk_create(new)
    return len(new)


def _draft(ceremony: Ceremony, field: str = "ceremony") -> Ceremony:
    ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
    if ceremony.status != C.DRAFT:
        raise Conflict("荣休名单已记录，不能再修改；如需修改请先“重新修改”。", field=field)
    return ceremony


@transaction.atomic
def ceremony_create(*, by, year, held_on, title: str = "", place: str = "", note: str = "") -> Ceremony:
    """A ceremony of ``year`` with the year's retirees gathered onto its list."""
    _office(by)
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = "请填写年度（如 2026）。"
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = "请填写仪式日期。"
    elif isinstance(year, int) and not year <= held_on.year <= year + 1:
        errors["held_on"] = f"仪式日期应在 {year} 年或次年。"
    if errors:
        raise ValidationError(errors)
    ceremony = Ceremony.objects.create(year=year, held_on=held_on, title=_text(title, 100) or f"{year}年荣休仪式",
                                       place=_text(place, 100), note=_text(note, 2000), created_by=by)
    audit_create(actor=by, target=ceremony, fields=["year", "title", "held_on", "place"])
    _gather(ceremony)
    return ceremony


@transaction.atomic
def ceremony_update(*, by, ceremony: Ceremony, title=None, held_on=None, place=None, note=None) -> Ceremony:
    _office(by)
    ceremony = _draft(ceremony)
    before = field_values(ceremony, ["title", "held_on", "place", "note"])
    if held_on is not None:
        if not isinstance(held_on, datetime.date):
            raise ValidationError({"held_on": "请填写仪式日期。"})
        ceremony.held_on = held_on
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "请填写名称。"})
        ceremony.title = _text(title, 100)
    if place is not None:
        ceremony.place = _text(place, 100)
    if note is not None:
        ceremony.note = _text(note, 2000)
    ceremony.save(update_fields=["title", "held_on", "place", "note"])
    audit_update(actor=by, target=ceremony, before=before)
    return ceremony


@transaction.atomic
def ceremony_refresh(*, by, ceremony: Ceremony) -> int:
    """Add those who retired since the list was gathered; returns how many were added."""
    _office(by)
    ceremony = _draft(ceremony)
    added = _gather(ceremony)
    if added:
        audit_update(actor=by, target=ceremony, before={}, reason=f"补充本年度退休人员 {added} 人")
    return added


@transaction.atomic
def honouree_add(*, by, ceremony: Ceremony, member: Member, reason: str) -> Honouree:
    """Put a retired member on the list who is not among the year's retirees (e.g. retired late last
    year), or back on it; the reason is required."""
    _office(by)
    ceremony = _draft(ceremony, "member")
    reason = _text(reason, 300)
    errors = {}
    if member is None:
        errors["member"] = "请选择会员。"
    elif member.status != Member.Status.RETIRED and member.employment_type != "retiree":
        errors["member"] = f"{member.name}不是退休会员，不能列入荣休名单。"
    if not reason:
        errors["reason"] = "请填写添加原因。"
    if errors:
        raise ValidationError(errors)
    if honoured_elsewhere([member.pk], except_ceremony=ceremony):
        raise Conflict(f"{member.name}已在其他荣休仪式的名单中。", field="member")
    row = Honouree.objects.select_for_update(of=("self",)).filter(ceremony=ceremony, member=member).first()
    if row is not None and not row.excluded:
        raise Conflict(f"{member.name}已在名单中。", field="member")
    if row is None:
        row = Honouree.objects.create(ceremony=ceremony, member=member, source=Honouree.Source.ADDED, reason=reason,
                                      retired_on=year_retirees(ceremony.year).get(member.pk) or member.status_changed_on)
        audit_create(actor=by, target=row, fields=["member", "source", "reason"])
        return row
    before = field_values(row, ["excluded", "reason"])
    row.excluded, row.exclude_reason, row.reason, row.updated = False, "", reason, timezone.now()
    row.save(update_fields=["excluded", "exclude_reason", "reason", "updated"])
    audit_update(actor=by, target=row, before=before, reason=reason)
    return row


@transaction.atomic
def honouree_remove(*, by, honouree: Honouree, reason: str) -> Honouree:
    """Take someone off the list (e.g. they declined), with the reason; gathering again does not put
    them back."""
    _office(by)
    _draft(honouree.ceremony, "honouree")
    row = Honouree.objects.select_for_update(of=("self",)).get(pk=honouree.pk)
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError({"reason": "请填写移出原因。"})
    if row.excluded:
        raise Conflict("已移出名单。", field="honouree")
    before = field_values(row, ["excluded", "exclude_reason"])
    row.excluded, row.exclude_reason, row.updated = True, reason, timezone.now()
    row.save(update_fields=["excluded", "exclude_reason", "updated"])
    audit_update(actor=by, target=row, before=before, reason=reason)
    return row


def ceremony_move(*, by, ceremony: Ceremony, action: str, reason: str = "") -> Ceremony:
    """记录 (the final list; it needs at least one person) or 重新修改 (with the reason)."""
    with transaction.atomic():
        ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
        CEREMONY_FLOW.check(action, state=ceremony.status, user=by, reason=reason)
        extra = []
        if action == "record":
            if not ceremony.honourees.filter(excluded=False).exists():
                raise Conflict("名单中还没有人，不能记录。", field="honourees")
            ceremony.recorded_at = timezone.now()
            extra = ["recorded_at"]
        CEREMONY_FLOW.apply(ceremony, action, by=by, reason=reason, extra_update_fields=extra)
    return ceremony
