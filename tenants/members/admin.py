from django import forms
from django.contrib import admin

from tenants.admin_sites import ReadOnlyAdmin, ServiceAdmin, ServiceModelForm, school_admin_site
from tenants.members import services
from tenants.members.models import Branch, Department, Group, Member, MembershipApplication, RosterImport
from tenants.personal_data import mask_phone


class BranchAdmin(ServiceAdmin):
    list_display = ["name", "chair", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["chair"]

    def get_fields(self, request, obj=None):
        # A branch is created active; deactivating is a change of an existing one.
        return ["name", "chair", "sort_order"] + (["is_active"] if obj else [])

    def create(self, request, data):
        return services.branch_create(by=request.user, **data)

    def update(self, request, obj, data):
        return services.branch_update(branch=obj, by=request.user, **data)


class GroupAdmin(ServiceAdmin):
    list_display = ["name", "branch"]
    list_filter = ["branch"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # Members of a group belong to its branch: moving the group would split them from it.
        return ["branch"] if obj else []

    def create(self, request, data):
        return services.group_create(by=request.user, branch=data["branch"], name=data["name"])

    def update(self, request, obj, data):
        return services.group_update(group=obj, by=request.user, name=data["name"])


class DepartmentAdmin(ServiceAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["handlers"]

    def get_fields(self, request, obj=None):
        return ["name", "handlers"] + (["is_active"] if obj else [])

    def create(self, request, data):
        return services.department_create(by=request.user, name=data["name"], handlers=list(data["handlers"]))

    def update(self, request, obj, data):
        department = services.department_update(department=obj, by=request.user, name=data["name"],
                                                 is_active=data["is_active"])
        handlers = list(data["handlers"])
        if {u.pk for u in handlers} != set(obj.handlers.values_list("pk", flat=True)):
            services.department_set_handlers(department=department, handlers=handlers, by=request.user)
        return department


class MemberForm(ServiceModelForm):
    # Entered in clear, stored only encrypted (with the masked form beside it) by the service.
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["id_number"].help_text = f"当前：{self.instance.id_number_masked or '未登记'}。留空则不修改。"


PERSON_FIELDS = ["name", "gender", "employee_number", "branch", "group", "employment_type", "join_date", "phone"]


class MemberAdmin(ServiceAdmin):
    """Lists show only masked personal data; the full ID number is read through the API's audited view.
    Status changes (转出、退会、退休…) are workflow steps of the API and pages, not edits."""

    form = MemberForm
    list_display = ["name", "employee_number", "branch", "employment_type", "status", "masked_phone",
                    "id_number_masked", "join_date"]
    list_filter = ["status", "employment_type", "branch", "gender"]
    search_fields = ["name", "employee_number", "name_initials"]
    list_select_related = ["branch"]
    fields = PERSON_FIELDS + ["id_number", "status", "status_changed_on", "birth_date", "user"]
    readonly_fields = ["status", "status_changed_on", "birth_date", "user"]

    def get_fields(self, request, obj=None):
        return self.fields if obj else PERSON_FIELDS + ["id_number"]

    def create(self, request, data):
        return services.member_create(by=request.user, **data)

    def update(self, request, obj, data):
        changes = {key: data[key] for key in PERSON_FIELDS}
        if data.get("id_number"):
            changes["id_number"] = data["id_number"]
        return services.member_update(member=obj, by=request.user, **changes)

    @admin.display(description="手机号")
    def masked_phone(self, obj):
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
