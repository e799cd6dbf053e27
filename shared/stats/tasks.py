from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.stats.services import compute_current_school, years_to_roll_up
from tenants.outbox.tasks import OutboxTask
from tenants.selectors import active_school_schemas
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="shared.stats.tasks.rollup_school")
def rollup_school(year: int) -> int:
    return compute_current_school(year=year).pk


# OutboxTask: a roll-up a provincial admin asked for goes through the outbox (the dashboard's
# 立即重新统计, POST /api/v1/stats/refresh/); beat's nightly one is a plain message.
@shared_task(base=OutboxTask, name="shared.stats.tasks.rollup_all")
def rollup_all(year: int | None = None) -> int:
    """Nightly and on demand: one roll-up task per active school and year, each in that school's
    schema. Without a year: this year (and, in January, the last one — see years_to_roll_up)."""
    years = [year] if year else years_to_roll_up(timezone.localdate())
    schemas = active_school_schemas()
    for schema in schemas:
        with schema_context(schema):
            for one in years:
                rollup_school.apply_async(args=(one,))
    return len(schemas)
