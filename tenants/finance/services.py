"""The school's books: entries count only once approved, by someone other than who recorded them."""
from decimal import Decimal

from django.db import IntegrityError, transaction

from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create
from tenants.errors import NotAllowed
from tenants.finance.models import LedgerEntry
from tenants.workflow import StateMachine

L = LedgerEntry.Status
LEDGER_FLOW = (
    StateMachine.for_field("收支记录", LedgerEntry)
    .add("approve", label="审批通过", sources={L.PENDING}, target=L.APPROVED, roles={Role.UNION_ADMIN})
    .add("reject", label="退回", sources={L.PENDING}, target=L.REJECTED, roles={Role.UNION_ADMIN},
         reason_required=True)
    # Money the platform itself moved (a provincial subsidy) is booked as approved at once: the
    # approval already happened at the province, and no person of the school recorded it.
    .add("platform_approve", label="平台入账", sources={L.PENDING}, target=L.APPROVED, system=True)
)


def ledger_record_platform_entry(*, source_ref: str, kind: str, category: str, amount: Decimal, occurred_on,
                                 description: str) -> tuple[LedgerEntry, bool]:
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
                recorded_by=actor_name(None))
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
    if entry.recorded_by == actor_name(by):
        raise NotAllowed("记账人不能审批自己记录的收支，请由其他审批人办理。")
    LEDGER_FLOW.apply(entry, action, by=by, reason=reason)
    return entry
