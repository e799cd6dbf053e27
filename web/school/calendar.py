"""Pages of 行事历: the year's tasks month by month, the school's and the province's circular points; the year-end report (issue #12, point 2)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns = []


def workbench_todos(user) -> list[Todo]:
    return []
