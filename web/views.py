from django.contrib.auth import views as auth_views
from django.template.loader import render_to_string
from django_tenants.utils import get_public_schema_name

from tenants.accounts.forms import GuardedAuthenticationForm
from tenants.freshness import PUBLIC, remembered
from tenants.selectors import schools
from tenants.accounts.roles import Role
from web.base import ProvincePage, SchoolPage, error_page


class LoginView(auth_views.LoginView):
    """Both hosts; the throttled form. Django's view, since signing in is open to anyone."""

    template_name = "web/login.html"
    authentication_form = GuardedAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tenant = getattr(self.request, "tenant", None)
        if tenant is not None and tenant.schema_name != get_public_schema_name():
            # 统一身份认证 (issue #13): the button appears when this school configured its campus IdP
            from tenants.sso.selectors import sso_settings

            conf = sso_settings()
            context["sso"] = conf if conf.enabled else None
        return context


class LogoutView(auth_views.LogoutView):
    pass


def rendered(workbench: dict) -> dict:
    """What the 工作台 page needs of a workbench, to be remembered: its HTML and its figures."""
    return {"html": render_to_string("web/workbench.html", {"workbench": workbench}), "unread": workbench["unread"],
            **({"school_count": workbench["school_count"]} if "school_count" in workbench else {})}


class SchoolHome(SchoolPage):
    template_name = "web/home.html"
    title = "工作台"

    def get(self, request):
        from web.workbench import school_workbench

        # computed again only after a write to this school or the province, or after a minute
        workbench = remembered(f"workbench:{request.user.pk}", schemas=(request.tenant.schema_name, PUBLIC),
                               compute=lambda: rendered(school_workbench(request.user, request.tenant)))
        # the layout's badge is the workbench's own count (not asked again by the context processor)
        return self.render_page(tenant=request.tenant, roles=request.user.role_labels(), workbench=workbench,
                                unread_count=workbench["unread"])


class ProvinceHome(ProvincePage):
    template_name = "web/home.html"
    title = "工作台"
    roles = frozenset()  # every account of the provincial host lands here

    def get(self, request):
        from web.province.workbench import province_workbench

        def compute():
            workbench = province_workbench(request.user)
            if request.user.has_role(Role.PROVINCE_ADMIN):
                workbench["school_count"] = schools().count()
            return rendered(workbench)

        workbench = remembered(f"workbench:{request.user.pk}", schemas=(PUBLIC,), compute=compute)
        context = {"tenant": request.tenant, "roles": request.user.role_labels(), "workbench": workbench,
                   "unread_count": workbench["unread"]}
        if "school_count" in workbench:
            context.update(show_schools=True, school_count=workbench["school_count"])
        return self.render_page(**context)


def home(request):
    """`/` on every host: the workbench of the host it is reached on."""
    for page in (SchoolHome, ProvinceHome):
        if page().host_matches(request):
            return page.as_view()(request)
    return error_page(request, 404)
