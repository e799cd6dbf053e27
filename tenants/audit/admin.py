from tenants.admin_sites import ReadOnlyAdmin, register_on_both
from tenants.audit.models import AuditRecord


class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_repr", "from_state", "to_state"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["actor_name", "target_repr", "target_id", "reason"]
    date_hierarchy = "at"


register_on_both(AuditRecord, AuditRecordAdmin)
