from rest_framework.pagination import PageNumberPagination

from tenants.paging import FirstPageCountingPaginator


class PagePagination(PageNumberPagination):
    # a list that fits on its first page is answered without a COUNT (tests/api/test_pagination.py)
    django_paginator_class = FirstPageCountingPaginator
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "页码无效。"
