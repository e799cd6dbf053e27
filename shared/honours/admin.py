from django.contrib import admin

from shared.honours.models import HonourCampaign, HonourRecord, ModelWorkerCare, Nomination
from tenants.admin_sites import ReadOnlyAdmin, SchoolFilter, province_admin_site


class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "year", "deadline", "default_quota", "status"]
    list_filter = ["kind", "year", "status"]
    search_fields = ["title"]


class NominationAdmin(ReadOnlyAdmin):
    list_display = ["shown_name", "school", "campaign", "status", "submitted_at"]
    list_filter = ["status", "campaign", ("school", SchoolFilter)]
    search_fields = ["nominee_name", "unit_name", "leader_name", "school__name"]

    @admin.display(description="推荐对象")
    def shown_name(self, nomination):
        return nomination.name


class RecordAdmin(ReadOnlyAdmin):
    list_display = ["person_name", "school", "kind", "year"]
    list_filter = ["kind", "year", ("school", SchoolFilter)]
    search_fields = ["person_name", "school__name"]


class CareAdmin(ReadOnlyAdmin):
    list_display = ["record", "kind", "given_on", "amount"]
    list_filter = ["kind"]


province_admin_site.register(HonourCampaign, CampaignAdmin)
province_admin_site.register(Nomination, NominationAdmin)
province_admin_site.register(HonourRecord, RecordAdmin)
province_admin_site.register(ModelWorkerCare, CareAdmin)
