"""Pages of mutual aid (大病互助 / 医疗互助): schemes, enrolment, claims, payouts (issue #10)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns: list = []


def workbench_todos(user) -> list[Todo]:
    return []
