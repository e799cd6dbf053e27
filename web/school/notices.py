"""Pages of 通知公告: notices to members, branches or groups, with read receipts and reminders (issue #12, point 4)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns = []


def workbench_todos(user) -> list[Todo]:
    return []
