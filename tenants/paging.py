"""A paginator whose first page needs no COUNT when the whole list fits on it (issue #14).

The first page reads one row more than it shows: when that is all there is, the rows read are the
count (most lists of a school fit on one page, and the COUNT was one of their 3–4 statements). A
longer list is counted as before, lazily, and its first page is the rows already read; other pages
are Django's. Used by the API's pagination (api/pagination.py) and the pages' tables (web/tables.py).

A list that is counted is counted without the joins only its shown columns need (`count_rows`): a
name read as ``F("member__name")`` joins the member for the rows, not for how many there are.
"""
from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import ForeignObject, QuerySet
from django.db.models.expressions import Col, RawSQL
from django.db.models.sql import Query
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import BaseTable
from django.db.models.sql.where import ExtraWhere, WhereNode


def _aliases_in(expression, found: set) -> set | None:
    """Every table alias a column of ``expression`` names, subqueries' included (more than needed is
    harmless: it only keeps a join). None when it holds raw SQL, whose tables cannot be known."""
    if isinstance(expression, (ExtraWhere, RawSQL)):
        return None
    if isinstance(expression, Col):
        found.add(expression.alias)
        return found
    if isinstance(expression, Query):
        if expression.extra or expression.extra_tables:
            return None
        children = [expression.where, *expression.select, *expression.annotations.values()]
    elif isinstance(expression, WhereNode):
        children = expression.children
    else:
        children = expression.get_source_expressions() if hasattr(expression, "get_source_expressions") else ()
    for child in children:
        if child is not None and _aliases_in(child, found) is None:
            return None
    return found


def _keeps_the_count(join) -> bool:
    """Whether leaving ``join`` out changes no count: a forward foreign key matches at most one row,
    and an inner join on a required, constrained key exactly one."""
    field = join.join_field
    if not isinstance(field, ForeignObject):  # a reverse relation: as many rows as it matches
        return False
    return join.join_type != INNER or (not join.nullable and getattr(field, "db_constraint", False))


def count_rows(queryset: QuerySet) -> int:
    """``queryset.count()`` without its annotations and without the joins that only they or
    select_related-like display columns needed: the same number, a smaller statement to plan and run.
    A query this cannot reason about (grouped, sliced, combined, raw SQL) is counted as Django does."""
    query = queryset.query
    if (query.combinator or query.is_sliced or query.extra or query.extra_tables
            or isinstance(query.group_by, tuple)
            or any(getattr(annotation, "contains_aggregate", True) for annotation in query.annotations.values())):
        return queryset.count()
    needed = _aliases_in(query.where, set())
    if needed is None:
        return queryset.count()
    counted = query.clone()
    counted.annotations = {}
    counted.annotation_select_mask = None
    needed |= {alias for alias, join in counted.alias_map.items()
               if not isinstance(join, BaseTable) and counted.alias_refcount[alias] and not _keeps_the_count(join)}
    for alias in list(needed):  # a needed join needs the joins it hangs from
        parent = getattr(counted.alias_map.get(alias), "parent_alias", None)
        while parent is not None and parent not in needed:
            needed.add(parent)
            parent = getattr(counted.alias_map.get(parent), "parent_alias", None)
    for alias, join in counted.alias_map.items():
        if not isinstance(join, BaseTable) and alias not in needed:
            counted.alias_refcount[alias] = 0
    return counted.get_count(using=queryset.db)


class FirstPageCountingPaginator(Paginator):
    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)
        return super().count

    def get_page(self, number):
        # Django's get_page checks the number against the page count (a COUNT) before asking for
        # the page; the first page is always there
        if number in (None, "", 1, "1"):
            return self.page(1)
        return super().get_page(number)

    def page(self, number):
        if (str(number) != "1" or self.orphans or not self.allow_empty_first_page
                or "count" in self.__dict__ or not isinstance(self.object_list, QuerySet)):
            return super().page(number)
        first = list(self.object_list[: self.per_page + 1])
        if len(first) <= self.per_page:
            self.count = len(first)  # Paginator.count is a cached_property
        return self._get_page(first[: self.per_page], 1, self)
