"""疗休养: the rules the school sets, batches, applications (a member for themselves, a branch chair
for their branch, the office for anyone), the ranked selection with the office's final word,
confirmations and replacements, and the union's cost written into the books when a batch travels.

Places are never exceeded: every step that gives a place locks the batch row first.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.accounts.roles import SCHOOL_ROLES, Role
from tenants.audit.services import actor_name, audit_create, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import ExpenseCategory, LedgerEntry
from tenants.finance.services import MAX_ENTRY_AMOUNT, check_year_open, ledger_entry_record
from tenants.members.models import Member
from tenants.text import cn_date
from tenants.trips import selectors as q
from tenants.trips.models import TripApplication, TripBatch, TripRules
from tenants.workflow import StateMachine

TRIP_OFFICE = q.TRIP_OFFICE
#: who may enter an application for someone else (for their own branch) besides the office
APPLICANTS_FOR_OTHERS = TRIP_OFFICE | {Role.BRANCH_CHAIR}
#: a member's own steps (apply, confirm, decline, withdraw) are open to any school account holding a
#: member file; the service checks the file is theirs
ANY_SCHOOL_ROLE = SCHOOL_ROLES
MAX_PLACES = 1000
MAX_COST = Decimal("100000")
RULE_LIMITS = {"min_service_years": (0, 50, "最低工龄"), "rotation_years": (0, 20, "轮换年限"),
               "award_years": (1, 10, "获评先进的年限")}
RULE_FIELDS = ["min_service_years", "rotation_years", "prefer_front_line", "prefer_model_workers",
               "prefer_award_winners", "award_years"]

B = TripBatch.Status
BATCH_FLOW = (
    StateMachine.for_field("疗休养批次", TripBatch)
    .add("close_applications", label="截止报名，开始遴选", sources={B.OPEN}, target=B.SELECTING, roles=TRIP_OFFICE)
    .add("confirm", label="确定名单", sources={B.SELECTING}, target=B.CONFIRMED, roles=TRIP_OFFICE)
    .add("travel", label="登记已出行", sources={B.CONFIRMED}, target=B.TRAVELLED, roles=TRIP_OFFICE)
    .add("cancel", label="取消批次", sources={B.OPEN, B.SELECTING, B.CONFIRMED}, target=B.CANCELLED,
         roles=TRIP_OFFICE, reason_required=True)
)

A = TripApplication.Status
APPLICATION_FLOW = (
    StateMachine.for_field("疗休养申请", TripApplication)
    .add("select", label="入选", sources={A.APPLIED, A.NOT_SELECTED}, target=A.SELECTED, roles=TRIP_OFFICE,
         reason_required=True)
    .add("deselect", label="取消入选", sources={A.SELECTED, A.CONFIRMED}, target=A.NOT_SELECTED, roles=TRIP_OFFICE,
         reason_required=True)
    .add("confirm", label="确认参加", sources={A.SELECTED}, target=A.CONFIRMED, roles=ANY_SCHOOL_ROLE)
    .add("decline", label="放弃名额", sources={A.SELECTED, A.CONFIRMED}, target=A.DECLINED, roles=ANY_SCHOOL_ROLE)
    .add("withdraw", label="撤回申请", sources={A.APPLIED}, target=A.WITHDRAWN, roles=ANY_SCHOOL_ROLE)
    .add("reapply", label="重新申请", sources={A.WITHDRAWN}, target=A.APPLIED, roles=ANY_SCHOOL_ROLE)
    .add("replace", label="替补递补", sources={A.APPLIED}, target=A.SELECTED, roles=TRIP_OFFICE, system=True,
         reason_required=True)
    .add("close", label="未入选", sources={A.APPLIED}, target=A.NOT_SELECTED, roles=TRIP_OFFICE)
)


def _office(by) -> bool:
    return bool(by and by.has_role(*TRIP_OFFICE))


def _require_office(by, what: str):
    if not _office(by):
        raise NotAllowed(f"只有校工会管理员可以{what}。")


def _notify(members, message: str, batch: TripBatch):
    from tenants.accounts.services import notify

    users = [m.user for m in members if m.user_id and m.user.is_active]
    if users:
        notify(users=users, message=message, link=f"/trips/{batch.pk}/")


def _locked(batch: TripBatch) -> TripBatch:
    return TripBatch.objects.select_for_update().get(pk=batch.pk)


def _lock_members(member_ids):
    """Lock the members' rows (after the batch row, in id order) so that two batches giving places
    at the same time cannot both give one to the same member inside a rotation period."""
    list(Member.objects.select_for_update().filter(pk__in=list(member_ids)).order_by("pk").values_list("pk"))


# --- rules ----------------------------------------------------------------------------------------

@transaction.atomic
def rules_update(*, by, **values) -> TripRules:
    """Change the school's rules (audited: who changed what, when). Rankings follow the rules in force."""
    _require_office(by, "修改疗休养规则")
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError({key: "该字段不能修改。" for key in unknown})
    errors, cleaned = {}, {}
    for name, (low, high, label) in RULE_LIMITS.items():
        if name in values:
            try:
                cleaned[name] = int(decimal_in_range(values[name], field=name, low=low, high=high, places="1",
                                                     label=label))
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    for flag in ("prefer_front_line", "prefer_model_workers", "prefer_award_winners"):
        if flag in values:
            cleaned[flag] = bool(values[flag])
    rules = TripRules.objects.select_for_update().get(pk=q.trip_rules().pk)
    before = field_values(rules, RULE_FIELDS)
    for key, value in cleaned.items():
        setattr(rules, key, value)
    rules.updated_by, rules.updated = actor_name(by), timezone.now()
    rules.save(update_fields=[*cleaned, "updated_by", "updated"])
    audit_update(actor=by, target=rules, before=before)
    return rules


# --- batches --------------------------------------------------------------------------------------

@transaction.atomic
def batch_create(*, by, title: str, destination: str, starts_on, ends_on, places, cost_per_person,
                 applications_open_on, applications_close_on, note: str = "") -> TripBatch:
    _require_office(by, "创建疗休养批次")
    errors = {}
    title, destination = (title or "").strip(), (destination or "").strip()
    if not title:
        errors["title"] = "请填写批次名称（如 2026年暑期第一批）。"
    if not destination:
        errors["destination"] = "请填写目的地。"
    dates = {"starts_on": ("出发日期", starts_on), "ends_on": ("返回日期", ends_on),
             "applications_open_on": ("报名开始日期", applications_open_on),
             "applications_close_on": ("报名截止日期", applications_close_on)}
    for name, (label, value) in dates.items():
        if not isinstance(value, datetime.date):
            errors[name] = f"请填写{label}。"
    if not errors.keys() & dates.keys():
        if ends_on < starts_on:
            errors["ends_on"] = "返回日期不能早于出发日期。"
        if applications_close_on < applications_open_on:
            errors["applications_close_on"] = "报名截止日期不能早于报名开始日期。"
        elif applications_close_on > starts_on:
            errors["applications_close_on"] = "报名截止日期不能晚于出发日期。"
    try:
        places = int(decimal_in_range(places, field="places", low=1, high=MAX_PLACES, places="1", label="名额"))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        cost_per_person = decimal_in_range(cost_per_person, field="cost_per_person", low="0", high=MAX_COST,
                                           label="人均费用")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    batch = TripBatch.objects.create(
        title=title[:100], destination=destination[:100], starts_on=starts_on, ends_on=ends_on, places=places,
        cost_per_person=cost_per_person, applications_open_on=applications_open_on,
        applications_close_on=applications_close_on, note=(note or "").strip()[:500], created_by=by)
    audit_create(actor=by, target=batch, fields=["title", "destination", "starts_on", "ends_on", "places",
                                                 "cost_per_person", "applications_open_on",
                                                 "applications_close_on"])
    return batch


@transaction.atomic
def batch_set_places(*, by, batch: TripBatch, places) -> TripBatch:
    """More or fewer places (never fewer than the people already holding one)."""
    _require_office(by, "修改名额")
    batch = _locked(batch)
    if batch.status not in (B.OPEN, B.SELECTING):
        raise Conflict(f"批次已{batch.get_status_display()}，不能再修改名额。", field="places")
    places = int(decimal_in_range(places, field="places", low=1, high=MAX_PLACES, places="1", label="名额"))
    holding = q.holding_count(batch)
    if places < holding:
        raise ValidationError({"places": f"已有 {holding} 人入选，名额不能少于 {holding}。"})
    before = field_values(batch, ["places"])
    batch.places = places
    batch.save(update_fields=["places"])
    audit_update(actor=by, target=batch, before=before)
    return batch


@transaction.atomic
def batch_close_applications(*, by, batch: TripBatch) -> TripBatch:
    BATCH_FLOW.apply(batch, "close_applications", by=by)
    return batch


@transaction.atomic
def batch_confirm(*, by, batch: TripBatch) -> TripBatch:
    """The list is final: every place given is confirmed (or handed back). Those still waiting stay
    as replacements until the batch travels."""
    batch = _locked(batch)
    BATCH_FLOW.check("confirm", state=batch.status, user=by)
    pending = batch.applications.filter(status=A.SELECTED).count()
    if pending:
        raise Conflict(f"还有 {pending} 名入选者未确认参加，请等待确认或由校工会代为确认、放弃后再确定名单。")
    going = list(batch.applications.filter(status=A.CONFIRMED).select_related("member__user"))
    if not going:
        raise Conflict("还没有确认参加的人员，不能确定名单。")
    rules = q.trip_rules()
    held = q.places_held([a.member_id for a in going], batch=batch, rules=rules)
    if held:
        names = "、".join(a.member.name for a in going if a.member_id in held)
        raise Conflict(f"{names}在轮换年限内的另一批次也占有名额（规则：轮换年限 {rules.rotation_years} 年），"
                       f"请先取消其中一个名额再确定名单。")
    BATCH_FLOW.apply(batch, "confirm", by=by)
    _notify([a.member for a in going], f"【疗休养】{batch.title}（{batch.destination}）名单已确定，"
                                       f"{cn_date(batch.starts_on)}出发。", batch)
    return batch


@transaction.atomic
def batch_travel(*, by, batch: TripBatch) -> TripBatch:
    """The batch went: the union's cost (人均费用 × 参加人数) goes into the books (职工活动支出,
    待审批) in the same transaction; applications still waiting become 未入选."""
    batch = _locked(batch)
    BATCH_FLOW.check("travel", state=batch.status, user=by)
    if batch.starts_on > timezone.localdate():
        raise ValidationError({"starts_on": f"出发日期（{cn_date(batch.starts_on)}）未到，不能登记已出行。"})
    pending = batch.applications.filter(status=A.SELECTED).count()
    if pending:
        raise Conflict(f"还有 {pending} 名入选者未确认参加，请先确认或放弃。")
    count = batch.applications.filter(status=A.CONFIRMED).count()
    total = batch.cost_per_person * count
    fields = []
    if total > 0:
        if total > MAX_ENTRY_AMOUNT:
            raise ValidationError({"cost_per_person": "合计费用超出一笔账目的上限。"})
        check_year_open(batch.starts_on.year, field="starts_on")
        batch.ledger_entry = ledger_entry_record(
            by=by, kind="expense", category=ExpenseCategory.ACTIVITIES, amount=total, occurred_on=batch.starts_on,
            description=f"疗休养：{batch.title}（{batch.destination}，{count} 人，每人 {batch.cost_per_person} 元）",
            source_type=LedgerEntry.Source.TRIP, source_id=batch.pk)
        fields.append("ledger_entry")
    BATCH_FLOW.apply(batch, "travel", by=by, extra_update_fields=fields)
    for application in batch.applications.filter(status=A.APPLIED):
        APPLICATION_FLOW.apply(application, "close", by=by, reason="批次已出行，未入选")
    return batch


@transaction.atomic
def batch_cancel(*, by, batch: TripBatch, reason: str = "") -> TripBatch:
    batch = _locked(batch)
    BATCH_FLOW.apply(batch, "cancel", by=by, reason=reason)
    told = [a.member for a in batch.applications.filter(status__in=q.HOLDING).select_related("member__user")]
    _notify(told, f"【疗休养】{batch.title}已取消：{reason.strip()[:100]}", batch)
    return batch


# --- applications ---------------------------------------------------------------------------------

def _may_act_for(by, member: Member, *, chair_too: bool = True) -> bool:
    if _office(by):
        return True
    if member.user_id is not None and member.user_id == by.pk:
        return True
    return chair_too and by.has_role(Role.BRANCH_CHAIR) and member.branch.chair_id == by.pk


@transaction.atomic
def application_submit(*, by, batch: TripBatch, member: Member | None, note: str = "") -> TripApplication:
    """Apply for ``member``: a member for themselves within the application window; a branch chair
    for a member of their branch, or the office for anyone, while the batch takes applications.
    Ineligible: 400 naming the rule; applied already: 409."""
    if member is None:
        raise ValidationError({"member": "请选择会员。"})
    if not (by and _may_act_for(by, member)):
        raise NotAllowed("只能为自己申请；分工会主席可为本分工会会员登记，校工会可为任何会员登记。")
    batch = _locked(batch)
    if batch.status != B.OPEN:
        raise Conflict(f"批次“{batch.title}”{batch.get_status_display()}，不再接受申请。", field="batch")
    today = timezone.localdate()
    if not _office(by) and not (batch.applications_open_on <= today <= batch.applications_close_on):
        raise ValidationError({"batch": f"报名时间为 {cn_date(batch.applications_open_on)}至"
                                        f"{cn_date(batch.applications_close_on)}，现在不在报名时间内。"})
    _lock_members([member.pk])
    existing = TripApplication.objects.select_for_update().filter(batch=batch, member=member).first()
    if existing is not None and existing.status != A.WITHDRAWN:
        raise Conflict(f"{member.name}已申请过这一批次（{existing.get_status_display()}）。", field="member")
    problems = q.member_problems(member, batch)
    if problems:
        raise ValidationError({"member": f"{member.name}不符合疗休养条件：" + "；".join(problems) + "。"})
    if existing is not None:
        existing.note, existing.applied_by, existing.applied_at = (note or "").strip()[:300], by, timezone.now()
        APPLICATION_FLOW.apply(existing, "reapply", by=by, extra_update_fields=["note", "applied_by", "applied_at"])
        return existing
    application = TripApplication.objects.create(batch=batch, member=member, note=(note or "").strip()[:300],
                                                 applied_by=by)
    audit_create(actor=by, target=application, fields=["batch", "member", "note"])
    return application


def _application(application: TripApplication) -> TripApplication:
    return TripApplication.objects.select_related("batch", "member", "member__branch", "member__user").get(
        pk=application.pk)


def _give_place(*, by, batch: TripBatch, application: TripApplication, reason: str, replacement: bool = False):
    """Select one application, the batch row already locked by the caller: refuses beyond the places."""
    if q.holding_count(batch) >= batch.places:
        raise Conflict(f"名额已满（{batch.places} 个），请先取消他人入选或增加名额。")
    application.offered_at, application.is_replacement = timezone.now(), replacement
    application.decision_reason = reason[:300]
    # a replacement is the platform's own step (recorded as 系统), whoever declined
    APPLICATION_FLOW.apply(application, "replace" if replacement else "select", by=None if replacement else by,
                           reason=reason,
                           extra_update_fields=["offered_at", "is_replacement", "decision_reason"])
    _notify([application.member], f"【疗休养】您已入选“{batch.title}”（{batch.destination}，"
                                  f"{cn_date(batch.starts_on)}出发）" + ("，为替补递补" if replacement else "")
            + "，请在“我的”中确认参加或放弃。", batch)


@transaction.atomic
def selection_fill(*, by, batch: TripBatch) -> list[TripApplication]:
    """Give the free places to the next eligible applicants in the ranking (the office's first draft;
    it may then select or deselect anyone with a reason)."""
    _require_office(by, "按规则遴选")
    batch = _locked(batch)
    if batch.status != B.SELECTING:
        raise Conflict(f"批次{batch.get_status_display()}，请先截止报名再遴选。")
    free = batch.places - q.holding_count(batch)
    _lock_members(batch.applications.filter(status=A.APPLIED).values_list("member_id", flat=True))
    chosen = []
    for row in q.ranking(batch):
        if free <= 0:
            break
        if row.eligible and row.application.status == A.APPLIED:
            _give_place(by=by, batch=batch, application=row.application,
                        reason=f"按规则排序第 {row.rank} 名（{row.explanation}）")
            chosen.append(row.application)
            free -= 1
    return chosen


@transaction.atomic
def application_select(*, by, application: TripApplication, reason: str = "") -> TripApplication:
    """The office's final word: give a place to this applicant, with the reason recorded."""
    _require_office(by, "决定入选")
    application = _application(application)
    batch = _locked(application.batch)
    if batch.status not in (B.SELECTING, B.CONFIRMED):
        raise Conflict(f"批次{batch.get_status_display()}，不能调整入选名单。")
    APPLICATION_FLOW.check("select", state=application.status, user=by, reason=reason)
    _lock_members([application.member_id])
    problems = q.member_problems(application.member, batch)
    if problems:
        raise ValidationError({"reason": "不符合疗休养条件：" + "；".join(problems) + "。"})
    _give_place(by=by, batch=batch, application=application, reason=f"校工会决定：{reason.strip()}")
    return application


@transaction.atomic
def application_deselect(*, by, application: TripApplication, reason: str = "") -> TripApplication:
    """The office takes a place back, with the reason recorded (the place is free for the next)."""
    _require_office(by, "取消入选")
    application = _application(application)
    batch = _locked(application.batch)
    if batch.status not in (B.SELECTING, B.CONFIRMED):
        raise Conflict(f"批次{batch.get_status_display()}，不能调整入选名单。")
    application.decision_reason = f"校工会取消入选：{(reason or '').strip()}"[:300]
    APPLICATION_FLOW.apply(application, "deselect", by=by, reason=reason, extra_update_fields=["decision_reason"])
    _notify([application.member], f"【疗休养】您在“{batch.title}”的入选已被校工会取消：{reason.strip()[:100]}", batch)
    return application


@transaction.atomic
def application_confirm(*, by, application: TripApplication) -> TripApplication:
    """The selected member confirms (or the office on their behalf)."""
    application = _application(application)
    if not (by and _may_act_for(by, application.member, chair_too=False)):
        raise NotAllowed("只有本人或校工会可以确认参加。")
    batch = _locked(application.batch)
    if batch.status not in (B.SELECTING, B.CONFIRMED):
        raise Conflict(f"批次{batch.get_status_display()}，不能再确认。")
    _lock_members([application.member_id])
    rules = q.trip_rules()
    held = q.places_held([application.member_id], batch=batch, rules=rules).get(application.member_id)
    if held is not None:
        raise Conflict(f"{application.member.name}不能确认参加：{q.held_place_problem(held, rules)}。"
                       f"请先放弃另一批次的名额。")
    reason = "" if application.member.user_id == by.pk else "校工会代为确认"
    APPLICATION_FLOW.apply(application, "confirm", by=by, reason=reason)
    return application


@transaction.atomic
def application_decline(*, by, application: TripApplication, reason: str = "") -> TripApplication:
    """The member hands their place back (or the office on their behalf): the next eligible applicant
    in the ranking is offered it and told."""
    application = _application(application)
    if not (by and _may_act_for(by, application.member, chair_too=False)):
        raise NotAllowed("只有本人或校工会可以放弃名额。")
    batch = _locked(application.batch)
    if batch.status not in (B.SELECTING, B.CONFIRMED):
        raise Conflict(f"批次{batch.get_status_display()}，不能再放弃。")
    APPLICATION_FLOW.apply(application, "decline", by=by, reason=(reason or "").strip()[:300])
    _lock_members(batch.applications.filter(status=A.APPLIED).values_list("member_id", flat=True))
    following = q.next_in_line(batch)  # skips anyone holding a place elsewhere in the rotation period
    if following is not None:
        _give_place(by=None, batch=batch, application=following.application, replacement=True,
                    reason=f"替补：{application.member.name}放弃，按规则排序第 {following.rank} 名递补"
                           f"（{following.explanation}）")
    return application


@transaction.atomic
def application_withdraw(*, by, application: TripApplication) -> TripApplication:
    application = _application(application)
    if not (by and _may_act_for(by, application.member)):
        raise NotAllowed("只能撤回自己的申请（分工会主席可撤回为本分工会会员登记的申请）。")
    batch = _locked(application.batch)
    if batch.status not in (B.OPEN, B.SELECTING):
        raise Conflict(f"批次{batch.get_status_display()}，不能再撤回。")
    APPLICATION_FLOW.apply(application, "withdraw", by=by)
    return application
