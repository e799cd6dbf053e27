"""Writes of the outbox (see models.py): enqueue inside the change's transaction; publish after it
commits (the fast path) and again from the relay until the broker takes the message and the task
has done its work."""
from __future__ import annotations

import datetime
import importlib
import logging
import uuid

from celery import current_app
from celery.exceptions import NotRegistered
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tenants.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_enqueue(*, task: str, args=(), kwargs=None, key: str | None = None,
                   schema: str | None = None, rearm: bool = False) -> OutboxMessage:
    """Ask for ``task`` to run in ``schema`` (default: the connection's) once this transaction
    commits. Rolled back, nothing is sent. ``key`` names the effect: enqueuing a key again returns
    the existing row, and the task runs its effect at most once per key. ``args``/``kwargs`` are ids
    (JSON), never personal data: the row is readable from every schema.

    ``rearm``: a key whose row is already completed is made due again (the change was made anew,
    e.g. an application disbursed again after a restore rewound it); the task's own idempotency
    (not the row) then decides whether there is anything left to do."""
    _task(task)  # a misspelt task name fails here, in the change, not later in a worker
    schema = schema or connection.schema_name
    key = key or f"{task}:{uuid.uuid4().hex}"
    # ON CONFLICT DO NOTHING: two transactions asking for the same effect write one row
    OutboxMessage.objects.bulk_create([OutboxMessage(key=key, task=task, args=list(args),
                                                     kwargs=dict(kwargs or {}), schema_name=schema)],
                                      ignore_conflicts=True)
    message = OutboxMessage.objects.get(key=key)
    if rearm and message.completed_at is not None:
        _rearm(key)
        message.refresh_from_db()
    if message.completed_at is None:
        transaction.on_commit(lambda: outbox_publish(keys=[key]))
    return message


def outbox_publish(*, keys: list[str] | None = None, limit: int | None = None, force: bool = False) -> dict:
    """Hand messages to the broker. With ``keys``: those never sent or due (the fast path after a
    commit; a key enqueued twice is sent once), or all of them with ``force`` (an operator's resend).
    Without: the due ones (the relay). Rows another process is
    publishing are skipped (SKIP LOCKED), so the fast path and the relay never send a row at once.
    A broker error is recorded on the row with a backoff and ends the round: the next round (or the
    relay) tries again. Returns {"sent": n, "refused": n}."""
    now = timezone.now()
    eager = current_app.conf.task_always_eager
    sent = refused = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(completed_at__isnull=True)
        if keys is not None:
            rows = rows.filter(key__in=keys)
            if not force:
                rows = rows.filter(Q(sent_at__isnull=True) | Q(available_at__lte=now))
        else:
            rows = rows.filter(available_at__lte=now, deliveries__lt=settings.OUTBOX_MAX_DELIVERIES)
        rows = list(rows.order_by("available_at", "pk")[:limit or settings.OUTBOX_RELAY_BATCH])
        if not rows:
            return {"sent": 0, "refused": 0}
        broker = None if eager else current_app.connection_for_write()
        try:
            for row in rows:
                row.attempts += 1
                try:
                    _send(row, broker)
                except Exception as exc:  # noqa: BLE001 — the broker: the row stays and waits its backoff
                    if eager:  # tests run tasks in place: their errors are the test's to see
                        raise
                    refused += 1
                    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    row.available_at = timezone.now() + datetime.timedelta(
                        seconds=outbox_backoff(row.attempts - row.deliveries))
                    row.save(update_fields=["attempts", "last_error", "available_at"])
                    logger.warning("发件箱消息 %s 未能交给任务队列（%s），%s 后重试。", row.key,
                                   type(exc).__name__, row.available_at.isoformat())
                    break
                sent += 1
                row.deliveries += 1
                row.sent_at = timezone.now()
                # not completed by then (a worker killed mid-task, a queue that lost it): sent again
                row.available_at = row.sent_at + datetime.timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER_SECONDS)
                row.save(update_fields=["attempts", "deliveries", "sent_at", "available_at"])
        finally:
            if broker is not None:
                broker.release()
    return {"sent": sent, "refused": refused}


def _send(row: OutboxMessage, broker) -> None:
    task = _task(row.task)
    # the task id is the key (OutboxTask finds its row by it); the schema travels in the header
    # tenant-schemas-celery reads, so the worker runs the task in that school's schema
    task.apply_async(args=row.args, kwargs=row.kwargs, task_id=row.key,
                     headers={"_schema_name": row.schema_name}, connection=broker, retry=False)


def _task(name: str):
    """The registered task; a web process registers a task module only once it is imported, and
    our task names are their module paths."""
    try:
        return current_app.tasks[name]
    except NotRegistered:
        importlib.import_module(name.rpartition(".")[0])
        return current_app.tasks[name]


def outbox_backoff(refusals: int) -> int:
    """Seconds before trying a refused message again: doubling from the base, capped."""
    return min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(refusals - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS)


def outbox_relay() -> dict:
    """The relay's round (beat, every OUTBOX_RELAY_SECONDS): publish what is due, a batch at a time,
    until nothing is due or the broker refuses; then forget completed rows older than
    OUTBOX_KEEP_DAYS."""
    total = {"sent": 0, "refused": 0}
    while True:
        result = outbox_publish()
        total["sent"] += result["sent"]
        total["refused"] += result["refused"]
        if result["refused"] or result["sent"] < settings.OUTBOX_RELAY_BATCH:
            break
    OutboxMessage.objects.filter(
        completed_at__lt=timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)).delete()
    return total


def outbox_mark_failed_attempt(*, key: str, error: BaseException) -> None:
    """A task that raised: say so on its row (the type only — messages may name people). The row is
    sent again after OUTBOX_REDELIVER_AFTER_SECONDS, up to OUTBOX_MAX_DELIVERIES times."""
    OutboxMessage.objects.filter(key=key, completed_at__isnull=True).update(
        last_error=f"任务出错：{type(error).__name__}")


def outbox_retry_failed() -> int:
    """Operators (manage.py outbox_status --retry-failed): messages that used up their deliveries
    get as many again, from now."""
    return OutboxMessage.objects.filter(
        completed_at__isnull=True, deliveries__gte=settings.OUTBOX_MAX_DELIVERIES
    ).update(deliveries=0, available_at=timezone.now())


def _rearm(key: str) -> int:
    """A completed row made due again, as if new: deliveries back to 0 (a fresh request gets the
    whole OUTBOX_MAX_DELIVERIES), attempts kept (the row's history), the last error forgotten."""
    return OutboxMessage.objects.filter(key=key, completed_at__isnull=False).update(
        completed_at=None, deliveries=0, sent_at=None, last_error="", available_at=timezone.now())


def outbox_send_now(*, task: str, args=(), kwargs=None, key: str, schema: str) -> OutboxMessage:
    """An operator's "send again": the row for ``key`` (made now if the change predates the outbox)
    is published at once, not after a commit. A completed row is re-armed and sent too: the operator
    asks because the effect is missing (a school restored from a backup), and the task is idempotent
    on its own (the subsidy income by its source_ref), so a resend of work that is there writes
    nothing."""
    _task(task)
    OutboxMessage.objects.bulk_create([OutboxMessage(key=key, task=task, args=list(args),
                                                     kwargs=dict(kwargs or {}), schema_name=schema)],
                                      ignore_conflicts=True)
    _rearm(key)
    outbox_publish(keys=[key], force=True)
    return OutboxMessage.objects.get(key=key)
