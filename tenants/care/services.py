"""帮扶慰问: standards by date, visits (within the standard booked at once, above it approved first),
life events reported by branches, batch visits, the reminder of unvisited events.

Every visit that counts writes its expense into the books (tenants.finance.services.ledger_entry_record)
inside the same transaction: a refused entry (closed year) leaves nothing written.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_update, field_values
from tenants.care.models import (
    BATCH_KINDS,
    DEFAULT_CATEGORY,
    FIVE_VISITS,
    CareBatch,
    CareKind,
    CareSettings,
    CareStandard,
    CareVisit,
    LifeEvent,
)
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import ExpenseCategory, LedgerEntry
from tenants.finance.services import MAX_ENTRY_AMOUNT, check_year_open, ledger_entry_record
from tenants.members.models import Member
from tenants.text import cn_date
from tenants.workflow import StateMachine

#: who records visits and batches and handles life events (the union office and its 帮扶专干)
CARE_OFFICE = frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER})
#: who approves a visit above the standard (never the person who recorded it)
CARE_APPROVERS = frozenset({Role.UNION_ADMIN})
#: who reports a life event: the office, or a branch chair for a member of their own branch
EVENT_REPORTERS = CARE_OFFICE | {Role.BRANCH_CHAIR}
#: a single visit above this is a typing error, not a union's gift
MAX_VISIT_AMOUNT = Decimal("100000")
MAX_REMINDER_DAYS = 90
#: members no longer with the union get no visit
DEPARTED = {Member.Status.LEFT: "已退会", Member.Status.TRANSFERRED: "已转出"}

V = CareVisit.Status
VISIT_FLOW = (
    StateMachine.for_field("慰问记录", CareVisit)
    # A visit is recorded (已登记) when written; above the standard the recorder sends it for approval
    # in the same transaction, with the reason.
    .add("request_approval", label="超标准报批", sources={V.RECORDED}, target=V.PENDING, roles=CARE_OFFICE,
         reason_required=True)
    .add("approve", label="批准", sources={V.PENDING}, target=V.APPROVED, roles=CARE_APPROVERS)
    .add("reject", label="不批准", sources={V.PENDING}, target=V.REJECTED, roles=CARE_APPROVERS,
         reason_required=True)
)
#: the visits that count (given and booked)
COUNTED = (V.RECORDED, V.APPROVED)

E = LifeEvent.Status
LIFE_EVENT_FLOW = (
    StateMachine.for_field("待慰问事项", LifeEvent)
    .add("visit", label="已慰问", sources={E.REPORTED}, target=E.VISITED, roles=CARE_OFFICE)
    .add("close", label="关闭", sources={E.REPORTED}, target=E.CLOSED, roles=CARE_OFFICE, reason_required=True)
    .add("reopen", label="重新待慰问", sources={E.VISITED}, target=E.REPORTED, roles=CARE_APPROVERS,
         reason_required=True)
)


# --- settings and standards -----------------------------------------------------------------------

def care_settings() -> CareSettings:
    settings, _ = CareSettings.objects.get_or_create(pk=1)
    return settings


@transaction.atomic
def care_settings_update(*, by, reminder_days) -> CareSettings:
    if not (by and by.has_role(Role.UNION_ADMIN)):
        raise NotAllowed("只有校工会管理员可以修改慰问设置。")
    days = decimal_in_range(reminder_days, field="reminder_days", low=1, high=MAX_REMINDER_DAYS, places="1",
                            label="提醒天数")
    settings = CareSettings.objects.select_for_update().get(pk=care_settings().pk)
    before = field_values(settings, ["reminder_days"])
    settings.reminder_days, settings.updated_by, settings.updated = int(days), actor_name(by), timezone.now()
    settings.save(update_fields=["reminder_days", "updated_by", "updated"])
    audit_update(actor=by, target=settings, before=before)
    return settings


def standard_in_force(kind: str, on: datetime.date) -> CareStandard | None:
    return (CareStandard.objects.filter(kind=kind, effective_from__lte=on)
            .order_by("-effective_from", "-id").first())


def _standard_or_refuse(kind: str, on: datetime.date, field: str = "kind") -> CareStandard:
    standard = standard_in_force(kind, on)
    if standard is None:
        raise ValidationError({field: f"“{CareKind(kind).label}”在 {cn_date(on)} 没有生效的慰问标准，"
                                      f"请先在慰问标准中设置。"})
    return standard


@transaction.atomic
def standard_set(*, by, kind: str, effective_from, amount_min, amount_max=None, category: str = "",
                 note: str = "") -> CareStandard:
    """A new version of the standard of ``kind`` from ``effective_from`` (the versions before it stay,
    so visits paid under them keep them)."""
    if not (by is None or by.has_role(Role.UNION_ADMIN)):
        raise NotAllowed("只有校工会管理员可以修改慰问标准。")
    errors = {}
    if kind not in CareKind.values:
        errors["kind"] = "请选择慰问类型。"
    if not isinstance(effective_from, datetime.date):
        errors["effective_from"] = "请填写生效日期。"
    category = category or (DEFAULT_CATEGORY.get(kind, "") if kind in CareKind.values else "")
    if category not in ExpenseCategory.values:
        errors["category"] = "请选择支出科目。"
    low = high = None
    try:
        low = decimal_in_range(amount_min, field="amount_min", low="0", high=MAX_VISIT_AMOUNT, label="标准金额")
    except ValidationError as error:
        errors.update(error.message_dict)
    if amount_max in (None, ""):
        high = low
    else:
        try:
            high = decimal_in_range(amount_max, field="amount_max", low="0", high=MAX_VISIT_AMOUNT,
                                    label="标准上限")
        except ValidationError as error:
            errors.update(error.message_dict)
    if low is not None and high is not None and high < low:
        errors["amount_max"] = "标准上限不能低于下限。"
    if low is not None and high is not None and high == 0:
        errors["amount_max"] = "标准金额应大于 0。"
    if errors:
        raise ValidationError(errors)
    if CareStandard.objects.filter(kind=kind, effective_from=effective_from).exists():
        raise Conflict(f"“{CareKind(kind).label}”在 {cn_date(effective_from)} 已有一个版本；请另选生效日期。",
                       field="effective_from")
    # a version dated back over visits already given would make them "within" a standard nobody
    # approved them under (and let one person raise a ceiling for a visit they then record)
    latest = CareVisit.objects.filter(kind=kind).aggregate(latest=Max("visited_on"))["latest"]
    if latest and effective_from <= latest:
        raise Conflict(f"“{CareKind(kind).label}”已有 {cn_date(latest)} 的慰问记录；新标准只能从这之后生效，"
                       "已发放的慰问保持原标准。", field="effective_from")
    standard = CareStandard.objects.create(kind=kind, effective_from=effective_from, amount_min=low,
                                           amount_max=high, category=category, note=(note or "").strip()[:200],
                                           set_by=actor_name(by))
    audit_create(actor=by, target=standard, fields=["kind", "effective_from", "amount_min", "amount_max",
                                                    "category"])
    return standard


def default_standards(*, by, effective_from: datetime.date, amounts: dict[str, tuple]) -> list[CareStandard]:
    """The first version of each kind (demo, a new school): {kind: (min, max)}."""
    return [standard_set(by=by, kind=kind, effective_from=effective_from, amount_min=low, amount_max=high)
            for kind, (low, high) in amounts.items()
            if not CareStandard.objects.filter(kind=kind, effective_from=effective_from).exists()]


# --- visits ---------------------------------------------------------------------------------------

def _check_member(member: Member | None, field: str = "member") -> Member:
    if member is None:
        raise ValidationError({field: "请选择会员。"})
    if member.status in DEPARTED:
        raise ValidationError({field: f"{member.name}{DEPARTED[member.status]}，不能登记慰问。"})
    return member


def _amount(value, field="amount", label="金额") -> Decimal:
    return decimal_in_range(value, field=field, low="0.01", high=MAX_VISIT_AMOUNT, label=label)


def _book(*, by, standard: CareStandard, amount: Decimal, on: datetime.date, description: str,
          source_type: str, source_id: int) -> LedgerEntry:
    return ledger_entry_record(by=by, kind="expense", category=standard.category, amount=amount, occurred_on=on,
                               description=description, source_type=source_type, source_id=source_id)


@transaction.atomic
def visit_record(*, by, member: Member, kind: str, visited_on, amount, visitors: str = "", note: str = "",
                 reason: str = "", life_event: LifeEvent | None = None) -> CareVisit:
    """Record a visit. Within the standard in force on its date: 已登记 and its expense written at once
    (待审批 in the books). Above it: a reason is required and it waits for the union office (待审批)."""
    if not (by and by.has_role(*CARE_OFFICE)):
        raise NotAllowed("只有校工会或帮扶专干可以登记慰问。")
    errors = {}
    try:
        _check_member(member)
    except ValidationError as error:
        errors.update(error.message_dict)
    if kind not in CareKind.values:
        errors["kind"] = "请选择慰问类型。"
    if not isinstance(visited_on, datetime.date):
        errors["visited_on"] = "请填写慰问日期。"
    elif visited_on > timezone.localdate():
        errors["visited_on"] = "慰问日期不能晚于今天。"
    try:
        amount = _amount(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    if life_event is not None and (life_event.member_id != getattr(member, "pk", None)):
        errors["life_event"] = "待慰问事项不是这名会员的。"
    if errors:
        raise ValidationError(errors)
    check_year_open(visited_on.year, field="visited_on")
    standard = _standard_or_refuse(kind, visited_on)
    above = amount > standard.amount_max
    reason = (reason or "").strip()
    if above and not reason:
        raise ValidationError({"reason": f"金额超出慰问标准（{standard.amount_label}），请填写超标准原因，"
                                         f"由校工会审批。"})
    if life_event is not None:
        life_event = LifeEvent.objects.select_for_update().get(pk=life_event.pk)
        if life_event.status != LifeEvent.Status.REPORTED:
            raise Conflict(f"这件待慰问事项已{life_event.get_status_display()}。", field="life_event")
    visit = CareVisit.objects.create(
        member=member, kind=kind, visited_on=visited_on, amount=amount, visitors=(visitors or "").strip()[:200],
        note=(note or "").strip()[:500], standard=standard, above_standard=above, reason=reason[:500],
        life_event=life_event, recorded_by=by)
    audit_create(actor=by, target=visit, fields=["member", "kind", "visited_on", "amount", "visitors", "standard",
                                                 "above_standard"])
    if above:
        VISIT_FLOW.apply(visit, "request_approval", by=by, reason=reason)
    else:
        visit.ledger_entry = _book(by=by, standard=standard, amount=amount, on=visited_on,
                                   description=_description(visit), source_type=LedgerEntry.Source.CARE_VISIT,
                                   source_id=visit.pk)
        visit.save(update_fields=["ledger_entry"])
    if life_event is not None:
        LIFE_EVENT_FLOW.apply(life_event, "visit", by=by, reason=f"慰问记录 {visit.pk}")
    return visit


def _description(visit: CareVisit) -> str:
    # no name: the books are read by the treasurer, approvers and 经审, and a kind such as 困难帮扶
    # next to a name would tell them who is in hardship; the link leads to the visit for who may see it
    return f"{visit.get_kind_display()}慰问（慰问记录 {visit.pk}）"


@transaction.atomic
def visit_decide(*, visit: CareVisit, by, approve: bool, reason: str = "") -> CareVisit:
    """The union office approves (the entry is written) or refuses a visit above the standard; the
    person who recorded it never decides it."""
    visit = CareVisit.objects.select_for_update().select_related("member", "standard").get(pk=visit.pk)
    action = "approve" if approve else "reject"
    VISIT_FLOW.check(action, state=visit.status, user=by, reason=reason)
    if visit.recorded_by_id is not None and visit.recorded_by_id == by.pk:
        raise NotAllowed("登记人不能审批自己登记的慰问，请由校工会其他负责人审批。")
    fields = ["decision_reason"]
    visit.decision_reason = (reason or "").strip()[:300]
    if approve:
        check_year_open(visit.visited_on.year, field="visited_on")
        visit.ledger_entry = _book(by=by, standard=visit.standard, amount=visit.amount, on=visit.visited_on,
                                   description=_description(visit), source_type=LedgerEntry.Source.CARE_VISIT,
                                   source_id=visit.pk)
        fields.append("ledger_entry")
    VISIT_FLOW.apply(visit, action, by=by, reason=reason, extra_update_fields=fields)
    event = visit.life_event
    if not approve and event is not None and event.status == LifeEvent.Status.VISITED:
        # the visit that answered the event was refused: the event waits for a visit again
        LIFE_EVENT_FLOW.apply(event, "reopen", by=by, reason=f"慰问记录 {visit.pk} 未获批准：{visit.decision_reason}")
    return visit


# --- life events ----------------------------------------------------------------------------------

@transaction.atomic
def life_event_report(*, by, member: Member, kind: str, occurred_on, note: str = "") -> LifeEvent:
    """A branch chair (for a member of their own branch) or the office reports a life event; the
    office is asked to visit."""
    if not (by and by.has_role(*EVENT_REPORTERS)):
        raise NotAllowed("只有分工会主席或校工会可以报告待慰问事项。")
    if member is not None and not by.has_role(*CARE_OFFICE) and member.branch.chair_id != by.pk:
        raise NotAllowed("只能报告本分工会会员的事项。")
    errors = {}
    try:
        _check_member(member)
    except ValidationError as error:
        errors.update(error.message_dict)
    if kind not in FIVE_VISITS:
        errors["kind"] = "请选择事项（生育、生病住院、直系亲属去世、结婚、退休）。"
    if not isinstance(occurred_on, datetime.date):
        errors["occurred_on"] = "请填写发生日期。"
    elif occurred_on > timezone.localdate() + datetime.timedelta(days=366):
        errors["occurred_on"] = "发生日期不能晚于一年以后。"
    if errors:
        raise ValidationError(errors)
    event = LifeEvent.objects.create(member=member, kind=kind, occurred_on=occurred_on,
                                     note=(note or "").strip()[:500], reported_by=by)
    audit_create(actor=by, target=event, fields=["member", "kind", "occurred_on", "origin"])
    return event


@transaction.atomic
def life_event_close(*, event: LifeEvent, by, reason: str = "") -> LifeEvent:
    """Close an event no visit will follow (e.g. the member declined), with the reason."""
    event.close_reason = (reason or "").strip()[:300]
    LIFE_EVENT_FLOW.apply(event, "close", by=by, reason=reason, extra_update_fields=["close_reason"])
    return event


def life_event_for_retirement(*, member: Member, by, on: datetime.date) -> LifeEvent | None:
    """Retiring a member (tenants.members.services.member_change_status) asks for the 退休 visit."""
    if LifeEvent.objects.filter(member=member, kind=CareKind.RETIREMENT, status=LifeEvent.Status.REPORTED).exists():
        return None
    event = LifeEvent.objects.create(member=member, kind=CareKind.RETIREMENT, occurred_on=on,
                                     origin=LifeEvent.Origin.RETIREMENT, note="会员退休，请安排退休慰问。",
                                     reported_by=by if getattr(by, "is_authenticated", False) else None)
    audit_create(actor=by, target=event, fields=["member", "kind", "occurred_on", "origin"])
    return event


def remind_unvisited(*, now: datetime.datetime | None = None) -> int:
    """Daily: tell the union office and the 帮扶专干 about events reported more than the school's set
    days ago with no visit yet. Each event is reminded once (idempotent); returns how many."""
    from tenants.accounts.models import User
    from tenants.accounts.services import notify

    now = now or timezone.now()
    days = care_settings().reminder_days
    with transaction.atomic():
        due = list(LifeEvent.objects.select_for_update(skip_locked=True)
                   .filter(status=LifeEvent.Status.REPORTED, reminded_at__isnull=True,
                           reported_at__lt=now - datetime.timedelta(days=days))
                   .select_related("member").order_by("reported_at"))
        if not due:
            return 0
        office = list(User.objects.filter(is_active=True, roles__overlap=list(CARE_OFFICE)))
        names = "、".join(f"{e.member.name}（{e.get_kind_display()}）" for e in due[:10])
        more = f"等 {len(due)} 件" if len(due) > 10 else f"共 {len(due)} 件"
        notify(users=office, message=f"【慰问提醒】{names}{more}待慰问事项报告已超过 {days} 天，尚未登记慰问。",
               link="/care/events/")
        for event in due:
            event.reminded_at = now
            event.save(update_fields=["reminded_at"])
    return len(due)


# --- batch visits ---------------------------------------------------------------------------------

def batch_members(*, scope: str, branches=(), groups=(), members=()):
    """The active members a batch reaches (retirees get holiday visits too; the departed never)."""
    rows = Member.objects.filter(status__in=[Member.Status.ACTIVE, Member.Status.RETIRED])
    if scope == CareBatch.Scope.ALL:
        return rows.filter(status=Member.Status.ACTIVE)
    if scope == CareBatch.Scope.BRANCHES:
        return rows.filter(branch__in=list(branches))
    if scope == CareBatch.Scope.GROUPS:
        return rows.filter(group__in=list(groups))
    if scope == CareBatch.Scope.MEMBERS:
        return rows.filter(pk__in=[getattr(m, "pk", m) for m in members])
    return rows.none()


@transaction.atomic
def batch_record(*, by, kind: str, title: str, visited_on, per_head, scope: str, branches=(), groups=(),
                 members=(), visitors: str = "") -> CareBatch:
    """One visit per person and ONE entry in the books for the total, in one transaction."""
    if not (by and by.has_role(*CARE_OFFICE)):
        raise NotAllowed("只有校工会或帮扶专干可以登记批量慰问。")
    errors = {}
    if kind not in dict(BATCH_KINDS):
        errors["kind"] = "批量慰问只用于节日慰问、送清凉、送温暖和生日慰问。"
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写名称（如 2026年春节慰问）。"
    if not isinstance(visited_on, datetime.date):
        errors["visited_on"] = "请填写慰问日期。"
    elif visited_on > timezone.localdate():
        errors["visited_on"] = "慰问日期不能晚于今天。"
    try:
        per_head = _amount(per_head, field="per_head", label="人均金额")
    except ValidationError as error:
        errors.update(error.message_dict)
    branches, groups, members = list(branches or ()), list(groups or ()), list(members or ())
    needs = {CareBatch.Scope.BRANCHES: ("branches", branches, "请选择分工会。"),
             CareBatch.Scope.GROUPS: ("groups", groups, "请选择工会小组。"),
             CareBatch.Scope.MEMBERS: ("members", members, "请选择会员。")}
    if scope not in CareBatch.Scope.values:
        errors["scope"] = "请选择慰问范围。"
    elif scope in needs and not needs[scope][1]:
        errors[needs[scope][0]] = needs[scope][2]
    if scope == CareBatch.Scope.MEMBERS:
        departed = [m.name for m in members if getattr(m, "status", None) in DEPARTED]
        if departed:
            errors["members"] = f"{'、'.join(departed[:5])}已退会或转出，不能慰问。"
    if errors:
        raise ValidationError(errors)
    check_year_open(visited_on.year, field="visited_on")
    standard = _standard_or_refuse(kind, visited_on)
    if per_head > standard.amount_max:
        raise ValidationError({"per_head": f"人均金额超出慰问标准（{standard.amount_label}）；"
                                           f"超标准的慰问请逐人登记并报校工会审批。"})
    reached = list(batch_members(scope=scope, branches=branches, groups=groups, members=members)
                   .values_list("pk", flat=True))
    if not reached:
        raise ValidationError({"scope": "所选范围内没有在会会员。"})
    total = per_head * len(reached)
    if total > MAX_ENTRY_AMOUNT:
        raise ValidationError({"per_head": f"合计 ¥{total:,.2f}（{len(reached)} 人）超出一笔账目的上限，"
                                           "请核对人均金额或分批登记。"})
    batch = CareBatch.objects.create(kind=kind, title=title[:100], visited_on=visited_on, per_head=per_head,
                                     scope=scope, visitors=(visitors or "").strip()[:200], count=len(reached),
                                     total=total, standard=standard, recorded_by=by)
    if branches:
        batch.branches.set(branches)
    if groups:
        batch.groups.set(groups)
    now = timezone.now()
    CareVisit.objects.bulk_create(
        [CareVisit(member_id=pk, kind=kind, visited_on=visited_on, amount=per_head, visitors=batch.visitors,
                   standard=standard, batch=batch, recorded_by=by, created=now) for pk in reached],
        batch_size=2000)
    batch.ledger_entry = _book(by=by, standard=standard, amount=total, on=visited_on,
                               description=f"{title}（{CareKind(kind).label}，{len(reached)} 人，"
                                           f"每人 {per_head} 元）",
                               source_type=LedgerEntry.Source.CARE_BATCH, source_id=batch.pk)
    batch.save(update_fields=["ledger_entry"])
    audit_create(actor=by, target=batch, fields=["kind", "title", "visited_on", "per_head", "scope", "count",
                                                 "total"])
    return batch
