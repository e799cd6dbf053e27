"""The provincial host (public schema)."""
from django.urls import include, path

from config.urls_common import common_urls
from tenants.admin_sites import province_admin_site

urlpatterns = [
    path("api/v1/", include("api.urls_public")),
    path("admin/", province_admin_site.urls),
    *common_urls("config.urls_public"),
]
