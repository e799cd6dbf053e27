"""The school's side of provincial work (included under /provincial/ by urls_school.py)."""
from django.urls import path

from web import provincial_views as v

# The school's own statistics are for everyone of the school, so they live beside, not under, the
# office's /provincial/ pages (the navigation marks one entry as current).
statistics = [path("stats/", v.Statistics.as_view(), name="school-stats")]

urlpatterns = [
    path("", v.ProvincialHome.as_view(), name="provincial"),
    path("honours/", v.Honours.as_view(), name="honours"),
    path("honours/campaigns/<int:pk>/nominate/", v.NominationNew.as_view(), name="nomination-new"),
    path("honours/nominations/<int:pk>/", v.NominationDetail.as_view(), name="nomination"),
    path("honours/nominations/<int:pk>/withdraw/", v.NominationWithdraw.as_view(), name="nomination-withdraw"),
    path("circulars/", v.Circulars.as_view(), name="circulars"),
    path("circulars/<int:pk>/", v.CircularDetail.as_view(), name="circular"),
    path("circulars/<int:pk>/acknowledge/", v.CircularAcknowledge.as_view(), name="circular-acknowledge"),
    path("circulars/<int:pk>/items/<int:item_pk>/", v.CircularItemReport.as_view(), name="circular-report"),
]
