"""Reads about accounts on the current host."""
from django.db.models import F

from tenants.accounts.models import Notification, User


def notifications_of(user, *, unread: bool | None = None):
    rows = Notification.objects.filter(user=user)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows


def notifications_unread_first(user):
    """A person's inbox: unread ones on top, then newest first."""
    return Notification.objects.filter(user=user).order_by(F("read_at").desc(nulls_first=True), "-created", "-id")


def accounts_to_appoint():
    """Accounts of this school that can be named branch chair or department handler."""
    return User.objects.filter(is_active=True).order_by("username")
