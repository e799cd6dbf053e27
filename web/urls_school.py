"""Pages that exist only on a school's host (they read the school's own tables)."""
from django.urls import path

from web import congress_views, member_views

app_name = "school"
urlpatterns = [
    path("members/", member_views.member_list, name="members"),
    path("proposals/", congress_views.proposal_list, name="proposals"),
    path("proposals/new/", congress_views.proposal_new, name="proposal-new"),
    path("proposals/<int:pk>/", congress_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/<str:step>/", congress_views.proposal_act, name="proposal-act"),
    path("suggestions/", congress_views.suggestions, name="suggestions"),
]
