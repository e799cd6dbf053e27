from celery import shared_task

from tenants.notices.services import remind_due_notices
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="tenants.notices.tasks.remind_due_notices")
def remind_due_notices_task() -> int:
    """Daily, in each school: notices whose 要求阅读日期 is reached remind their unread recipients once."""
    return remind_due_notices()
