from django.contrib.auth import views as auth_views

from tenants.accounts.forms import GuardedAuthenticationForm
from tenants.selectors import schools
from tenants.accounts.roles import Role
from web.base import ProvincePage, SchoolPage, error_page


class LoginView(auth_views.LoginView):
    """Both hosts; the throttled form. Django's view, since signing in is open to anyone."""

    template_name = "web/login.html"
    authentication_form = GuardedAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class SchoolHome(SchoolPage):
    template_name = "web/home.html"
    title = "工作台"

    def get(self, request):
        from web.workbench import school_workbench

        workbench = school_workbench(request.user, request.tenant)
        # the layout's badge is the workbench's own count (not asked again by the context processor)
        return self.render_page(tenant=request.tenant, roles=request.user.role_labels(), workbench=workbench,
                                unread_count=workbench["unread"])


class ProvinceHome(ProvincePage):
    template_name = "web/home.html"
    title = "工作台"
    roles = frozenset()  # every account of the provincial host lands here

    def get(self, request):
        from web.province.workbench import province_workbench

        workbench = province_workbench(request.user)
        context = {"tenant": request.tenant, "roles": request.user.role_labels(), "workbench": workbench,
                   "unread_count": workbench["unread"]}
        if request.user.has_role(Role.PROVINCE_ADMIN):
            context.update(show_schools=True, school_count=schools().count())
        return self.render_page(**context)


def home(request):
    """`/` on every host: the workbench of the host it is reached on."""
    for page in (SchoolHome, ProvinceHome):
        if page().host_matches(request):
            return page.as_view()(request)
    return error_page(request, 404)
