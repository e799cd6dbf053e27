"""Celery tasks of webhooks. They run in the schema they were sent from — a school's or the
province's (public): webhooks belong to both kinds of host, so these are TenantTasks, not SchoolTasks."""
from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context
from tenant_schemas_celery.task import TenantTask

from tenants.selectors import active_school_schemas


@shared_task(base=TenantTask, name="tenants.webhooks.tasks.deliver")
def deliver(delivery_id: int, manual: bool = False) -> str:
    """One attempt at one delivery (idempotent: a delivery already sent, or not due, is left alone)."""
    from tenants.webhooks.services import delivery_attempt

    delivery = delivery_attempt(delivery_id, manual=manual)
    return "skipped" if delivery is None else delivery.outcome


@shared_task(name="tenants.webhooks.tasks.sweep_due")
def sweep_due() -> int:
    """Beat, every minute: send every due delivery of the province and of each active school (first
    attempts whose task was lost, and retries whose backoff has passed). One small indexed query per
    schema; a task only for the deliveries that are due."""
    from tenants.webhooks.services import due_delivery_ids

    sent = 0
    for schema in [get_public_schema_name(), *active_school_schemas()]:
        with schema_context(schema):
            for delivery_id in due_delivery_ids():
                deliver.apply_async(args=[delivery_id])
                sent += 1
    return sent
