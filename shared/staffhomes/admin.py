from shared.staffhomes import services
from shared.staffhomes.models import Criterion, HomeApplication, Round
from tenants.admin_sites import ReadOnlyAdmin, ServiceAdmin, province_admin_site


class CriterionAdmin(ServiceAdmin):
    """The criteria are configuration: the province edits them here (through the service, audited)."""

    list_display = ["name", "max_score", "order"]
    fields = ["name", "description", "max_score", "order"]

    def create(self, request, data):
        return services.criterion_create(by=request.user, **data)

    def update(self, request, obj, data):
        return services.criterion_update(criterion=obj, by=request.user, **data)


class RoundAdmin(ServiceAdmin):
    """A round is opened here or through the API; once open it stands (its status moves by decisions)."""

    list_display = ["title", "year", "opens_at", "closes_at", "recheck_years", "status"]
    list_filter = ["year", "status"]
    fields = ["year", "title", "opens_at", "closes_at", "recheck_years"]

    def get_fields(self, request, obj=None):
        return self.fields + (["status"] if obj else [])

    def create(self, request, data):
        return services.round_create(by=request.user, **data)


class HomeApplicationAdmin(ReadOnlyAdmin):
    list_display = ["unit_name", "school", "level", "round", "status", "review_total", "recheck_year"]
    list_filter = ["round", "level", "status", "school"]
    search_fields = ["unit_name", "school__name"]


province_admin_site.register(Criterion, CriterionAdmin)
province_admin_site.register(Round, RoundAdmin)
province_admin_site.register(HomeApplication, HomeApplicationAdmin)
