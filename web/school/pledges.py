"""Pages of 十件实事: the year's pledges to staff, public to every member with their progress (issue #12, point 3)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns = []


def workbench_todos(user) -> list[Todo]:
    return []
