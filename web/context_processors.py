"""What every page's layout needs: the navigation and the unread-notification badge."""
from functools import partial

from web.badges import unread_badges
from web.nav import nav_for


def layout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "tenant", None) is None:
        return {}
    # A callable: templates call it only when the layout draws the badge (not on admin or API pages).
    return {"nav_items": partial(nav_for, request), "unread_count": partial(_unread_notifications, request)}


def _unread_notifications(request) -> int:
    return unread_badges(request)["notifications"]
