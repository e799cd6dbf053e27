import uuid

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shared.stats.services import compute_current_school, rollup_schools, years_to_roll_up
from tenants.outbox.tasks import OutboxTask
from tenants.selectors import active_school_schemas
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="shared.stats.tasks.rollup_school")
def rollup_school(year: int) -> int:
    return compute_current_school(year=year).pk


# OutboxTask: rollup_all sends its chunks through the outbox (a chunk the filesystem broker deleted
# when a worker fetched it, the worker then killed, is sent again by the relay; one completed is not
# run again). Not in one transaction (outbox_atomic False): the reads of a chunk's hundreds of schools
# would hold the locks on all their tables and indexes to its end and overflow the shared lock table
# ("out of shared memory" after about 100 schools); each batch statement is its own transaction, and
# a chunk run twice writes the same rows again.
@shared_task(base=OutboxTask, outbox_atomic=False, name="shared.stats.tasks.rollup_schools")
def rollup_schools_task(schemas: list[str], years: list[int], full: bool = False) -> int:
    """The figures of several schools, computed together (shared/stats/services.py rollup_schools:
    a school unchanged since its figures were read is not read again, unless ``full``).
    Only schools still active when it runs: the list was made when it was sent."""
    active = set(active_school_schemas())
    return rollup_schools(schemas=[schema for schema in schemas if schema in active], years=years, full=full)


# OutboxTask: a roll-up a provincial admin asked for goes through the outbox (the dashboard's
# 立即重新统计, POST /api/v1/stats/refresh/); beat's nightly one is a plain message.
@shared_task(bind=True, base=OutboxTask, name="shared.stats.tasks.rollup_all")
def rollup_all(self, year: int | None = None, full: bool = False) -> int:
    """Nightly and on demand: the active schools' figures of the year, STATS_ROLLUP_SCHOOLS_PER_TASK
    schools per task (several workers share the region). Without a year: this year (and, in January,
    the last one — see years_to_roll_up). Each chunk reads only the schools written since their
    figures were read (shared/stats/fingerprint.py); ``full`` reads every school.

    The chunks are outbox messages written in one transaction (within the outbox's own when this
    run came from it): this run's "done" and its chunks commit together. Their keys are this task's
    id (its outbox key) and the chunk's index, so a redelivered rollup_all never doubles them."""
    from tenants.outbox.services import outbox_enqueue

    years = [year] if year else years_to_roll_up(timezone.localdate())
    schemas = active_school_schemas()
    step = settings.STATS_ROLLUP_SCHOOLS_PER_TASK
    parent = self.request.id or f"rollup_all:{uuid.uuid4().hex}"
    with transaction.atomic():
        for index, start in enumerate(range(0, len(schemas), step)):
            # full only when asked: the nightly chunks' arguments stay what a worker of the last
            # release understands
            outbox_enqueue(task="shared.stats.tasks.rollup_schools",
                           args=[schemas[start:start + step], years, *([True] if full else [])],
                           key=f"{parent}:chunk:{index}")
    return len(schemas)
