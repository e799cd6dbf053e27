"""Routes every host has: health, the API's OpenAPI schema and Swagger UI, the pages."""
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from api.views.health import healthz
from api.views.schema import RememberedSchemaView


def common_urls(urlconf: str):
    return [
        path("healthz", healthz, name="healthz"),
        # drf-spectacular reads ROOT_URLCONF unless told: each host documents its own URLconf.
        path("api/schema/", RememberedSchemaView.as_view(urlconf=urlconf), name="schema"),
        # Our copy of the page puts the CSP nonce on its inline script and style.
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
             name="docs"),
        path("", include("web.urls")),
    ]
