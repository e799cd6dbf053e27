from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tenants.accounts.forms import GuardedAuthenticationForm
from tenants.selectors import schools


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = GuardedAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    tenant = request.tenant
    context = {"tenant": tenant, "roles": request.user.role_labels()}
    if tenant.is_province:
        context["school_count"] = schools().count()
        context["schools"] = schools().order_by("slug")[:50]
    return render(request, "web/home.html", context)
