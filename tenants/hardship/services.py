"""Writes of the hardship register (困难教职工档案), and the one audited read of a case.

Every function checks that ``by`` may open hardship files (HARDSHIP_READERS); levels are the
union office's to manage. Refusals name the field in Chinese and leave nothing written.
"""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.accounts.roles import HARDSHIP_READERS, Role
from tenants.audit.services import (
    actor_name,
    audit_create,
    audit_sensitive_read,
    audit_update,
    field_values,
)
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.hardship.models import Cause, HardshipCase, HardshipLevel, HardshipReview, HouseholdMember
from tenants.members.models import Member
from tenants.text import ascii_int, text_problem
from tenants.workflow import StateMachine

CS = HardshipCase.Status
CASE_FLOW = (
    StateMachine.for_field("困难档案", HardshipCase)
    .add("close", label="脱困销档", sources={CS.ACTIVE}, target=CS.CLOSED, roles=HARDSHIP_READERS,
         reason_required=True)
    .add("reopen", label="重新纳入", sources={CS.CLOSED}, target=CS.ACTIVE, roles=HARDSHIP_READERS,
         reason_required=True)
)

#: a monthly income above this is not a typing slip we accept silently
MAX_MONTHLY_INCOME = Decimal("100000")
MAX_HOUSEHOLD = 20
#: what the audit of a read says was seen (never the values)
READ_FIELDS = ["level", "cause", "cause_detail", "household", "household_income", "reviews"]
CASE_AUDITED = ["member", "level", "cause", "registered_on", "next_review_on", "household_size"]
# Members who are gone from the union cannot be registered (retirees stay members).
DEPARTED = {Member.Status.TRANSFERRED, Member.Status.LEFT}


def one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _require_reader(by) -> None:
    if not (by is not None and getattr(by, "is_authenticated", False) and by.has_role(*HARDSHIP_READERS)):
        raise NotAllowed("困难教职工档案只对校工会管理员和帮扶专干开放。")


def _require_office(by) -> None:
    if not (by is not None and getattr(by, "is_authenticated", False) and by.has_role(Role.UNION_ADMIN)):
        raise NotAllowed("只有校工会管理员可以设置困难等级。")


def _day(value, *, field: str, label: str, default=None) -> datetime.date:
    if value in (None, ""):
        if default is None:
            raise ValidationError({field: f"请填写{label}。"})
        return default
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: f"{label}应为日期，如 2026-03-05。"})
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天。"})
    if value.year < 2000:
        raise ValidationError({field: f"{label}不能早于 2000 年。"})
    return value


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}。"})
    problem = text_problem(value, multiline=max_length > 100)
    if problem:
        raise ValidationError({field: f"{label}{problem}"})
    if len(value) > max_length:
        raise ValidationError({field: f"{label}最多 {max_length} 个字。"})
    return value


def household_clean(rows) -> list[dict]:
    """The household as typed (a list of {name, relation, age, occupation, monthly_income}),
    checked row by row; errors name the field ``household`` and the row."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ValidationError({"household": "请至少填写一名家庭成员（含本人）。"})
    if len(rows) > MAX_HOUSEHOLD:
        raise ValidationError({"household": f"家庭成员最多 {MAX_HOUSEHOLD} 人。"})
    cleaned = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationError({"household": f"第 {number} 位家庭成员的格式不对。"})
        where = f"第 {number} 位家庭成员"
        name = _text(row.get("name"), field="household", label=f"{where}的姓名", max_length=50)
        relation = _text(row.get("relation"), field="household", label=f"{where}与本人的关系", max_length=20)
        occupation = _text(row.get("occupation"), field="household", label=f"{where}的职业或状况",
                           max_length=60, required=False)
        age = row.get("age")
        if isinstance(age, str) and age.strip().isascii() and age.strip().isdigit():
            age = int(age.strip())
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120:
            raise ValidationError({"household": f"{where}的年龄应为 0 到 120 的整数。"})
        income = row.get("monthly_income")
        if income in (None, ""):
            raise ValidationError({"household": f"请填写{where}的月收入（没有收入填 0）。"})
        income = decimal_in_range(income, field="household", low=0, high=MAX_MONTHLY_INCOME,
                                  label=f"{where}的月收入（元）")
        cleaned.append({"name": name, "relation": relation, "age": age, "occupation": occupation,
                        "monthly_income": income})
    return cleaned


def household_figures(rows) -> tuple[int, Decimal, Decimal]:
    """(size, monthly total, per-capita monthly income) of a cleaned household."""
    total = sum((row["monthly_income"] for row in rows), Decimal("0.00"))
    size = len(rows)
    per_capita = (total / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if size else Decimal("0.00")
    return size, total, per_capita


def _level(level, *, field: str = "level") -> HardshipLevel:
    if not isinstance(level, HardshipLevel):
        pk = ascii_int(level, max_digits=18)
        level = HardshipLevel.objects.filter(pk=pk).first() if pk is not None else None
    if level is None:
        raise ValidationError({field: "没有这个困难等级。"})
    if not level.is_active:
        raise ValidationError({field: f"困难等级“{level.name}”已停用。"})
    return level


def _cause(cause) -> str:
    if cause not in Cause.values:
        raise ValidationError({"cause": "请选择致困原因。"})
    return cause


# --- levels -----------------------------------------------------------------------------------

@transaction.atomic
def level_create(*, by, name: str, sort_order: int | None = None) -> HardshipLevel:
    _require_office(by)
    name = _text(name, field="name", label="等级名称", max_length=30)
    if HardshipLevel.objects.filter(name=name).exists():
        raise Conflict(f"困难等级“{name}”已存在。", field="name")
    if sort_order is None:
        last = HardshipLevel.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
        sort_order = (last or 0) + 1
    level = HardshipLevel.objects.create(name=name, sort_order=sort_order)
    audit_create(actor=by, target=level, fields=["name", "sort_order", "is_active"])
    return level


@transaction.atomic
def level_update(*, by, level: HardshipLevel, name: str | None = None, sort_order: int | None = None,
                 is_active: bool | None = None) -> HardshipLevel:
    _require_office(by)
    level = HardshipLevel.objects.select_for_update().get(pk=level.pk)
    before = field_values(level, ["name", "sort_order", "is_active"])
    if name is not None:
        name = _text(name, field="name", label="等级名称", max_length=30)
        if HardshipLevel.objects.filter(name=name).exclude(pk=level.pk).exists():
            raise Conflict(f"困难等级“{name}”已存在。", field="name")
        level.name = name
    if sort_order is not None:
        level.sort_order = sort_order
    if is_active is not None:
        if not is_active and level.is_active and not HardshipLevel.objects.filter(is_active=True).exclude(
                pk=level.pk).exists():
            raise Conflict("至少要保留一个启用的困难等级。", field="is_active")
        level.is_active = is_active
    level.save(update_fields=["name", "sort_order", "is_active"])
    audit_update(actor=by, target=level, before=before)
    return level


# --- cases ------------------------------------------------------------------------------------

def _open_case_of(member_id: int, *, exclude_pk=None) -> bool:
    return HardshipCase.objects.filter(member_id=member_id, status=CS.ACTIVE).exclude(pk=exclude_pk).exists()


def _check_member_may_have_case(member: Member) -> Member:
    if member is None:
        raise ValidationError({"member": "没有这个会员。"})
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status in DEPARTED:
        raise ValidationError({"member": f"{member.name}已{member.get_status_display()}，不能建立困难档案。"})
    return member


def case_register(*, by, member: Member | None, level, cause: str, household, cause_detail: str = "",
                  registered_on=None) -> HardshipCase:
    """Open a case for ``member`` (one open case per member), with the household as typed."""
    _require_reader(by)
    try:
        with transaction.atomic():
            return _case_register(by=by, member=member, level=level, cause=cause, household=household,
                                  cause_detail=cause_detail, registered_on=registered_on)
    except IntegrityError:
        # two registrations at once: the partial unique index refused the second
        raise Conflict("该会员已有在册的困难档案，不能重复建档。", field="member")


def _case_register(*, by, member, level, cause, household, cause_detail, registered_on) -> HardshipCase:
    member = _check_member_may_have_case(member)
    if _open_case_of(member.pk):
        raise Conflict(f"{member.name}已有在册的困难档案，不能重复建档。", field="member")
    level = _level(level)
    cause = _cause(cause)
    cause_detail = _text(cause_detail, field="cause_detail", label="致困情况说明", max_length=2000,
                         required=cause == Cause.OTHER)
    registered_on = _day(registered_on, field="registered_on", label="建档日期", default=timezone.localdate())
    rows = household_clean(household)
    size, total, per_capita = household_figures(rows)
    case = HardshipCase.objects.create(
        member=member, level=level, cause=cause, cause_detail=cause_detail, registered_on=registered_on,
        next_review_on=one_year_after(registered_on), household_size=size, household_income=total,
        per_capita_income=per_capita, created_by=actor_name(by))
    HouseholdMember.objects.bulk_create([HouseholdMember(case=case, **row) for row in rows])
    audit_create(actor=by, target=case, fields=CASE_AUDITED)
    return case


def case_read(*, by, case_id) -> HardshipCase:
    """The whole case (household, reviews) for one reader; the read is audited in the same
    transaction. HardshipCase.DoesNotExist when there is no such case."""
    _require_reader(by)
    with transaction.atomic():
        case = (HardshipCase.objects.select_related("member", "member__branch", "level")
                .prefetch_related("household", "reviews__level_before", "reviews__level_after")
                .get(pk=case_id))
        audit_sensitive_read(actor=by, target=case, fields=READ_FIELDS)
    return case


@transaction.atomic
def case_review(*, by, case: HardshipCase, outcome: str, level=None, note: str = "",
                reviewed_on=None) -> HardshipReview:
    """Record the yearly review; keep/change move the next review date a year on, close closes."""
    _require_reader(by)
    case = HardshipCase.objects.select_for_update().select_related("level").get(pk=case.pk)
    if case.status != CS.ACTIVE:
        raise IllegalTransition(f"该档案当前状态为“{case.get_status_display()}”，不能复核；如需继续帮扶请先重新纳入。")
    if outcome not in HardshipReview.Outcome.values:
        raise ValidationError({"outcome": "请选择复核结论。"})
    reviewed_on = _day(reviewed_on, field="reviewed_on", label="复核日期", default=timezone.localdate())
    if reviewed_on < case.registered_on:
        raise ValidationError({"reviewed_on": "复核日期不能早于建档日期。"})
    note = _text(note, field="note", label="复核意见", max_length=2000, required=outcome == "close")
    level_before = case.level
    level_after = level_before
    if outcome == HardshipReview.Outcome.CHANGE:
        if level in (None, ""):
            raise ValidationError({"level": "调整等级时请选择新的困难等级。"})
        level_after = _level(level)
        if level_after.pk == level_before.pk:
            raise ValidationError({"level": f"新等级与原等级（{level_before.name}）相同；不调整请选“维持等级”。"})
    next_review = None if outcome == HardshipReview.Outcome.CLOSE else one_year_after(reviewed_on)
    review = HardshipReview.objects.create(
        case=case, reviewed_on=reviewed_on, reviewer=by, reviewer_name=actor_name(by), outcome=outcome,
        level_before=level_before, level_after=level_after, note=note, next_review_on=next_review)
    audit_create(actor=by, target=review, fields=["case", "reviewed_on", "outcome", "level_before", "level_after",
                                                  "next_review_on"])
    if outcome == HardshipReview.Outcome.CLOSE:
        _close(by=by, case=case, reason=note, closed_on=reviewed_on)
    else:
        before = field_values(case, ["level", "next_review_on"])
        case.level = level_after
        case.next_review_on = next_review
        case.save(update_fields=["level", "next_review_on"])
        audit_update(actor=by, target=case, before=before, reason="年度复核")
    return review


def _close(*, by, case: HardshipCase, reason: str, closed_on) -> HardshipCase:
    case.closed_on = closed_on
    CASE_FLOW.apply(case, "close", by=by, reason=reason, extra_update_fields=["closed_on"])
    return case


@transaction.atomic
def case_close(*, by, case: HardshipCase, reason: str, closed_on=None) -> HardshipCase:
    """脱困销档 with a reason (the same step as a review that closes)."""
    _require_reader(by)
    closed_on = _day(closed_on, field="closed_on", label="脱困日期", default=timezone.localdate())
    reason = _text(reason, field="reason", label="销档原因", max_length=2000, required=False)
    return _close(by=by, case=case, reason=reason, closed_on=closed_on)


@transaction.atomic
def case_reopen(*, by, case: HardshipCase, reason: str) -> HardshipCase:
    """重新纳入: a closed case is active again, its next review a year from today."""
    _require_reader(by)
    reason = _text(reason, field="reason", label="重新纳入的原因", max_length=2000, required=False)
    CASE_FLOW.check("reopen", state=HardshipCase.objects.values_list("status", flat=True).get(pk=case.pk),
                    user=by, reason=reason)
    member = _check_member_may_have_case(case.member)
    if _open_case_of(member.pk, exclude_pk=case.pk):
        raise Conflict(f"{member.name}已有另一份在册的困难档案，不能重新纳入。", field="member")
    case.closed_on = None
    case.next_review_on = one_year_after(timezone.localdate())
    CASE_FLOW.apply(case, "reopen", by=by, reason=reason, extra_update_fields=["closed_on", "next_review_on"])
    return case

