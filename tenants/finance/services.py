from decimal import Decimal

from django.db import IntegrityError, transaction

from tenants.audit.services import audit_create
from tenants.finance.models import LedgerEntry


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
                occurred_on=occurred_on, description=description[:300], status=LedgerEntry.Status.APPROVED,
                source_ref=source_ref, recorded_by="系统")
            audit_create(actor=None, target=entry, fields=["kind", "category", "amount", "source_ref"])
            return entry, True
    except IntegrityError:  # the same entry written at the same moment by another worker
        return LedgerEntry.objects.get(source_ref=source_ref), False
