from tenants.admin_sites import ReadOnlyAdmin, school_admin_site
from tenants.care.models import CareBatch, CareStandard, CareVisit, LifeEvent


class CareStandardAdmin(ReadOnlyAdmin):
    list_display = ["kind", "effective_from", "amount_min", "amount_max", "category", "set_by"]
    list_filter = ["kind"]


class CareVisitAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "visited_on", "amount", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["member"]


class LifeEventAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "occurred_on", "status", "reported_at"]
    list_filter = ["kind", "status"]


class CareBatchAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "visited_on", "count", "total"]


school_admin_site.register(CareStandard, CareStandardAdmin)
school_admin_site.register(CareVisit, CareVisitAdmin)
school_admin_site.register(LifeEvent, LifeEventAdmin)
school_admin_site.register(CareBatch, CareBatchAdmin)
