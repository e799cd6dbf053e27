"""Pages of 荣休: the year's retirees gathered into a ceremony record with its date and list (issue #11)."""
from __future__ import annotations

from web.todo import Todo

urlpatterns: list = []


def workbench_todos(user) -> list[Todo]:
    return []


def member_sections(user, member) -> list:
    """Sections of the member's page (会员详情) this person may see: a list of web.school.Section."""
    return []
