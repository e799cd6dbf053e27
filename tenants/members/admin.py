from django.contrib import admin

from tenants.admin_sites import school_admin_site
from tenants.audit.admin import AuditedAdminMixin
from tenants.members.models import Branch, Department, Group, Member, MembershipApplication, RosterImport


class BranchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "chair", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["chair"]


class GroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "branch"]
    list_filter = ["branch"]
    search_fields = ["name"]


class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["handlers"]


class MemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Lists show only masked personal data; the full ID number is read through the API's audited view."""

    list_display = ["name", "employee_number", "branch", "employment_type", "status", "masked_phone",
                    "id_number_masked", "join_date"]
    list_filter = ["status", "employment_type", "branch", "gender"]
    search_fields = ["name", "employee_number", "name_initials"]
    exclude = ["id_number_encrypted", "id_number_index"]
    readonly_fields = ["id_number_masked", "birth_date", "name_initials", "status", "status_changed_on"]
    list_select_related = ["branch"]

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        from tenants.personal_data import mask_phone

        return mask_phone(obj.phone)


class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "employee_number", "branch", "employment_type", "status", "submitted_at"]
    list_filter = ["status", "branch", "employment_type"]
    search_fields = ["name", "employee_number"]
    exclude = ["id_number_encrypted"]
    readonly_fields = ["status", "member", "id_number_masked"]


class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "rows", "imported_by", "imported_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


school_admin_site.register(Branch, BranchAdmin)
school_admin_site.register(Group, GroupAdmin)
school_admin_site.register(Department, DepartmentAdmin)
school_admin_site.register(Member, MemberAdmin)
school_admin_site.register(MembershipApplication, ApplicationAdmin)
school_admin_site.register(RosterImport, RosterImportAdmin)
