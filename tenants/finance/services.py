"""The school's books: entries count only once approved, by someone other than who recorded them."""
import zlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tenants.accounts.roles import FINANCE_APPROVERS, Role
from tenants.audit.services import actor_name, audit_create, audit_delete, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import (
    CATEGORIES_OF_KIND,
    Budget,
    ClosedYear,
    ExpenseCategory,
    IncomeCategory,
    LedgerEntry,
)
from tenants.workflow import StateMachine

#: the largest single entry the books take: more is a typing error, not a union's expense
MAX_ENTRY_AMOUNT = Decimal("99999999.99")
#: who records entries by hand
RECORDERS = frozenset({Role.UNION_ADMIN, Role.TREASURER})
#: who sets the year's budget (编制预算): the union office and its treasurer
BUDGETERS = frozenset({Role.UNION_ADMIN, Role.TREASURER})
#: who closes a year (年终结账)
CLOSERS = frozenset({Role.UNION_ADMIN})
#: the largest budget line
MAX_BUDGET_AMOUNT = Decimal("999999999.99")
#: the years a budget may be set for (a typing error beyond them)
BUDGET_YEARS = (2000, 2100)
ENTRY_FIELDS = ["kind", "category", "amount", "occurred_on", "description"]

L = LedgerEntry.Status
LEDGER_FLOW = (
    StateMachine.for_field("收支记录", LedgerEntry)
    .add("approve", label="审批通过", sources={L.PENDING}, target=L.APPROVED, roles=FINANCE_APPROVERS)
    .add("reject", label="退回", sources={L.PENDING}, target=L.REJECTED, roles=FINANCE_APPROVERS,
         reason_required=True)
    # Money the platform itself moved (a provincial subsidy) is booked as approved at once: the
    # approval already happened at the province, and no person of the school recorded it.
    .add("platform_approve", label="平台入账", sources={L.PENDING}, target=L.APPROVED, system=True)
    # A sent-back entry, corrected (or not) by its recorder, goes back to the approvers.
    .add("resubmit", label="重新提交", sources={L.REJECTED}, target=L.PENDING, roles=RECORDERS)
)


def _year_lock(year: int, *, shared: bool) -> None:
    """A transaction-scoped advisory lock on this school's year: every write into a year holds it
    shared, the year-end close exclusively — so a close waits for entries being recorded or budgets
    being set in that year to commit (and then counts their pending entries), and a write that
    starts after the close sees the year closed."""
    school = zlib.crc32(connection.schema_name.encode()) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock{'_shared' if shared else ''}(%s, %s)", [school, int(year)])


def check_year_open(year: int, *, field: str = "occurred_on") -> None:
    """Refuse any write into a closed year (年终结账 froze it). Call it inside the writing transaction."""
    _year_lock(year, shared=True)
    if ClosedYear.objects.filter(year=year).exists():
        raise Conflict(f"{year} 年度已结账，不能再记账、修改或审批。", field=field)


def _cleaned_entry(*, kind, category, amount, occurred_on, description) -> tuple[Decimal, str]:
    """The amount and description as stored, or every field's refusal at once (nothing written)."""
    errors = {}
    if kind not in CATEGORIES_OF_KIND:
        errors["kind"] = "收支类型应为“收入”或“支出”。"
    elif category not in CATEGORIES_OF_KIND[kind]:
        errors["category"] = f"科目与收支类型不符：{LedgerEntry.Kind(kind).label}没有这个科目。"
    if not (description or "").strip():
        errors["description"] = "请填写摘要。"
    elif len(description.strip()) > 300:
        errors["description"] = "摘要最多 300 字。"
    if occurred_on is None:
        errors["occurred_on"] = "请填写日期。"
    try:
        amount = decimal_in_range(amount, field="amount", low="0.01", high=MAX_ENTRY_AMOUNT, label="金额")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return amount, description.strip()[:300]


def _has_role(user, roles) -> bool:
    return user is not None and bool(set(getattr(user, "roles", ())) & roles)


def ledger_entry_record(*, by, kind: str, category: str, amount, occurred_on, description: str,
                        source_type: str = LedgerEntry.Source.MANUAL, source_id: int | None = None,
                        source_ref: str | None = None) -> LedgerEntry:
    """Record an entry awaiting approval (待审批). Care visits, mutual-aid fees and claims call this
    inside their own transaction, so a refused entry leaves their record unwritten too.

    Who may call it is the caller's rule (a treasurer by hand, the care office for a visit); the
    person recorded as 记账人 is ``by`` and can never approve it."""
    amount, description = _cleaned_entry(kind=kind, category=category, amount=amount, occurred_on=occurred_on,
                                          description=description)
    with transaction.atomic():
        check_year_open(occurred_on.year)
        entry = LedgerEntry.objects.create(
            kind=kind, category=category, amount=amount, occurred_on=occurred_on,
            description=description, source_type=source_type, source_id=source_id,
            source_ref=source_ref, recorded_by=actor_name(by))
        audit_create(actor=by, target=entry, fields=["kind", "category", "amount", "occurred_on", "description",
                                                     "source_type", "source_id"])
    return entry


def ledger_record_platform_entry(*, source_ref: str, kind: str, category: str, amount: Decimal, occurred_on,
                                 description: str, source_type: str = LedgerEntry.Source.SUBSIDY,
                                 source_id: int | None = None) -> tuple[LedgerEntry, bool]:
    """An approved entry written by the platform itself (e.g. a provincial subsidy); idempotent on
    ``source_ref``: returns (entry, created)."""
    existing = LedgerEntry.objects.filter(source_ref=source_ref).first()
    if existing:
        return existing, False
    if ClosedYear.objects.filter(year=occurred_on.year).exists():
        # money that arrives after its year was closed is booked when it arrives, never into the
        # frozen year; the description says which year it belonged to
        description = f"{description}（属 {occurred_on.year} 年度，该年度已结账，记入到账当日）"
        occurred_on = timezone.localdate()
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                kind=kind, category=category, amount=Decimal(amount).quantize(Decimal("0.01")),
                occurred_on=occurred_on, description=description[:300], source_ref=source_ref,
                source_type=source_type, source_id=source_id, recorded_by=actor_name(None))
            audit_create(actor=None, target=entry, fields=["kind", "category", "amount", "source_ref"])
            LEDGER_FLOW.apply(entry, "platform_approve", by=None, reason=description[:300])
            return entry, True
    except IntegrityError:  # the same entry written at the same moment by another worker
        return LedgerEntry.objects.get(source_ref=source_ref), False


def entry_version(entry: LedgerEntry) -> str:
    """What an approver saw of an entry, in a few characters: it changes whenever the recorder
    corrects any figure of it, so an approval of what was seen never approves something else."""
    seen = f"{entry.kind}|{entry.category}|{entry.amount}|{entry.occurred_on}|{entry.description}"
    return format(zlib.crc32(seen.encode()), "08x")


@transaction.atomic
def ledger_entry_decide(*, entry: LedgerEntry, by, approve: bool, reason: str = "",
                        seen_version: str | None = None) -> LedgerEntry:
    """Approve or send back an entry; the person who recorded it never approves it (four eyes).
    With ``seen_version`` (entry_version of what the approver was shown), an entry corrected since
    is refused (409) instead of approved unseen."""
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    action = "approve" if approve else "reject"
    LEDGER_FLOW.check(action, state=entry.status, user=by, reason=reason)
    check_year_open(entry.occurred_on.year)
    if entry.recorded_by == actor_name(by):
        raise NotAllowed("记账人不能审批自己记录的收支，请由其他审批人办理。")
    if seen_version and seen_version != entry_version(entry):
        raise Conflict(f"这笔收支在您查看之后已被记账人修改（现为 ¥{entry.amount:,.2f}），请重新核对后再审批。")
    LEDGER_FLOW.apply(entry, action, by=by, reason=reason)
    return entry


# --- the books by hand: the treasurer records, corrects and resubmits ------------------------------

def ledger_entry_record_manual(*, by, kind: str, category: str, amount, occurred_on,
                               description: str) -> LedgerEntry:
    """An entry typed in by the treasurer (or the union office): awaiting approval by someone else."""
    if not _has_role(by, RECORDERS):
        raise NotAllowed("只有财务记账员或校工会管理员可以记账。")
    return ledger_entry_record(by=by, kind=kind, category=category, amount=amount, occurred_on=occurred_on,
                               description=description)


def _locked_for_change(entry: LedgerEntry, by, *, resubmitting: bool = False) -> LedgerEntry:
    """The entry, locked, if ``by`` may still change it; otherwise the reason why not.

    An entry another area wrote (a care visit, a claim's payout) keeps its figures, which its own
    record holds; sent back (say, for a missing invoice), the union office or the treasurer
    resubmits it unchanged once the paper is in order."""
    if not _has_role(by, RECORDERS):
        raise NotAllowed("只有财务记账员或校工会管理员可以修改收支记录。")
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == LedgerEntry.Status.APPROVED:
        raise Conflict("已审批的收支不能修改；如有错误，请另记一笔更正。")
    check_year_open(entry.occurred_on.year)
    if entry.source_type != LedgerEntry.Source.MANUAL:
        if resubmitting:
            return entry
        raise Conflict(f"这笔收支由“{entry.get_source_type_display()}”生成，金额等须在原记录中处理；"
                       "被退回时可不作修改重新提交。")
    if entry.recorded_by != actor_name(by):
        raise NotAllowed("只有记账人本人可以修改这笔收支。")
    return entry


def ledger_entry_check_editable(*, entry: LedgerEntry, by) -> None:
    """Refuse (as ledger_entry_update would) before anyone types a correction into a form."""
    with transaction.atomic():
        _locked_for_change(entry, by)


@transaction.atomic
def ledger_entry_update(*, entry: LedgerEntry, by, kind: str, category: str, amount, occurred_on,
                        description: str) -> LedgerEntry:
    """Correct a pending or sent-back entry; a sent-back one goes back to the approvers (待审批).
    An approved entry, an entry of a closed year (also: moved into one) and a platform's entry are
    never changed here."""
    entry = _locked_for_change(entry, by)
    amount, description = _cleaned_entry(kind=kind, category=category, amount=amount, occurred_on=occurred_on,
                                          description=description)
    check_year_open(occurred_on.year)
    before = field_values(entry, ENTRY_FIELDS)
    entry.kind, entry.category, entry.amount = kind, category, amount
    entry.occurred_on, entry.description = occurred_on, description
    entry.save(update_fields=ENTRY_FIELDS)
    audit_update(actor=by, target=entry, before=before)
    if entry.status == LedgerEntry.Status.REJECTED:
        LEDGER_FLOW.apply(entry, "resubmit", by=by, reason="修改后重新提交")
    return entry


@transaction.atomic
def ledger_entry_resubmit(*, entry: LedgerEntry, by, reason: str = "") -> LedgerEntry:
    """Send a sent-back entry to the approvers again, unchanged (e.g. the invoice was found)."""
    entry = _locked_for_change(entry, by, resubmitting=True)
    LEDGER_FLOW.apply(entry, "resubmit", by=by, reason=(reason or "").strip()[:300] or "重新提交")
    return entry


# --- budget ------------------------------------------------------------------------------------

def all_categories() -> list[tuple[str, str, str]]:
    """(kind, category, label) in the union accounting layout: income first, then expenses."""
    return ([("income", value, label) for value, label in IncomeCategory.choices]
            + [("expense", value, label) for value, label in ExpenseCategory.choices])


def _check_year(year, field: str = "year") -> int:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: "年度应为四位数年份。"})
    if not BUDGET_YEARS[0] <= year <= BUDGET_YEARS[1]:
        raise ValidationError({field: f"年度应在 {BUDGET_YEARS[0]} 到 {BUDGET_YEARS[1]} 之间。"})
    return year


@transaction.atomic
def budget_set(*, by, year, amounts: dict) -> list[Budget]:
    """Set the year's budget for the categories in ``amounts`` ({category: amount}; blank removes
    that category's budget). All or nothing: one bad amount and no line is written; the refusals
    name each category's field."""
    if not _has_role(by, BUDGETERS):
        raise NotAllowed("只有校工会管理员或财务记账员可以编制预算。")
    year = _check_year(year)
    known = {category for _, category, _ in all_categories()}
    errors, cleaned = {}, {}
    if not amounts:
        errors["amounts"] = "请至少填写一个科目的预算。"
    for category, value in (amounts or {}).items():
        if category not in known:
            errors[str(category)[:40]] = "没有这个科目。"
            continue
        if value is None or str(value).strip() == "":
            cleaned[category] = None
            continue
        try:
            cleaned[category] = decimal_in_range(value, field=category, low="0", high=MAX_BUDGET_AMOUNT,
                                                 label="预算金额")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    check_year_open(year, field="year")
    existing = {b.category: b for b in Budget.objects.select_for_update().filter(year=year)}
    name, now = actor_name(by), timezone.now()
    for category, amount in cleaned.items():
        budget = existing.get(category)
        if amount is None:
            if budget is not None:
                audit_delete(actor=by, target=budget, reason=f"{year} 年度预算取消该科目")
                budget.delete()
        elif budget is None:
            budget = Budget.objects.create(year=year, category=category, amount=amount, updated_by=name, updated=now)
            audit_create(actor=by, target=budget, fields=["year", "category", "amount"])
        elif budget.amount != amount:
            before = field_values(budget, ["amount"])
            budget.amount, budget.updated_by, budget.updated = amount, name, now
            budget.save(update_fields=["amount", "updated_by", "updated"])
            audit_update(actor=by, target=budget, before=before)
    return list(Budget.objects.filter(year=year))


# --- year-end close ----------------------------------------------------------------------------

@transaction.atomic
def year_close(*, by, year, note: str = "") -> ClosedYear:
    """年终结账: freeze a finished year. Refused while any of its entries still await approval."""
    if not _has_role(by, CLOSERS):
        raise NotAllowed("只有校工会管理员可以年终结账。")
    year = _check_year(year)
    _year_lock(year, shared=False)
    if year >= timezone.localdate().year:
        raise Conflict(f"{year} 年度尚未结束，不能结账。", field="year")
    # Lock the year's entries so none is approved or sent back while the close is decided.
    entries = LedgerEntry.objects.select_for_update().filter(occurred_on__year=year)
    pending = entries.filter(status=LedgerEntry.Status.PENDING).count()
    if pending:
        raise Conflict(f"{year} 年度还有 {pending} 笔收支待审批，审批完成后才能结账。", field="year")
    if ClosedYear.objects.filter(year=year).exists():
        raise Conflict(f"{year} 年度已经结账。", field="year")
    try:
        with transaction.atomic():
            closed = ClosedYear.objects.create(year=year, closed_by=actor_name(by), note=(note or "").strip()[:300])
    except IntegrityError:
        raise Conflict(f"{year} 年度已经结账。", field="year")
    audit_create(actor=by, target=closed, fields=["year", "note"])
    return closed
