"""E-mail tasks. Each runs on the host (schema) it was sent for — a school's or the provincial one
(public): unlike SchoolTask, public is a host with mail of its own here."""
from __future__ import annotations

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

from tenants.mail import services


@shared_task(base=TenantTask, bind=True, name="tenants.mail.tasks.send_outgoing_mail", max_retries=None)
def send_outgoing_mail(self, mail_id: int) -> None:
    """Send one mail of the outbox; on an SMTP failure try again with backoff (the row holds the
    schedule; in eager mode — tests — the sweeper does the retrying)."""
    retry_in = services.deliver(mail_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)


@shared_task(base=TenantTask, name="tenants.mail.tasks.sweep_outbox")
def sweep_outbox() -> int:
    return services.sweep_outbox()


@shared_task(base=TenantTask, name="tenants.mail.tasks.send_daily_digests")
def send_daily_digests() -> int:
    return services.send_daily_digests()
