"""Pages that exist only on a school's host (they read the school's own tables)."""
from django.urls import include, path

from web import (apikeys, congress_admin_views, congress_views, member_views, office_views, portal_views, urls_provincial,
                 webhooks)
from web.school import AREAS, area_modules, sso

app_name = "school"
urlpatterns = [
    path("members/", member_views.MemberList.as_view(), name="members"),
    # --- the union office: members, roster, 入会申请, organisation, 操作日志, notifications ---
    path("members/new/", member_views.MemberNew.as_view(), name="member-new"),
    path("members/import/", member_views.RosterImport.as_view(), name="roster-import"),
    path("members/import/template/", member_views.RosterTemplate.as_view(), name="roster-template"),
    path("members/export/", member_views.RosterExport.as_view(), name="member-export"),
    path("members/<int:pk>/", member_views.MemberDetail.as_view(), name="member"),
    path("members/<int:pk>/edit/", member_views.MemberEdit.as_view(), name="member-edit"),
    path("members/<int:pk>/id-number/", member_views.MemberRevealIdNumber.as_view(), name="member-id-number"),
    path("members/<int:pk>/status/<str:action>/", member_views.MemberChangeStatus.as_view(), name="member-status"),
    path("applications/", member_views.ApplicationList.as_view(), name="applications"),
    path("applications/new/", member_views.ApplicationNew.as_view(), name="application-new"),
    path("applications/<int:pk>/", member_views.ApplicationDetail.as_view(), name="application"),
    path("applications/<int:pk>/<str:action>/", member_views.ApplicationDecide.as_view(), name="application-act"),
    path("org/", office_views.OrgHome.as_view(), name="org"),
    path("org/branches/", office_views.BranchList.as_view(), name="branches"),
    path("org/branches/new/", office_views.BranchFormPage.as_view(), name="branch-new"),
    path("org/branches/<int:pk>/", office_views.BranchFormPage.as_view(), name="branch-edit"),
    path("org/groups/", office_views.GroupList.as_view(), name="groups"),
    path("org/groups/new/", office_views.GroupFormPage.as_view(), name="group-new"),
    path("org/groups/<int:pk>/", office_views.GroupFormPage.as_view(), name="group-edit"),
    path("org/departments/", office_views.DepartmentList.as_view(), name="departments"),
    path("org/departments/new/", office_views.DepartmentFormPage.as_view(), name="department-new"),
    path("org/departments/<int:pk>/", office_views.DepartmentFormPage.as_view(), name="department-edit"),
    path("operation-log/", office_views.OperationLog.as_view(), name="operation-log"),
    path("notifications/", office_views.Notifications.as_view(), name="notifications"),
    path("notifications/read/", office_views.NotificationRead.as_view(), name="notifications-read"),
    path("notifications/<int:pk>/read/", office_views.NotificationRead.as_view(), name="notification-read"),
    # --- end of the union office's pages ---
    path("proposals/", congress_views.ProposalList.as_view(), name="proposals"),
    path("proposals/new/", congress_views.ProposalNew.as_view(), name="proposal-new"),
    path("proposals/<int:pk>/", congress_views.ProposalDetail.as_view(), name="proposal"),
    # --- congress, proposals, 意见建议, member portal (pages-congress) ---
    path("proposals/<int:pk>/attachments/", congress_views.ProposalAttachments.as_view(), name="proposal-attachments"),
    path("proposals/<int:pk>/attachments/<int:attachment_id>/", congress_views.ProposalAttachments.as_view(),
         name="proposal-attachment"),
    path("proposals/<int:pk>/edit/", congress_views.ProposalEdit.as_view(), name="proposal-edit"),
    path("proposals/<int:pk>/merge/", congress_views.ProposalMerge.as_view(), name="proposal-merge"),
    path("proposals/<int:pk>/<str:step>/", congress_views.ProposalAct.as_view(), name="proposal-act"),
    path("suggestions/", congress_views.Suggestions.as_view(), name="suggestions"),
    path("suggestions/<int:pk>/", congress_views.SuggestionDetail.as_view(), name="suggestion"),
    path("congresses/", congress_admin_views.CongressList.as_view(), name="congresses"),
    path("congresses/new/", congress_admin_views.CongressNew.as_view(), name="congress-new"),
    path("congresses/<int:pk>/", congress_admin_views.CongressDetail.as_view(), name="congress"),
    path("congresses/<int:pk>/edit/", congress_admin_views.CongressEdit.as_view(), name="congress-edit"),
    path("congresses/<int:pk>/figures/", congress_admin_views.CongressFigures.as_view(), name="congress-figures"),
    path("congresses/<int:pk>/figures.xlsx", congress_admin_views.CongressFiguresExport.as_view(),
         name="congress-figures-export"),
    path("congresses/<int:pk>/<str:step>/", congress_admin_views.CongressStep.as_view(), name="congress-step"),
    path("me/", portal_views.MyPortal.as_view(), name="me"),
    path("more/", portal_views.More.as_view(), name="more"),
    # --- end pages-congress ---
    # the school's side of provincial work (web/urls_provincial.py)
    path("provincial/", include(urls_provincial.urlpatterns)),
    path("settings/api-keys/", include(apikeys.school_urlpatterns)),
    path("", include(urls_provincial.statistics)),
    # webhooks (issue #13; the same pages on the provincial host)
    path("webhooks/", include(webhooks.school_urlpatterns)),
    # the school's areas of issue #10 onwards (web/school/)
    *[path(prefix, include(module.urlpatterns)) for (_, prefix), module in zip(AREAS, area_modules())],
    path("sso/", include(sso.urlpatterns)),  # 统一身份认证: sign-in, callbacks, settings (issue #13)
]
