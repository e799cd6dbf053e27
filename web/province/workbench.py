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
from web.todo import counted_many

AREAS = (honours, competitions, staffhomes, subsidies, circulars, schools, dashboard)


def province_workbench(user) -> dict:
    counters = {(area.__name__, key): rows for area in AREAS if hasattr(area, "workbench_counters")
                for key, rows in area.workbench_counters(user).items()}
    counters["notifications"] = notifications_of(user, unread=True)
    found = counted_many(counters)
    todos = []
    for area in AREAS:
        if hasattr(area, "workbench_counters"):
            todos.extend(area.workbench_todos(user, {key[1]: value for key, value in found.items()
                                                     if isinstance(key, tuple) and key[0] == area.__name__}))
        else:
            todos.extend(area.workbench_todos(user))
    unread_count, unread = found["notifications"]
    return {
        "todos": todos,
        "waiting": sum(t.count for t in todos),
        "notifications": [{"message": n.message, "url": page_link(n.link), "when": n.created}
                          for n in unread],
        "unread": unread_count,
    }
