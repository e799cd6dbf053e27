from shared.staffhomes import services
from shared.staffhomes.models import Criterion, HomeApplication, Round
from tenants.admin_sites import ReadOnlyAdmin, SchoolFilter, ServiceAdmin, province_admin_site


class CriterionAdmin(ServiceAdmin):
    """Each round's criteria, editable while the round is 筹备中 (through the service, audited); the
    provincial site's round page is where they are usually set."""

    list_display = ["name", "round", "max_score", "order"]
    list_filter = ["round"]
    fields = ["round", "name", "description", "max_score", "order"]

    def get_readonly_fields(self, request, obj=None):
        return ["round"] if obj else []

    def create(self, request, data):
        return services.criterion_create(by=request.user, **data)

    def update(self, request, obj, data):
        data.pop("round", None)
        return services.criterion_update(criterion=obj, by=request.user, **data)


class RoundAdmin(ServiceAdmin):
    """A round is created here, on the provincial site or through the API (筹备中); its status moves
    only through its steps (开始申报, 截止申报, 公布名单) on the site or the API."""

    list_display = ["title", "year", "opens_at", "closes_at", "recheck_years", "status"]
    list_filter = ["year", "status"]
    fields = ["year", "title", "opens_at", "closes_at", "recheck_years"]

    def get_fields(self, request, obj=None):
        return self.fields + (["status"] if obj else [])

    def create(self, request, data):
        return services.round_create(by=request.user, **data)


class HomeApplicationAdmin(ReadOnlyAdmin):
    list_display = ["unit_name", "school", "level", "round", "status", "review_total", "recheck_year"]
    list_filter = ["round", "level", "status", ("school", SchoolFilter)]
    search_fields = ["unit_name", "school__name"]


province_admin_site.register(Criterion, CriterionAdmin)
province_admin_site.register(Round, RoundAdmin)
province_admin_site.register(HomeApplication, HomeApplicationAdmin)
