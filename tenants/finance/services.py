"""The school's books: entries count only once approved, by someone other than who recorded them."""
from decimal import Decimal

from django.db import IntegrityError, transaction

from django.core.exceptions import ValidationError

from tenants.accounts.roles import FINANCE_APPROVERS, Role
from tenants.audit.services import actor_name, audit_create
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import CATEGORIES_OF_KIND, ClosedYear, LedgerEntry
from tenants.workflow import StateMachine

#: the largest single entry the books take: more is a typing error, not a union's expense
MAX_ENTRY_AMOUNT = Decimal("99999999.99")
#: who records entries by hand
RECORDERS = frozenset({Role.UNION_ADMIN, Role.TREASURER})

L = LedgerEntry.Status
LEDGER_FLOW = (
    StateMachine.for_field("收支记录", LedgerEntry)
    .add("approve", label="审批通过", sources={L.PENDING}, target=L.APPROVED, roles=FINANCE_APPROVERS)
    .add("reject", label="退回", sources={L.PENDING}, target=L.REJECTED, roles=FINANCE_APPROVERS,
         reason_required=True)
    # Money the platform itself moved (a provincial subsidy) is booked as approved at once: the
    # approval already happened at the province, and no person of the school recorded it.
    .add("platform_approve", label="平台入账", sources={L.PENDING}, target=L.APPROVED, system=True)
)


def check_year_open(year: int, *, field: str = "occurred_on") -> None:
    """Refuse any write into a closed year (年终结账 froze it)."""
    if ClosedYear.objects.filter(year=year).exists():
        raise Conflict(f"{year} 年度已结账，不能再记账、修改或审批。", field=field)


def ledger_entry_record(*, by, kind: str, category: str, amount, occurred_on, description: str,
                        source_type: str = LedgerEntry.Source.MANUAL, source_id: int | None = None,
                        source_ref: str | None = None) -> LedgerEntry:
    """Record an entry awaiting approval (待审批). Care visits, mutual-aid fees and claims call this
    inside their own transaction, so a refused entry leaves their record unwritten too.

    Who may call it is the caller's rule (a treasurer by hand, the care office for a visit); the
    person recorded as 记账人 is ``by`` and can never approve it."""
    errors = {}
    if kind not in CATEGORIES_OF_KIND:
        errors["kind"] = "收支类型应为“收入”或“支出”。"
    elif category not in CATEGORIES_OF_KIND[kind]:
        errors["category"] = f"科目与收支类型不符：{LedgerEntry.Kind(kind).label}没有这个科目。"
    if not (description or "").strip():
        errors["description"] = "请填写摘要。"
    if occurred_on is None:
        errors["occurred_on"] = "请填写日期。"
    try:
        amount = decimal_in_range(amount, field="amount", low="0.01", high=MAX_ENTRY_AMOUNT, label="金额")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    check_year_open(occurred_on.year)
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            kind=kind, category=category, amount=amount, occurred_on=occurred_on,
            description=description.strip()[:300], source_type=source_type, source_id=source_id,
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


@transaction.atomic
def ledger_entry_decide(*, entry: LedgerEntry, by, approve: bool, reason: str = "") -> LedgerEntry:
    """Approve or send back an entry; the person who recorded it never approves it (four eyes)."""
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    action = "approve" if approve else "reject"
    LEDGER_FLOW.check(action, state=entry.status, user=by, reason=reason)
    check_year_open(entry.occurred_on.year)
    if entry.recorded_by == actor_name(by):
        raise NotAllowed("记账人不能审批自己记录的收支，请由其他审批人办理。")
    LEDGER_FLOW.apply(entry, action, by=by, reason=reason)
    return entry
