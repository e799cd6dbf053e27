"""The provincial 工作台: each area says what waits for this person; this module only collects.

The order of AREAS is the order of the counters on the page. As on the school's 工作台 (web/school),
an area whose counters are querysets has `workbench_counters(user) -> {key: queryset}` and takes
`workbench_todos(user, found)`: every area's counters and the unread notifications are counted in
one statement (web.todo.counted_many), and only counters that have any read their first rows.
"""
from __future__ import annotations

from tenants.accounts.selectors import notifications_of
from web.links import page_link
from web.province import circulars, competitions, dashboard, honours, schools, staffhomes, subsidies
from web.todo import areas_counters, areas_todos, counted_many

AREAS = tuple((area.__name__, area) for area in
              (honours, competitions, staffhomes, subsidies, circulars, schools, dashboard))


def province_workbench(user) -> dict:
    counters = areas_counters(AREAS, user)
    counters["notifications"] = notifications_of(user, unread=True)
    found = counted_many(counters)
    todos = areas_todos(AREAS, user, found)
    unread_count, unread = found["notifications"]
    return {
        "todos": todos,
        "waiting": sum(t.count for t in todos),
        "notifications": [{"message": n.message, "url": page_link(n.link), "when": n.created}
                          for n in unread],
        "unread": unread_count,
    }
