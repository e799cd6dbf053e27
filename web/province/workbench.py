"""The provincial 工作台: each area says what waits for this person; this module only collects.

The order of AREAS is the order of the counters on the page.
"""
from __future__ import annotations

from tenants.accounts.selectors import notifications_of
from web.links import page_link
from web.province import circulars, competitions, dashboard, honours, schools, staffhomes, subsidies
from web.todo import counted

AREAS = (honours, competitions, staffhomes, subsidies, circulars, schools, dashboard)


def province_workbench(user) -> dict:
    todos = [todo for area in AREAS for todo in area.workbench_todos(user)]
    unread_count, unread = counted(notifications_of(user, unread=True))
    return {
        "todos": todos,
        "waiting": sum(t.count for t in todos),
        "notifications": [{"message": n.message, "url": page_link(n.link), "when": n.created}
                          for n in unread],
        "unread": unread_count,
    }
