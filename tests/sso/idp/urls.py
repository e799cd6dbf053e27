from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from tests.sso.idp.validator import MODE


@csrf_exempt
def campus_login(request):
    """The campus login form (the tests post to it as a browser would)."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is None:
            return HttpResponseBadRequest("wrong password")
        login(request, user)
        return HttpResponseRedirect(next_url)
    return HttpResponse(f'<form method="post"><input name="username"><input name="password" type="password">'
                        f'<input type="hidden" name="next" value="{next_url}"></form>')


@csrf_exempt
def test_mode(request):
    MODE["value"] = request.POST.get("mode", "")
    return HttpResponse("ok")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", campus_login),
    path("test/mode/", test_mode),
]
