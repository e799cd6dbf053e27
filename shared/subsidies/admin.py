from shared.subsidies.models import Application, Programme
from tenants.admin_sites import ReadOnlyAdmin, SchoolFilter, province_admin_site


class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "pool", "rule", "opens_at", "closes_at", "report_due_on"]
    list_filter = ["year", "rule"]


class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["project", "school", "programme", "amount_requested", "allocated_amount", "status"]
    list_filter = ["programme", "status", ("school", SchoolFilter)]
    search_fields = ["project", "school__name"]


province_admin_site.register(Programme, ProgrammeAdmin)
province_admin_site.register(Application, ApplicationAdmin)
