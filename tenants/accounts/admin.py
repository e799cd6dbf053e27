from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tenants.accounts.models import User
from tenants.admin_sites import register_on_both
from tenants.audit.admin import AuditedAdminMixin


class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    audited_fields = ["username", "full_name", "phone", "roles", "is_active", "is_staff"]
    list_display = ["username", "full_name", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("角色与权限", {"fields": ("roles", "is_active", "is_staff", "is_superuser")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("username", "full_name", "roles", "password1", "password2")}),)

    # Accounts are deactivated, never deleted: audit records and workflow history keep their
    # authors, and a provincial account's relations reach school-only tables that public lacks.
    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def role_list(obj):
        return "、".join(obj.role_labels())

    role_list.short_description = "角色"


register_on_both(User, UserAdmin)
