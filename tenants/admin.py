from django.contrib import admin

from tenants.admin_sites import ReadOnlyAdmin, ServiceAdmin, province_admin_site
from tenants.models import Domain, School, TemplateSnapshot
from tenants.services import PROFILE_FIELDS, school_update


class DomainInline(admin.TabularInline):
    """View-only: a school's domain is made by provisioning and follows its slug."""

    model = Domain
    verbose_name = verbose_name_plural = "域名"
    extra = 0
    fields = readonly_fields = ["host", "primary"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # django-tenants labels these fields in English.
    @admin.display(description="域名")
    def host(self, obj):
        return obj.domain

    @admin.display(description="主域名", boolean=True)
    def primary(self, obj):
        return obj.is_primary


class SchoolAdmin(ServiceAdmin):
    list_display = ["name", "slug", "kind", "region", "status", "created"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "short_name", "slug"]
    readonly_fields = ["slug", "schema", "status", "archive_file", "created"]
    fields = ["name", "short_name", "slug", "schema", "region", "kind", "contact_name",
              "contact_phone", "status", "archive_file", "created"]
    inlines = [DomainInline]

    @admin.display(description="数据库模式名")
    def schema(self, obj):
        return obj.schema_name

    # New schools go through provisioning (API or `manage.py provision_school`), status
    # changes through the lifecycle actions: both are audited and all-or-nothing. Here only the
    # profile is edited.
    def update(self, request, obj, data):
        return school_update(school=obj, by=request.user, **{key: data[key] for key in PROFILE_FIELDS})


class TemplateSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["migrations_fingerprint", "created"]
    readonly_fields = ["migrations_fingerprint", "migrations", "created"]
    exclude = ["sql"]


province_admin_site.register(School, SchoolAdmin)
province_admin_site.register(TemplateSnapshot, TemplateSnapshotAdmin)
