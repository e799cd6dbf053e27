from django.contrib import admin

from tenants.admin_sites import ReadOnlyAdmin, province_admin_site
from tenants.audit.admin import AuditedAdminMixin
from tenants.models import Domain, School, TemplateSnapshot


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    readonly_fields = ["domain", "is_primary"]
    can_delete = False


class SchoolAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_fields = ["name", "short_name", "region", "kind", "contact_name", "contact_phone"]
    list_display = ["name", "slug", "kind", "region", "status", "created"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "short_name", "slug"]
    readonly_fields = ["slug", "schema_name", "status", "archive_file", "created"]
    fields = ["name", "short_name", "slug", "schema_name", "region", "kind", "contact_name",
              "contact_phone", "status", "archive_file", "created"]
    inlines = [DomainInline]

    # New schools go through provisioning (API or `manage.py provision_school`), status
    # changes through the lifecycle actions: both are audited and all-or-nothing.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TemplateSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["migrations_fingerprint", "created"]
    readonly_fields = ["migrations_fingerprint", "migrations", "created"]
    exclude = ["sql"]


province_admin_site.register(School, SchoolAdmin)
province_admin_site.register(TemplateSnapshot, TemplateSnapshotAdmin)
