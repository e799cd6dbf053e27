"""A school host's API (the school's schema, plus its own rows of shared tables)."""
from django.urls import path, re_path

from api.errors import api_not_found
from api.routers import Router
from api.views import mail

from api.views import (activities, apikeys, awards, books, calendar, care, hardship, healthchecks, mutualaid, notices, retirement,
                       summary, trips, webhooks, workplan)
from api.views.audit import SchoolAuditRecordViewSet
from api.views.auth import SchoolMeView, SchoolTokenObtainView, SchoolTokenRevokeView
from api.views.congress import (
    CongressViewSet,
    DelegateViewSet,
    DelegationViewSet,
    NotificationViewSet,
    ProposalViewSet,
    SuggestionViewSet,
)
from api.views.circulars import SchoolCircularViewSet
from api.views.competitions import SchoolCompetitionViewSet, SchoolEntryViewSet
from api.views.honours import SchoolCampaignViewSet, SchoolHonourRecordViewSet, SchoolNominationViewSet
from api.views.members import ApplicationViewSet, BranchViewSet, DepartmentViewSet, GroupViewSet, MemberViewSet
from api.views import sso
from api.views.school_profile import SchoolProfileView
from api.views.staffhomes import SchoolCriterionViewSet, SchoolHomeApplicationViewSet, SchoolRoundViewSet
from api.views.stats import SchoolStatsViewSet
from api.views.subsidies import SchoolApplicationViewSet, SchoolProgrammeViewSet

router = Router(trailing_slash=True)
router.register("audit", SchoolAuditRecordViewSet, basename="audit")
router.register("branches", BranchViewSet, basename="branch")
router.register("groups", GroupViewSet, basename="group")
router.register("departments", DepartmentViewSet, basename="department")
router.register("members", MemberViewSet, basename="member")
router.register("membership-applications", ApplicationViewSet, basename="membership-application")
router.register("congresses", CongressViewSet, basename="congress")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("delegates", DelegateViewSet, basename="delegate")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("suggestions", SuggestionViewSet, basename="suggestion")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("honours/campaigns", SchoolCampaignViewSet, basename="honour-campaign")
router.register("honours/nominations", SchoolNominationViewSet, basename="honour-nomination")
router.register("honours/records", SchoolHonourRecordViewSet, basename="honour-record")
router.register("competitions/entries", SchoolEntryViewSet, basename="competition-entry")
router.register("competitions", SchoolCompetitionViewSet, basename="competition")
router.register("circulars", SchoolCircularViewSet, basename="circular")
router.register("staff-homes/criteria", SchoolCriterionViewSet, basename="staffhome-criterion")
router.register("staff-homes/rounds", SchoolRoundViewSet, basename="staffhome-round")
router.register("staff-homes/applications", SchoolHomeApplicationViewSet, basename="staffhome-application")
router.register("stats", SchoolStatsViewSet, basename="stats")
router.register("subsidies/programmes", SchoolProgrammeViewSet, basename="subsidy-programme")
router.register("subsidies/applications", SchoolApplicationViewSet, basename="subsidy-application")
# issue #10: each area registers its own endpoints
for area in (books, care, hardship, mutualaid, activities, healthchecks, trips, awards,
             retirement, workplan, calendar, notices, summary, apikeys, webhooks):
    area.register(router)

urlpatterns = [
    path("auth/token/", SchoolTokenObtainView.as_view(), name="token"),
    path("auth/token/revoke/", SchoolTokenRevokeView.as_view(), name="token-revoke"),
    *mail.school_urls(),  # issue #13: e-mail preferences, one's own only
    path("me/", SchoolMeView.as_view(), name="me"),
    path("school/", SchoolProfileView.as_view(), name="school-profile"),
    *sso.urlpatterns,  # 统一身份认证 settings (issue #13)
    *router.urls,
    re_path(r"^.*$", api_not_found),
]
