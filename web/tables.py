"""The list component's Python half: columns, filters, sorting and pagination from the query string.

A page builds a `Table`, asks it for the cleaned filter values, passes them to its selector (the
selector decides what a filter means — pages add no rules), and hands the rows back for sorting
and paging:

    table = Table(self.request, columns=[
        Column("number", "编号", sort="number"),
        Column("title", "案由", link=lambda p: reverse("school:proposal", args=[p.pk]), sort="title"),
        Column("status", "状态", badge=True),
        Column("due_date", "办理期限", format="date", sort="due_date"),
    ], filters=[Filter("status", "状态", choices=Proposal.Status.choices), Filter("q", "搜索")],
       default_sort="-created", per_page=20)
    rows = proposals_matching(proposals_visible_to(user), table.values["q"])
    table.paginate(rows)

and the template renders it with `{% ui_table table %}`. Sorting accepts only the columns'
declared `sort` keys; a filter value outside its choices is ignored (shown as 全部). Links for
sorting and pages keep every other query parameter.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from django.db.models import QuerySet

from tenants.paging import FirstPageCountingPaginator


@dataclass
class Column:
    key: str                      # attribute path on the row: "lead_department.name"
    label: str
    sort: str = ""                # order_by key when the column can be sorted
    link: Callable[[Any], str] | None = None
    badge: bool = False           # a status badge: the row's `<key>` value and get_<key>_display
    format: str = ""              # "date" | "datetime" | "money" | "" (as is)
    empty: str = "—"
    primary: bool = False         # the card's heading on phones (default: the first column)


@dataclass
class Filter:
    name: str                     # the query parameter
    label: str
    choices: Iterable[tuple[str, str]] | None = None   # None: a free-text search box
    placeholder: str = ""

    def clean(self, raw: str) -> str:
        raw = (raw or "").strip()
        if self.choices is None:
            return raw[:100]
        return raw if raw in {str(value) for value, _ in self.choices} else ""


@dataclass
class Table:
    request: Any
    columns: list[Column]
    filters: list[Filter] = field(default_factory=list)
    default_sort: str = ""
    per_page: int = 20
    empty_text: str = "暂无记录。"
    empty_hint: str = ""
    #: the element id HTMX swaps (unique per page when a page shows two tables)
    id: str = "list"

    def __post_init__(self):
        params = self.request.GET
        self.values = {f.name: f.clean(params.get(f.name, "")) for f in self.filters}
        sortable = {c.sort for c in self.columns if c.sort}
        asked = params.get("sort", "")
        self.sort = asked if asked.lstrip("-") in sortable else self.default_sort
        self.page = None
        if self.columns and not any(c.primary for c in self.columns):
            self.columns[0].primary = True

    @property
    def filtered(self) -> bool:
        return any(self.values.values())

    def paginate(self, rows):
        if self.sort and isinstance(rows, QuerySet):
            rows = rows.order_by(self.sort, "-pk" if self.sort.startswith("-") else "pk")
        # a list that fits on its first page needs no COUNT (tenants/paging.py)
        self.page = FirstPageCountingPaginator(rows, self.per_page).get_page(self.request.GET.get("page"))
        return self.page

    def sort_state(self, column: Column) -> str:
        if not column.sort:
            return ""
        if self.sort == column.sort:
            return "asc"
        if self.sort == f"-{column.sort}":
            return "desc"
        return ""
