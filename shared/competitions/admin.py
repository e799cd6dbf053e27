from shared.competitions.models import Competition, Entry, Judge, Score
from tenants.admin_sites import ReadOnlyAdmin, SchoolFilter, province_admin_site


class CompetitionAdmin(ReadOnlyAdmin):
    list_display = ["title", "edition", "year", "status", "age_limit"]
    list_filter = ["status", "year"]


class EntryAdmin(ReadOnlyAdmin):
    list_display = ["name", "school", "group", "course", "status", "final_score", "rank", "award"]
    list_filter = ["competition", "group", "status", "award", ("school", SchoolFilter)]
    search_fields = ["name", "course", "school__name"]


class JudgeAdmin(ReadOnlyAdmin):
    list_display = ["user", "home_school"]
    list_filter = [("home_school", SchoolFilter)]
    search_fields = ["user__username", "user__full_name", "home_school__name"]


class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["entry", "judge", "design", "classroom", "reflection", "weighted_total", "submitted_at"]
    list_filter = ["entry__competition", "judge"]


province_admin_site.register(Competition, CompetitionAdmin)
province_admin_site.register(Entry, EntryAdmin)
province_admin_site.register(Judge, JudgeAdmin)
province_admin_site.register(Score, ScoreAdmin)
