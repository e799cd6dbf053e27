from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from rest_framework.pagination import PageNumberPagination

#: the annotation carrying the total on each row of a page (not a field of any model)
TOTAL = "_page_total"


def windowable(rows) -> bool:
    """A model queryset whose total can ride on its rows as ``COUNT(*) OVER ()``: not DISTINCT (the
    window counts before DISTINCT), not combined, not already sliced, not a values() query (an extra
    key or tuple member would change what a caller reads)."""
    if not isinstance(rows, QuerySet) or rows._iterable_class is not ModelIterable:
        return False
    query = rows.query
    return not (query.distinct or query.combinator or query.is_sliced or query.select_for_update)


class WindowPaginator(Paginator):
    """Django's paginator with the page and the total read in one query (``COUNT(*) OVER ()`` on
    each row) instead of a COUNT and a SELECT — every list page and API list paid a second compiled
    query for the count. Beyond the last page, for queries the window cannot count, or with
    ``orphans``, it is Django's paginator unchanged (the same pages, errors and counts)."""

    def _number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if self.orphans or "count" in self.__dict__ or not windowable(self.object_list):
            return super().page(number)
        number = self._number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(**{TOTAL: Window(Count("*"))})[bottom:bottom + self.per_page])
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL)  # Paginator.count is a cached_property
            return self._get_page(rows, number, self)
        if number == 1:
            self.__dict__["count"] = 0
            return super().page(number)  # Django's answer for an empty first page (allow_empty_first_page)
        return super().page(number)      # past the end: Django counts and raises EmptyPage

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "页码无效。"
    django_paginator_class = WindowPaginator
