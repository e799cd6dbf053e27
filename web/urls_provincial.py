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
    path("competitions/", v.Competitions.as_view(), name="competitions"),
    path("competitions/<int:pk>/register/", v.EntryNew.as_view(), name="entry-new"),
    path("competitions/entries/<int:pk>/withdraw/", v.EntryWithdraw.as_view(), name="entry-withdraw"),
    path("subsidies/", v.Subsidies.as_view(), name="subsidies"),
    path("subsidies/programmes/<int:pk>/apply/", v.SubsidyApply.as_view(), name="subsidy-apply"),
    path("subsidies/applications/<int:pk>/", v.SubsidyDetail.as_view(), name="subsidy"),
    path("staff-homes/", v.StaffHomes.as_view(), name="staffhomes"),
    path("staff-homes/rounds/<int:pk>/apply/", v.HomeApply.as_view(), name="home-apply"),
    path("staff-homes/applications/<int:pk>/", v.HomeApplicationDetail.as_view(), name="home-application"),
    path("circulars/", v.Circulars.as_view(), name="circulars"),
    path("circulars/<int:pk>/", v.CircularDetail.as_view(), name="circular"),
    path("circulars/<int:pk>/acknowledge/", v.CircularAcknowledge.as_view(), name="circular-acknowledge"),
    path("circulars/<int:pk>/items/<int:item_pk>/", v.CircularItemReport.as_view(), name="circular-report"),
]
