"""One entry of a workbench (工作台): a counter, where the work is done, and a short list."""
from __future__ import annotations

from dataclasses import dataclass, field

#: how many items a counter lists under it
LIST_LENGTH = 5


@dataclass
class Todo:
    key: str
    label: str
    count: int
    url: str = ""
    urgent: bool = False
    items: list = field(default_factory=list)   # [{"text", "url", "when"}]
    #: the items group the counted things (e.g. one line per competition): no "查看全部" from the counts
    grouped: bool = False


def counted(rows, length: int = LIST_LENGTH) -> tuple[int, list]:
    """How many rows a queryset has and its first ``length``, in one query: the total rides on each
    row as ``COUNT(*) OVER ()`` (a counter and its short list were a COUNT and a SELECT each). A
    DISTINCT or combined query is counted apart, as the window would count before DISTINCT."""
    from django.db.models import Count, Window

    query = rows.query
    if query.distinct or query.combinator or query.is_sliced:
        return rows.count(), list(rows[:length])
    page = list(rows.annotate(_todo_total=Window(Count("*")))[:length])
    return (page[0]._todo_total if page else 0), page


def areas_counters(areas, user) -> dict:
    """``{(name, key): queryset}``: the counters of every ``(name, module)`` area that has
    ``workbench_counters(user)``, to be counted together by ``counted_many``."""
    counters = {}
    for name, module in areas:
        provide = getattr(module, "workbench_counters", None)
        if provide is not None:
            counters.update({(name, key): rows for key, rows in provide(user).items()})
    return counters


def areas_todos(areas, user, found: dict | None = None) -> list:
    """Every area's todos, in order. With ``found`` (``counted_many`` of ``areas_counters``, other
    keys allowed beside them) an area with counters is handed its own part; without it, or for an
    area without counters, the area counts its own."""
    todos = []
    for name, module in areas:
        if found is not None and hasattr(module, "workbench_counters"):
            todos.extend(module.workbench_todos(user, {key[1]: value for key, value in found.items()
                                                       if isinstance(key, tuple) and key[0] == name}))
        else:
            todos.extend(module.workbench_todos(user))
    return todos


def counted_many(querysets: dict, length: int = LIST_LENGTH) -> dict:
    """Several counters and their short lists, ``{key: (total, first rows)}``: every total in ONE
    statement (a scalar ``(SELECT COUNT(*) FROM (…))`` per counter, each a narrow ``SELECT id``
    without ORDER BY, cheap to compile), then the first ``length`` rows only of the counters that
    have any — a workbench's counters are mostly zero, and each ``counted`` query was a full
    compile of a wide, ordered SELECT. Querysets that are empty by construction (``none()``,
    ``pk__in=[]``) count 0 without SQL; a combined or sliced one is counted on its own.
    ``length=0``: the totals only (e.g. whether something exists)."""
    from django.db import connection

    totals, keys, sql, params = totals_statement(querysets)
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            totals.update(zip(keys, cursor.fetchone()))
    return {key: (totals[key], list(rows[:length]) if totals[key] and length else [])
            for key, rows in querysets.items()}


def totals_statement(querysets: dict) -> tuple[dict, list, str, list]:
    """How ``counted_many`` counts: ({key: total known without the statement}, the keys the
    statement counts in its order, the statement's SQL, its parameters)."""
    from django.core.exceptions import EmptyResultSet

    totals, parts, params = {}, [], []
    for key, rows in querysets.items():
        query = rows.query
        if query.combinator or query.is_sliced:
            totals[key] = rows.count()
            continue
        try:
            sql, sql_params = rows.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            totals[key] = 0
            continue
        parts.append((key, f"(SELECT COUNT(*) FROM ({sql}) AS todo_{len(parts)})"))
        params.extend(sql_params)
    return totals, [key for key, _ in parts], "SELECT " + ", ".join(sql for _, sql in parts), params
