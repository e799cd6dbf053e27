from celery import shared_task

from tenants.congress.services import flag_overdue_proposals
from tenants.tasks import SchoolTask


@shared_task(base=SchoolTask, name="tenants.congress.tasks.flag_overdue_proposals")
def flag_overdue_proposals_task() -> int:
    """Nightly, in each school: proposals past their due date without a reply become 督办."""
    return flag_overdue_proposals()
