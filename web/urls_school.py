"""Pages that exist only on a school's host (they read the school's own tables)."""
from django.urls import path

from web import congress_views, member_views

app_name = "school"
urlpatterns = [
    path("members/", member_views.MemberList.as_view(), name="members"),
    path("proposals/", congress_views.ProposalList.as_view(), name="proposals"),
    path("proposals/new/", congress_views.ProposalNew.as_view(), name="proposal-new"),
    path("proposals/<int:pk>/", congress_views.ProposalDetail.as_view(), name="proposal"),
    path("proposals/<int:pk>/<str:step>/", congress_views.ProposalAct.as_view(), name="proposal-act"),
    path("suggestions/", congress_views.Suggestions.as_view(), name="suggestions"),
]
