from tenants.audit.models import AuditRecord


def audit_records(*, target_type: str | None = None, target_id: str | None = None,
                  action: str | None = None):
    records = AuditRecord.objects.all()
    if target_type:
        records = records.filter(target_type=target_type)
    if target_id:
        records = records.filter(target_id=target_id)
    if action:
        records = records.filter(action=action)
    return records
