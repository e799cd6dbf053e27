from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class ShortFirstPagePaginator(Paginator):
    """Django's paginator, without the COUNT query when the first page is not full.

    A first page that holds fewer rows than the page size is the whole list, so its length is the
    count; a full first page reuses the rows it fetched and asks COUNT once (as before). Other pages
    are Django's as they are. Never reads more than one page of rows.
    """

    def page(self, number):
        try:
            first = int(number) == 1
        except (TypeError, ValueError):
            first = False
        if not first or self.orphans or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
        elif self.count < self.per_page:  # rows were deleted between the two reads
            rows = rows[: self.count]
        return self._get_page(rows, 1, self)


class PagePagination(PageNumberPagination):
    django_paginator_class = ShortFirstPagePaginator
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "页码无效。"
