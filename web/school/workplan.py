"""Pages of The year's work plan (工作要点 → tasks with owners), task pages for owners (issue #12, points 1 and 8)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns = []


def workbench_todos(user) -> list[Todo]:
    return []
