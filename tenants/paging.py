"""A paginator whose first page needs no COUNT when the whole list fits on it (issue #14).

The first page reads one row more than it shows: when that is all there is, the rows read are the
count (most lists of a school fit on one page, and the COUNT was one of their 3–4 statements). A
longer list is counted as before, lazily, and its first page is the rows already read; other pages
are Django's. Used by the API's pagination (api/pagination.py) and the pages' tables (web/tables.py).
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet


class FirstPageCountingPaginator(Paginator):
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
