"""The provincial host's API (public schema)."""
from django.urls import path, re_path

from api.errors import api_not_found
from api.routers import Router
from api.views import mail

from api.views import apikeys
from api.views.audit import ProvinceAuditRecordViewSet
from api.views.auth import ProvinceMeView, ProvinceTokenObtainView, ProvinceTokenRevokeView
from api.views.circulars import ProvinceCircularViewSet
from api.views.competitions import JudgeViewSet, JudgingViewSet, ProvinceCompetitionViewSet, ProvinceEntryViewSet
from api.views.honours import ProvinceCampaignViewSet, ProvinceHonourRecordViewSet, ProvinceNominationViewSet
from api.views.schools import SchoolViewSet
from api.views.staffhomes import ProvinceCriterionViewSet, ProvinceHomeApplicationViewSet, ProvinceRoundViewSet
from api.views.stats import ProvinceStatsExportView, ProvinceStatsRefreshView, ProvinceStatsView
from api.views.subsidies import ProvinceApplicationViewSet, ProvinceProgrammeViewSet
from api.views.summary import ProvinceYearSummaryViewSet
from api.views.webhooks import register_province as register_webhooks

router = Router(trailing_slash=True)
router.register("schools", SchoolViewSet, basename="school")
router.register("audit", ProvinceAuditRecordViewSet, basename="audit")
router.register("honours/campaigns", ProvinceCampaignViewSet, basename="honour-campaign")
router.register("honours/nominations", ProvinceNominationViewSet, basename="honour-nomination")
router.register("honours/records", ProvinceHonourRecordViewSet, basename="honour-record")
router.register("competitions/entries", ProvinceEntryViewSet, basename="competition-entry")
router.register("competitions/judges", JudgeViewSet, basename="competition-judge")
router.register("competitions/judging", JudgingViewSet, basename="competition-judging")
router.register("competitions", ProvinceCompetitionViewSet, basename="competition")
router.register("circulars", ProvinceCircularViewSet, basename="circular")
router.register("staff-homes/criteria", ProvinceCriterionViewSet, basename="staffhome-criterion")
router.register("staff-homes/rounds", ProvinceRoundViewSet, basename="staffhome-round")
router.register("staff-homes/applications", ProvinceHomeApplicationViewSet, basename="staffhome-application")
router.register("subsidies/programmes", ProvinceProgrammeViewSet, basename="subsidy-programme")
router.register("subsidies/applications", ProvinceApplicationViewSet, basename="subsidy-application")
router.register("summary", ProvinceYearSummaryViewSet, basename="year-summary")
apikeys.register_province(router)
register_webhooks(router)

urlpatterns = [
    path("auth/token/", ProvinceTokenObtainView.as_view(), name="token"),
    path("auth/token/revoke/", ProvinceTokenRevokeView.as_view(), name="token-revoke"),
    *mail.province_urls(),  # issue #13: e-mail preferences, one's own only
    path("me/", ProvinceMeView.as_view(), name="me"),
    path("stats/", ProvinceStatsView.as_view(), name="stats"),
    path("stats/export/", ProvinceStatsExportView.as_view(), name="stats-export"),
    path("stats/refresh/", ProvinceStatsRefreshView.as_view(), name="stats-refresh"),
    *router.urls,
    re_path(r"^.*$", api_not_found),
]
