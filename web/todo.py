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
