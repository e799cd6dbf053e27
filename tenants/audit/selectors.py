from django.db.models import Q

from tenants.audit.models import AuditRecord


def audit_records(*, target_type: str | None = None, target_id: str | None = None,
                  action: str | None = None, search: str = ""):
    records = AuditRecord.objects.all()
    if target_type:
        records = records.filter(target_type=target_type)
    if target_id:
        records = records.filter(target_id=target_id)
    if action:
        records = records.filter(action=action)
    search = (search or "").strip()
    if search:
        records = records.filter(Q(actor_name__icontains=search) | Q(target_repr__icontains=search)
                                 | Q(reason__icontains=search) | Q(target_id=search))
    return records


def audit_target_types() -> list[str]:
    """The kinds of record this site's log mentions (for a filter's choices)."""
    return sorted(AuditRecord.objects.order_by().values_list("target_type", flat=True).distinct())
