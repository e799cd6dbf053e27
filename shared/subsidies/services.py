"""Subsidy programmes: apply, allocate within the pool, disburse into the school's books, report use.

The allocation rule (`suggestion`): a programme allocates either 逐项核定 — the province decides
each amount, and the suggestion is what the school asked for — or 基数加按会员人数 — a base amount
plus an amount per active member, counted when the school applied. The province may allocate
another amount; whatever it allocates, the total allocated from a programme never exceeds its
pool (the programme row is locked while an allocation is checked and written).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from shared.subsidies.models import Application, Programme
from shared.subsidies.selectors import COUNTED
from shared.subsidies.selectors import overdue_reports as overdue_reports  # noqa: F401 (the API's name)
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict
from tenants.models import School
from tenants.outbox.services import outbox_enqueue, outbox_send_now
from tenants.text import cn_date, date_problem
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit
from tenants.workflow import StateMachine

A = Application.Status
APPLICATION_FLOW = (
    StateMachine.for_field("补助申请", Application)
    .add("allocate", label="核定", sources={A.SUBMITTED, A.ALLOCATED}, target=A.ALLOCATED,
         roles={Role.PROVINCE_ADMIN})
    .add("reject", label="不予补助", sources={A.SUBMITTED}, target=A.REJECTED, roles={Role.PROVINCE_ADMIN},
         reason_required=True)
    .add("disburse", label="拨付", sources={A.ALLOCATED}, target=A.DISBURSED, roles={Role.PROVINCE_ADMIN})
    .add("report", label="报告使用情况", sources={A.DISBURSED, A.REPORTED}, target=A.REPORTED,
         roles={Role.UNION_ADMIN})
)
CENT = Decimal("0.01")


def money(value, field: str) -> Decimal:
    return decimal_in_range(value, field=field, low=0, high=100_000_000, label="金额（元）")


# ---- programmes -----------------------------------------------------------------------------------

PROGRAMME_FIELDS = ("year", "title", "purpose", "pool", "opens_at", "closes_at", "rule", "base_amount",
                    "per_member_amount", "report_due_on")
#: what decides the suggested amounts: fixed once a school has been allocated money, so every
#: school of a programme is measured by the same rule
RULE_FIELDS = ("rule", "base_amount", "per_member_amount")


def _clean_programme(fields: dict, *, programme: Programme | None = None) -> dict:
    """Every rule of a programme's fields, all reasons at once, each naming its field."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)

    def amount(name, label, *, positive=False):
        value = fields.get(name)
        if value in (None, "") and not positive:
            return Decimal("0.00")
        try:
            number = decimal_in_range(value, field=name, low=0, high=100_000_000, label=label)
        except ValidationError as exc:
            errors[name] = exc.message_dict[name][0]
            return None
        if positive and number <= 0:
            errors[name] = f"{label}必须大于 0。"
        return number

    title = fields.get("title")
    cleaned["title"] = title.strip() if isinstance(title, str) else ""
    if not cleaned["title"]:
        errors["title"] = "名称不能为空。"
    elif len(cleaned["title"]) > 200:
        errors["title"] = "名称不能超过 200 个字。"
    cleaned["purpose"] = (fields.get("purpose") or "").strip()
    try:
        cleaned["year"] = int(fields.get("year"))
        if not 2000 <= cleaned["year"] <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = "年度应在 2000 到 2100 之间。"

    cleaned["pool"] = amount("pool", "资金池", positive=True)
    allocated = allocated_total(programme) if programme is not None else Decimal("0.00")
    if "pool" not in errors and cleaned["pool"] < allocated:
        errors["pool"] = f"资金池不能少于已核定的合计 {allocated} 元。"
    cleaned["base_amount"] = amount("base_amount", "基数")
    cleaned["per_member_amount"] = amount("per_member_amount", "每名会员金额")
    cleaned["rule"] = fields.get("rule") or Programme.Rule.MANUAL
    if cleaned["rule"] not in Programme.Rule.values:
        errors["rule"] = "请选择分配办法。"
    elif (cleaned["rule"] == Programme.Rule.BASE_PLUS_PER_MEMBER and "base_amount" not in errors
          and "per_member_amount" not in errors and not (cleaned["base_amount"] or cleaned["per_member_amount"])):
        errors["base_amount"] = "按“基数加按会员人数”分配时，基数和每名会员金额不能都为 0。"
    if allocated > 0:
        for name in RULE_FIELDS:
            if name not in errors and cleaned[name] != getattr(programme, name):
                errors[name] = "已有学校获得核定，分配办法和金额标准不能再修改。"

    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if not opens:
        errors["opens_at"] = "请填写申报开始时间。"
    if not closes:
        errors["closes_at"] = "请填写申报截止时间。"
    elif opens and closes <= opens:
        errors["closes_at"] = "申报截止必须晚于开始。"
    due = fields.get("report_due_on") or None
    cleaned["report_due_on"] = due
    for name in ("opens_at", "closes_at", "report_due_on"):
        problem = date_problem(fields.get(name))
        if problem and name not in errors:
            errors[name] = problem
    if due and closes and "closes_at" not in errors and "report_due_on" not in errors:
        if due <= timezone.localtime(closes).date():
            errors["report_due_on"] = f"使用情况报告截止应晚于申报截止（{cn_date(closes)}）。"
    if errors:
        raise ValidationError(errors)
    return {name: cleaned[name] for name in PROGRAMME_FIELDS}


def _known(fields: dict, function: str) -> None:
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"{function}() got unexpected fields {sorted(unknown)}")


@transaction.atomic
def programme_create(*, by, **fields) -> Programme:
    _known(fields, "programme_create")
    programme = Programme.objects.create(**_clean_programme(fields))
    audit_create(actor=by, target=programme, fields=["year", "title", "pool", "rule", "opens_at", "closes_at",
                                                     "report_due_on"])
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by, **fields) -> Programme:
    """Change a programme (fields not given stay as they are). The pool never goes below what is
    already allocated, and the rule is fixed once a school has been allocated money. The programme
    row is locked, as an allocation locks it, so the two never cross."""
    _known(fields, "programme_update")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    current = {name: getattr(programme, name) for name in PROGRAMME_FIELDS}
    cleaned = _clean_programme({**current, **fields}, programme=programme)
    changed = [name for name in PROGRAMME_FIELDS if cleaned[name] != current[name]]
    if changed:
        before = field_values(programme, PROGRAMME_FIELDS)
        for name in changed:
            setattr(programme, name, cleaned[name])
        programme.save(update_fields=changed)
        audit_update(actor=by, target=programme, before=before)
    return programme


def allocated_total(programme: Programme) -> Decimal:
    return programme.applications.filter(status__in=COUNTED).aggregate(
        total=Sum("allocated_amount"))["total"] or Decimal("0.00")


# ---- the rule -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    amount: Decimal
    basis: str   # how it was computed, in words a person checks by hand


def suggestion(application: Application) -> Suggestion:
    """The amount the programme's rule gives this application, and how."""
    programme = application.programme
    if programme.rule == Programme.Rule.BASE_PLUS_PER_MEMBER:
        amount = (programme.base_amount + programme.per_member_amount * application.member_count).quantize(CENT)
        return Suggestion(amount, f"基数 {programme.base_amount} 元 + 每名会员 {programme.per_member_amount} 元 × "
                                  f"{application.member_count} 名在会会员（申报时）= {amount} 元")
    return Suggestion(application.amount_requested, f"逐项核定：按申请金额 {application.amount_requested} 元")


def suggested_amount(application: Application) -> Decimal:
    return suggestion(application).amount


# ---- applications ---------------------------------------------------------------------------------

def _check_lines(lines) -> list[dict]:
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise ValidationError({"budget_lines": "预算明细应为 [{\"item\": …, \"amount\": …}] 列表。"})
    cleaned = []
    for index, line in enumerate(lines, start=1):
        item = str(line.get("item") or "").strip()
        if not item:
            raise ValidationError({"budget_lines": f"第 {index} 项缺少名称。"})
        cleaned.append({"item": item[:100], "amount": str(money(line.get("amount"), "budget_lines"))})
    return cleaned


@transaction.atomic
def application_submit(*, by, programme: Programme, school: School, project: str, amount_requested,
                       budget_lines=(), member_count: int = 0) -> Application:
    now = timezone.now()
    if not programme.opens_at <= now <= programme.closes_at:
        raise Conflict(f"“{programme.title}”的申报时间为 {cn_date(programme.opens_at)} 至 "
                       f"{cn_date(programme.closes_at)}，现在不能申报。")
    if not (project or "").strip():
        raise ValidationError({"project": "项目名称不能为空。"})
    amount = money(amount_requested, "amount_requested")
    if amount <= 0:
        raise ValidationError({"amount_requested": "申请金额必须大于 0。"})
    lines = _check_lines(list(budget_lines))
    if lines and sum(Decimal(line["amount"]) for line in lines) != amount:
        raise ValidationError({"budget_lines": "预算明细合计应等于申请金额。"})
    if Application.objects.filter(programme=programme, school=school).exists():
        raise Conflict("本校已申报过这个项目。")
    application = Application.objects.create(programme=programme, school=school, project=project.strip(),
                                             amount_requested=amount, budget_lines=lines,
                                             member_count=member_count, submitted_by=actor_name(by))
    audit_create(actor=by, target=application, fields=["programme", "school", "project", "amount_requested"])
    return application


def _move(application: Application, action: str, *, by, reason: str = "", fields=()) -> Application:
    APPLICATION_FLOW.apply(application, action, by=by, reason=reason, extra_update_fields=fields)
    return application


@transaction.atomic
def application_allocate(*, application: Application, by, amount=None, note: str = "") -> Application:
    """Allocate (or change an allocation); without an amount, the rule's suggestion.

    The programme row is locked first, so two allocations from one pool are checked one after
    the other against what the first committed: together they never exceed the pool."""
    programme = Programme.objects.select_for_update().get(pk=application.programme_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    APPLICATION_FLOW.check("allocate", state=application.status, user=by)
    amount = suggested_amount(application) if amount in (None, "") else money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": "核定金额必须大于 0。"})
    own = (application.allocated_amount or Decimal("0.00")) if application.status == A.ALLOCATED else Decimal("0.00")
    already = allocated_total(programme) - own
    left = programme.pool - already
    if amount > left:
        raise Conflict(f"核定金额 {amount} 元超过资金池的剩余额度：资金池 {programme.pool} 元，"
                       f"其他学校已核定 {already} 元，剩余 {left} 元。", field="amount")
    application.allocated_amount, application.decision_note = amount, (note or "").strip()
    return _move(application, "allocate", by=by, reason=application.decision_note or f"核定 {amount} 元",
                 fields=["allocated_amount", "decision_note"])


@transaction.atomic
def application_reject(*, application: Application, by, reason: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.decision_note = (reason or "").strip()
    return _move(application, "reject", by=by, reason=application.decision_note, fields=["decision_note"])


def application_disburse(*, application: Application, by) -> Application:
    """Mark disbursed and have the school's books receive it as 上级补助收入: once this commits, a
    task runs in the school's own schema (shared.subsidies.tasks.record_subsidy_income), writes the
    approved entry through the school's ledger service and leaves its receipt on the application.
    The task is written to the outbox in this transaction: a broker that is away delays it, never
    loses it (tenants/outbox)."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("school").get(pk=application.pk)
        application.disbursed_at = timezone.now()
        _move(application, "disburse", by=by, reason=f"拨付 {application.allocated_amount} 元",
              fields=["disbursed_at"])
        schema = application.school.schema_name
        emit("subsidy.disbursed", webhook_events.subsidy_data(application), school=application.school)
        outbox_enqueue(task=INCOME_TASK, args=[application.pk], key=income_key(application.pk), schema=schema,
                       rearm=True)  # disbursed again (after a restore rewound it): the income is due again
    return application


def application_resend_income(*, application: Application, by) -> Application:
    """Send the school's income task again (it writes at most one entry, so this is always safe).
    The outbox's relay already retries until the task is done; this is for an operator who will not
    wait, and for applications disbursed before the outbox existed."""
    if application.status not in (A.DISBURSED, A.REPORTED):
        raise Conflict(f"申请当前状态为“{application.get_status_display()}”，尚未拨付。")
    audit_record(actor=by, action="update", target=application, reason="重新发送入账任务")
    outbox_send_now(task=INCOME_TASK, args=[application.pk], key=income_key(application.pk),
                    schema=application.school.schema_name)
    return application


INCOME_TASK = "shared.subsidies.tasks.record_subsidy_income"


def income_key(application_id: int) -> str:
    """The outbox key of an application's income entry: one per application, ever."""
    return f"subsidy-income:{application_id}"


def application_income_recorded(*, application_id: int, entry_id: int) -> Application:
    """The school's receipt (written by its income task, in its schema): the entry is in its books.
    The first receipt stays; a task that runs again changes nothing — unless the entry is another
    one (the school was restored from a backup without it and the task wrote it again): then the
    receipt names the entry that is in the books now."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.income_recorded_at is None or application.income_entry_id != entry_id:
            before = application.income_entry_id
            application.income_recorded_at, application.income_entry_id = timezone.now(), entry_id
            application.save(update_fields=["income_recorded_at", "income_entry_id"])
            audit_record(actor=None, action="update", target=application,
                         changes={"income_entry_id": [before, entry_id]},
                         reason=f"学校已入账：上级补助收入 {application.allocated_amount} 元")
    return application


@transaction.atomic
def application_report(*, application: Application, by, report_text: str, amount_used) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not (report_text or "").strip():
        raise ValidationError({"report_text": "请填写使用情况。"})
    used = money(amount_used, "amount_used")
    if application.allocated_amount is not None and used > application.allocated_amount:
        raise ValidationError({"amount_used": f"已使用金额不能超过核定金额 {application.allocated_amount} 元。"})
    application.report_text, application.amount_used, application.reported_at = (
        report_text.strip(), used, timezone.now())
    return _move(application, "report", by=by, fields=["report_text", "amount_used", "reported_at"])
