"""The provincial host (public schema)."""
from django.urls import include, path

from config.urls_common import common_urls
from tenants.admin_sites import province_admin_site

urlpatterns = [
    path("api/v1/", include("api.urls_public")),
    path("admin/", province_admin_site.urls),
    path("", include("web.province.urls")),
    *common_urls("config.urls_public"),
]

# Errors outside DRF keep the API's contract (JSON under /api/) and are Chinese pages elsewhere.
handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
