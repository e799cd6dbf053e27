from celery import shared_task

from tenants.care.services import remind_unvisited
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="tenants.care.tasks.remind_unvisited_events")
def remind_unvisited_events_task() -> int:
    """Daily, in each school: remind the office of life events with no visit after the set days."""
    return remind_unvisited()
