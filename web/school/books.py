"""Pages of the union's books: budget, entries recorded and approved, 经审, year-end close (issue #10)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns: list = []


def workbench_todos(user) -> list[Todo]:
    return []
