"""Subsidy programmes: apply, allocate within the pool, disburse into the school's books, report use."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.subsidies.models import Application, Programme
from shared.subsidies.selectors import COUNTED
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict
from tenants.models import School
from tenants.workflow import StateMachine
from tenants.text import cn_date

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


@transaction.atomic
def programme_create(*, by, **fields) -> Programme:
    fields["pool"] = money(fields.get("pool"), "pool")
    if fields["pool"] <= 0:
        raise ValidationError({"pool": "资金池必须大于 0。"})
    if fields["closes_at"] <= fields["opens_at"]:
        raise ValidationError({"closes_at": "申报截止必须晚于开始。"})
    programme = Programme.objects.create(**fields)
    audit_create(actor=by, target=programme, fields=["year", "title", "pool", "rule"])
    return programme


def allocated_total(programme: Programme) -> Decimal:
    return programme.applications.filter(status__in=COUNTED).aggregate(
        total=Sum("allocated_amount"))["total"] or Decimal("0.00")


def suggested_amount(application: Application) -> Decimal:
    programme = application.programme
    if programme.rule == Programme.Rule.BASE_PLUS_PER_MEMBER:
        return (programme.base_amount + programme.per_member_amount * application.member_count).quantize(CENT)
    return application.amount_requested


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
    """Allocate; the programme row is locked so concurrent approvals never exceed the pool."""
    programme = Programme.objects.select_for_update().get(pk=application.programme_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    amount = suggested_amount(application) if amount in (None, "") else money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": "核定金额必须大于 0。"})
    already = allocated_total(programme) - (application.allocated_amount or 0 if application.status == A.ALLOCATED
                                            else 0)
    if already + amount > programme.pool:
        raise Conflict(f"核定后合计 {already + amount} 元将超过资金池 {programme.pool} 元"
                       f"（剩余 {programme.pool - already} 元）。", field="amount")
    application.allocated_amount, application.decision_note = amount, note
    return _move(application, "allocate", by=by, reason=note or f"核定 {amount} 元",
                 fields=["allocated_amount", "decision_note"])


@transaction.atomic
def application_reject(*, application: Application, by, reason: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.decision_note = reason
    return _move(application, "reject", by=by, reason=reason, fields=["decision_note"])


def application_disburse(*, application: Application, by) -> Application:
    """Mark disbursed and have the school's books receive it as 上级补助收入 (a school task)."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("school").get(pk=application.pk)
        application.disbursed_at = timezone.now()
        _move(application, "disburse", by=by, reason=f"拨付 {application.allocated_amount} 元",
              fields=["disbursed_at"])
        schema = application.school.schema_name
        transaction.on_commit(lambda: _send_income_task(schema, application.pk))
    return application


def application_resend_income(*, application: Application, by) -> Application:
    """Send the school's income task again (it writes at most one entry, so this is always safe)."""
    if application.status not in (A.DISBURSED, A.REPORTED):
        raise Conflict(f"申请当前状态为“{application.get_status_display()}”，尚未拨付。")
    audit_record(actor=by, action="update", target=application, reason="重新发送入账任务")
    _send_income_task(application.school.schema_name, application.pk)
    return application


def _send_income_task(schema: str, application_id: int) -> None:
    from shared.subsidies.tasks import record_subsidy_income

    with schema_context(schema):
        record_subsidy_income.delay(application_id)


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


def overdue_reports(*, today=None):
    today = today or timezone.localdate()
    return Application.objects.filter(status=A.DISBURSED, programme__report_due_on__lt=today).select_related(
        "school", "programme")
