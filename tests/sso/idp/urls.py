import collections
import json

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from jwcrypto import jwk

from tests.sso.idp.validator import MODE

#: requests served per path since the last reset (GET /test/requests/; POST resets)
SERVED = collections.Counter()


def count_requests(get_response):
    def middleware(request):
        SERVED[request.path] += 1
        return get_response(request)
    return middleware


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


def jwks(request):
    """django-oauth-toolkit's key set (same entries), with the next key too once it has rotated."""
    pems = [settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]] + ([settings.NEXT_KEY] if MODE["value"] == "rotated" else [])
    keys = []
    for pem in pems:
        key = jwk.JWK.from_pem(pem.encode())
        keys.append({"alg": "RS256", "use": "sig", "kid": key.thumbprint(), **json.loads(key.export_public())})
    return JsonResponse({"keys": keys})


@csrf_exempt
def served(request):
    answer = dict(SERVED)
    if request.method == "POST":
        SERVED.clear()
    return JsonResponse(answer)


urlpatterns = [
    path("o/.well-known/jwks.json", jwks),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", campus_login),
    path("test/mode/", test_mode),
    path("test/requests/", served),
]
