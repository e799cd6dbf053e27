"""Pages of 疗休养：批次、资格规则、申请、按规则排序的遴选、确认与替补（issue #11）."""
from __future__ import annotations

from web.todo import Todo

urlpatterns: list = []


def workbench_todos(user) -> list[Todo]:
    return []


def member_sections(user, member) -> list:
    """Sections of the member's page (会员详情) this person may see: a list of web.school.Section."""
    return []


def portal_sections(user, member) -> list:
    """Sections of the member's own portal (我的); member may be None (an account without a file)."""
    return []
