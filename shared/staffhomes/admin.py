from django.contrib import admin

from shared.staffhomes.models import Criterion, HomeApplication, Round
from tenants.admin_sites import ReadOnlyAdmin, province_admin_site
from tenants.audit.admin import AuditedAdminMixin


class CriterionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The criteria are configuration: the province edits them here (audited)."""

    list_display = ["name", "max_score", "order"]


class RoundAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "year", "opens_at", "closes_at", "recheck_years", "status"]
    list_filter = ["year", "status"]
    readonly_fields = ["status"]


class HomeApplicationAdmin(ReadOnlyAdmin):
    list_display = ["unit_name", "school", "level", "round", "status", "review_total", "recheck_year"]
    list_filter = ["round", "level", "status", "school"]
    search_fields = ["unit_name", "school__name"]


province_admin_site.register(Criterion, CriterionAdmin)
province_admin_site.register(Round, RoundAdmin)
province_admin_site.register(HomeApplication, HomeApplicationAdmin)
