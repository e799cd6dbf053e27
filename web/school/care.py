"""Pages of 慰问标准, care visits, life events reported by branches, batch visits (issue #10)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns: list = []


def workbench_todos(user) -> list[Todo]:
    return []
