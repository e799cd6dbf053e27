from django.db import transaction

from tenants.admin_sites import ReadOnlyAdmin, register_on_both
from tenants.audit.models import AuditRecord
from tenants.audit.services import audit_create, audit_delete, audit_update, field_values


class AuditedAdminMixin:
    """Changes made in the admin are audited like changes made through the services."""

    audited_fields: list[str] = []

    def _audited_fields(self, obj):
        return self.audited_fields or [f.name for f in obj._meta.concrete_fields]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = None
            if change:
                old = type(obj).objects.get(pk=obj.pk)
                before = field_values(old, self._audited_fields(obj))
            super().save_model(request, obj, form, change)
            if before is None:
                audit_create(actor=request.user, target=obj, fields=self._audited_fields(obj))
            else:
                audit_update(actor=request.user, target=obj, before=before, reason="管理后台修改")

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_delete(actor=request.user, target=obj, reason="管理后台删除")
            super().delete_model(request, obj)


class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_repr", "from_state", "to_state"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["actor_name", "target_repr", "target_id", "reason"]
    date_hierarchy = "at"


register_on_both(AuditRecord, AuditRecordAdmin)
