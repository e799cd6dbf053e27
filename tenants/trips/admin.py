from tenants.admin_sites import ReadOnlyAdmin, school_admin_site
from tenants.trips.models import TripApplication, TripBatch, TripRules


class TripBatchAdmin(ReadOnlyAdmin):
    list_display = ["title", "destination", "starts_on", "places", "cost_per_person", "status"]
    list_filter = ["status"]


class TripApplicationAdmin(ReadOnlyAdmin):
    list_display = ["batch", "member", "status", "applied_at"]
    list_filter = ["status"]
    raw_id_fields = ["member"]


class TripRulesAdmin(ReadOnlyAdmin):
    list_display = ["min_service_years", "rotation_years", "updated_by", "updated"]


school_admin_site.register(TripBatch, TripBatchAdmin)
school_admin_site.register(TripApplication, TripApplicationAdmin)
school_admin_site.register(TripRules, TripRulesAdmin)
