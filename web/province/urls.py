"""Pages that exist only on the provincial host (namespace `province`)."""
from django.urls import include, path

from web import apikeys, office_views, webhooks

from web.province import circulars, competitions, dashboard, honours, portal, schools, staffhomes, subsidies, summary

app_name = "province"
urlpatterns = [
    path("schools/", include(schools.urlpatterns)),
    path("honours/", include(honours.urlpatterns)),
    path("competitions/", include(competitions.urlpatterns)),
    path("staff-homes/", include(staffhomes.urlpatterns)),
    path("subsidies/", include(subsidies.urlpatterns)),
    path("circulars/", include(circulars.urlpatterns)),
    path("dashboard/", include(dashboard.urlpatterns)),
    path("summary/", include(summary.urlpatterns)),
    path("more/", include(portal.urlpatterns)),
    path("settings/api-keys/", include(apikeys.province_urlpatterns)),
    path("webhooks/", include(webhooks.province_urlpatterns)),  # issue #13 (web/webhooks.py)
    path("operation-log/", office_views.ProvinceOperationLog.as_view(), name="operation-log"),
]
