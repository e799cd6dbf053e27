from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.stats.services import compute_current_school
from tenants.selectors import active_school_schemas
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="shared.stats.tasks.rollup_school")
def rollup_school(year: int) -> int:
    return compute_current_school(year=year).pk


@shared_task(name="shared.stats.tasks.rollup_all")
def rollup_all(year: int | None = None) -> int:
    """Nightly and on demand: one roll-up task per active school, each in that school's schema."""
    year = year or timezone.localdate().year
    schemas = active_school_schemas()
    for schema in schemas:
        with schema_context(schema):
            rollup_school.apply_async(args=(year,))
    return len(schemas)
