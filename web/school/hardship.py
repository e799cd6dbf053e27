"""Pages of the hardship register (困难教职工档案), confidential (issue #10)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns: list = []


def workbench_todos(user) -> list[Todo]:
    return []
