from celery import shared_task
from django.conf import settings
from django.utils import timezone

from shared.stats.services import compute_current_school, rollup_schools, years_to_roll_up
from tenants.outbox.tasks import OutboxTask
from tenants.selectors import active_school_schemas
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="shared.stats.tasks.rollup_school")
def rollup_school(year: int) -> int:
    return compute_current_school(year=year).pk


@shared_task(name="shared.stats.tasks.rollup_schools")
def rollup_schools_task(schemas: list[str], years: list[int]) -> int:
    """The figures of several schools, computed together (shared/stats/services.py rollup_schools).
    Only schools still active when it runs: the list was made when it was sent."""
    active = set(active_school_schemas())
    return rollup_schools(schemas=[schema for schema in schemas if schema in active], years=years)


# OutboxTask: a roll-up a provincial admin asked for goes through the outbox (the dashboard's
# 立即重新统计, POST /api/v1/stats/refresh/); beat's nightly one is a plain message.
@shared_task(base=OutboxTask, name="shared.stats.tasks.rollup_all")
def rollup_all(year: int | None = None) -> int:
    """Nightly and on demand: the active schools' figures of the year, STATS_ROLLUP_SCHOOLS_PER_TASK
    schools per task (several workers share the region). Without a year: this year (and, in January,
    the last one — see years_to_roll_up)."""
    years = [year] if year else years_to_roll_up(timezone.localdate())
    schemas = active_school_schemas()
    step = settings.STATS_ROLLUP_SCHOOLS_PER_TASK
    for start in range(0, len(schemas), step):
        rollup_schools_task.apply_async(args=(schemas[start:start + step], years))
    return len(schemas)
