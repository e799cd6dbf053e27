"""The layout's unread badges — 通知 on every host, 通知公告 on a school's — counted in one statement
whose SQL is compiled once per process: its shape never changes, only the person, and compiling the
two counts cost more than everything else the layout asks the database (issue #14). The SQL names
no schema: the connection's search_path, set for the request's school, decides whose rows it counts."""
from __future__ import annotations

from django.db import connection

from tenants.accounts.selectors import notifications_of
from web.todo import totals_statement

#: stands for the person in the compiled parameters (no account has a negative id)
_PERSON = -20261123

#: on a school's host or not -> (the counted keys, the SQL, its parameters with _PERSON)
_STATEMENTS: dict[bool, tuple[list, str, list]] = {}


def _statement(on_school_host: bool) -> tuple[list, str, list]:
    found = _STATEMENTS.get(on_school_host)
    if found is None:
        unread = {"notifications": notifications_of(_PERSON, unread=True)}
        if on_school_host:
            from tenants.notices.selectors import unread_receipts

            unread["notices"] = unread_receipts(_PERSON)
        known, keys, sql, params = totals_statement(unread)
        if known or _PERSON not in params:  # a shape this module cannot fill in: never guess
            raise RuntimeError(f"unread badges: not one statement per person ({sorted(known)})")
        found = _STATEMENTS[on_school_host] = (keys, sql, params)
    return found


def unread_badges(request) -> dict[str, int]:
    """{"notifications": n[, "notices": m]} for the signed-in person, asked once per request."""
    found = getattr(request, "_unread_badges", None)
    if found is None:
        keys, sql, params = _statement(not request.tenant.is_province)
        person = request.user.pk
        with connection.cursor() as cursor:
            cursor.execute(sql, [person if value == _PERSON else value for value in params])
            found = request._unread_badges = dict(zip(keys, cursor.fetchone()))
    return found
