from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class FirstPageCountingPaginator(Paginator):
    """The first page reads one row more than it shows: a list that fits on it is counted by that
    read, without the COUNT statement (most lists of a school fit on one page; the COUNT was one of
    their 3–4 statements). A longer list is counted as before, and its first page is the rows already
    read. The answer (count, next, previous, results) is the same either way (issue #14;
    tests/api/test_pagination.py). The pages' tables do the same (web/tables.py)."""

    def page(self, number):
        if str(number) != "1" or self.orphans or "count" in self.__dict__ or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        first = list(self.object_list[: self.per_page + 1])
        if len(first) <= self.per_page:
            self.count = len(first)  # Paginator.count is a cached_property
        else:
            self.validate_number(1)  # counted as before
        return self._get_page(first[: self.per_page], 1, self)


class PagePagination(PageNumberPagination):
    django_paginator_class = FirstPageCountingPaginator
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "页码无效。"
