from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from tenants.outbox.models import OutboxMessage


def outbox_figures() -> dict:
    """What an operator watches: messages waiting (not yet done, still being tried), failed (the
    task failed OUTBOX_MAX_DELIVERIES times; `outbox_status --retry-failed`), and the age in seconds
    of the oldest waiting one (grows while the broker or the worker is away)."""
    limit = settings.OUTBOX_MAX_DELIVERIES
    figures = OutboxMessage.objects.filter(completed_at__isnull=True).aggregate(
        pending=Count("pk", filter=Q(deliveries__lt=limit)),
        failed=Count("pk", filter=Q(deliveries__gte=limit)),
        oldest=Min("created_at", filter=Q(deliveries__lt=limit)),
    )
    oldest = figures.pop("oldest")
    figures["oldest_pending_seconds"] = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return figures
