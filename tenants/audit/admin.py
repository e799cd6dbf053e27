from django.apps import apps
from django.contrib import admin

from tenants.admin_sites import ReadOnlyAdmin, register_on_both
from tenants.audit.models import AuditRecord


def type_label(target_type: str) -> str:
    """"members.member" → 会员: the records store the model's label, people read its Chinese name."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


class TargetTypeFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        types = model_admin.get_queryset(request).order_by().values_list("target_type", flat=True).distinct()
        return sorted(((t, type_label(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "target_type_label", "target_repr", "from_state", "to_state"]
    list_filter = ["action", TargetTypeFilter, "at"]
    search_fields = ["actor_name", "target_repr", "target_id", "reason"]
    date_hierarchy = "at"

    @admin.display(description="对象类型", ordering="target_type")
    def target_type_label(self, obj):
        return type_label(obj.target_type)


register_on_both(AuditRecord, AuditRecordAdmin)
