"""Reads about accounts on the current host."""
from tenants.accounts.models import Notification


def notifications_of(user, *, unread: bool | None = None):
    rows = Notification.objects.filter(user=user)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows


def unread_notification_count(user) -> int:
    return notifications_of(user, unread=True).count()
