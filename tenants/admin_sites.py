"""Two Django admin sites: the province's models on the provincial host, a school's on its host."""
from django.contrib import admin

from tenants.accounts.forms import GuardedAuthenticationForm
from tenants.accounts.roles import Role


class HostAdminSite(admin.AdminSite):
    login_form = GuardedAuthenticationForm
    admin_role = ""

    def has_permission(self, request):
        # The host's admin role, not the superuser flag: an account's powers here are its role's.
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_staff
                    and user.has_role(self.admin_role))


class ProvinceAdminSite(HostAdminSite):
    site_header = "教育工会云 · 省教育工会管理后台"
    site_title = "省教育工会管理后台"
    index_title = "管理首页"
    admin_role = Role.PROVINCE_ADMIN


class SchoolAdminSite(HostAdminSite):
    site_header = "教育工会云 · 学校工会管理后台"
    site_title = "学校工会管理后台"
    index_title = "管理首页"
    admin_role = Role.UNION_ADMIN


province_admin_site = ProvinceAdminSite(name="province_admin")
school_admin_site = SchoolAdminSite(name="school_admin")


def register_on_both(model, admin_class):
    province_admin_site.register(model, admin_class)
    school_admin_site.register(model, admin_class)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records whose state belongs to a workflow or the platform: the admin shows and searches,
    the API acts (audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
