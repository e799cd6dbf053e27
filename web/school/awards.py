"""Pages of 评先评优：评选、分工会推荐、审核、公示（工作日）、异议、最终名单、推荐至省级（issue #11）."""
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
