"""Pages of 年度工作总结: the yearly work summary drafted from the data as .docx (issue #12, point 7)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns = []


def workbench_todos(user) -> list[Todo]:
    return []
