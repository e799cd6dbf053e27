from shared.selectors import require_school
from shared.stats.models import SchoolStats


def stats_of(school):
    """This school's own yearly figures, newest year first."""
    require_school(school, "统计")
    return SchoolStats.objects.filter(school=school).order_by("-year")
