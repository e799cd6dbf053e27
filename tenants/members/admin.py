from django.contrib import admin

from tenants.accounts.roles import Role
from tenants.accounts.services import user_grant_roles
from tenants.admin_sites import ReadOnlyAdmin, school_admin_site
from tenants.audit.admin import AuditedAdminMixin
from tenants.members.models import Branch, Department, Group, Member, MembershipApplication, RosterImport
from tenants.members.services import department_set_handlers
from tenants.members.validation import initials
from tenants.personal_data import phone_problem


class BranchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "chair", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["chair"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.chair is not None:
            user_grant_roles(user=obj.chair, roles=[Role.BRANCH_CHAIR], by=request.user)


class GroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "branch"]
    list_filter = ["branch"]
    search_fields = ["name"]


class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["handlers"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        department_set_handlers(department=form.instance, handlers=list(form.instance.handlers.all()),
                                by=request.user)


class MemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Lists show only masked personal data; the full ID number is read through the API's audited view."""

    list_display = ["name", "employee_number", "branch", "employment_type", "status", "masked_phone",
                    "id_number_masked", "join_date"]
    list_filter = ["status", "employment_type", "branch", "gender"]
    search_fields = ["name", "employee_number", "name_initials"]
    exclude = ["id_number_encrypted", "id_number_index"]
    readonly_fields = ["id_number_masked", "birth_date", "name_initials", "status", "status_changed_on"]
    list_select_related = ["branch"]

    def save_model(self, request, obj, form, change):
        problem = phone_problem(obj.phone)
        if problem:
            from django.core.exceptions import ValidationError

            raise ValidationError(problem)
        obj.name_initials = initials(obj.name)
        super().save_model(request, obj, form, change)

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        from tenants.personal_data import mask_phone

        return mask_phone(obj.phone)


class ApplicationAdmin(ReadOnlyAdmin):
    """Read-only: applications move through their workflow (API and pages), which audits each step."""

    list_display = ["name", "employee_number", "branch", "employment_type", "status", "submitted_at"]
    list_filter = ["status", "branch", "employment_type"]
    search_fields = ["name", "employee_number"]
    exclude = ["id_number_encrypted"]


class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "rows", "imported_by", "imported_at"]


school_admin_site.register(Branch, BranchAdmin)
school_admin_site.register(Group, GroupAdmin)
school_admin_site.register(Department, DepartmentAdmin)
school_admin_site.register(Member, MemberAdmin)
school_admin_site.register(MembershipApplication, ApplicationAdmin)
school_admin_site.register(RosterImport, RosterImportAdmin)
