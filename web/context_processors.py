"""What every page's layout needs: the navigation and the unread-notification badge."""
from functools import partial

from tenants.accounts.selectors import unread_notification_count
from web.nav import nav_for


def layout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "tenant", None) is None:
        return {}
    # A callable: templates call it only when the layout draws the badge (not on admin or API pages).
    return {"nav_items": partial(nav_for, request), "unread_count": partial(unread_notification_count, user)}
