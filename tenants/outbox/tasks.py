"""The tasks' side of the outbox: a task sent from it does its work once per key, however often the
message arrives; and the relay beat runs."""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

from tenants.tasks import SchoolTask

logger = logging.getLogger(__name__)


class OutboxMixin:
    """Runs the task body in one transaction with its outbox row locked (by the task id, which is the
    row's key): a row already completed means the work is done and the message is a redelivery; else
    the body runs and the row is marked completed in the same transaction, so the work and "done"
    commit together or not at all. A worker killed half-way leaves neither; the relay sends the
    message again after OUTBOX_REDELIVER_AFTER_SECONDS.

    Why not acks_late alone: kombu's filesystem transport (`make run`'s broker) deletes a message when
    the worker fetches it, not when it acknowledges it. acks_late is set as well, for Redis/RabbitMQ,
    where it makes the broker hand the message of a lost worker to another one sooner.

    A message that does not come from the outbox (beat, a direct call) runs as a plain task."""

    acks_late = True
    reject_on_worker_lost = True
    #: False for a task whose work is idempotent (done twice, it leaves what it leaves once) and too
    #: big for one transaction: the statistics roll-up's chunk reads hundreds of schools, and held
    #: in one transaction the locks on their tables overflow the shared lock table. Its body then
    #: runs in its own transactions and the row is marked completed after it; a redelivery of a
    #: message completed meanwhile still does nothing.
    outbox_atomic = True

    def __call__(self, *args, **kwargs):
        from tenants.outbox.models import OutboxMessage
        from tenants.outbox.services import outbox_mark_failed_attempt

        key = self.request.id
        if not key or not OutboxMessage.objects.filter(key=key).exists():
            return super().__call__(*args, **kwargs)
        try:
            if not self.outbox_atomic:
                if OutboxMessage.objects.filter(key=key, completed_at__isnull=False).exists():
                    logger.info("发件箱消息 %s 已完成，重复送达的任务不再执行。", key)
                    return None
                result = super().__call__(*args, **kwargs)
                OutboxMessage.objects.filter(key=key).update(completed_at=timezone.now(), last_error="")
                return result
            with transaction.atomic():
                row = OutboxMessage.objects.select_for_update().get(key=key)
                if row.completed_at is not None:
                    logger.info("发件箱消息 %s 已完成，重复送达的任务不再执行。", key)
                    return None
                result = super().__call__(*args, **kwargs)
                OutboxMessage.objects.filter(pk=row.pk).update(completed_at=timezone.now(), last_error="")
                return result
        except Exception as exc:
            try:
                outbox_mark_failed_attempt(key=key, error=exc)
            except Exception:  # noqa: BLE001 — the database itself is away; the row says nothing new
                logger.warning("发件箱消息 %s 的出错记录未能写入。", key)
            raise


class OutboxTask(OutboxMixin, TenantTask):
    """Base for outbox tasks that run in whatever schema they were sent for (provincial ones in public)."""

    abstract = True


class OutboxSchoolTask(OutboxMixin, SchoolTask):
    """Base for outbox tasks over one school's data (refuses public, as SchoolTask)."""

    abstract = True


@shared_task(name="tenants.outbox.tasks.relay")
def relay() -> dict:
    """Beat's every-OUTBOX_RELAY_SECONDS round: what the fast path could not send (the broker was
    away), and what was sent but never completed (a worker killed mid-task)."""
    from tenants.outbox.services import outbox_relay

    return outbox_relay()
