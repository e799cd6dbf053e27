from shared.stats.models import SchoolStats
from tenants.admin_sites import ReadOnlyAdmin, province_admin_site


class SchoolStatsAdmin(ReadOnlyAdmin):
    list_display = ["school", "year", "members_total", "new_members", "proposals_received", "spent", "computed_at"]
    list_filter = ["year"]
    search_fields = ["school__name"]


province_admin_site.register(SchoolStats, SchoolStatsAdmin)
