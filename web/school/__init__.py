"""The school's areas of issue #10 onwards, one module each, like the provincial site's web/province/.

Each module has `urlpatterns` (mounted by web/urls_school.py under its prefix, in the `school`
namespace) and `workbench_todos(user) -> list[web.todo.Todo]` for the school's 工作台. An area whose
counters are querysets also has `workbench_counters(user) -> {key: queryset}` (only the counters this
user's roles give) and takes `workbench_todos(user, found)`, ``found`` being
``web.todo.counted_many`` of them: the 工作台 counts every area's counters in one statement
(`area_counters` + `area_todos(user, found)`), an area called alone counts its own. Optionally
`member_sections(user, member)` for the member's page (会员详情) and `portal_sections(user, member)` for
the member's own portal (我的), each a list of `Section`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from web.todo import areas_counters, areas_todos

#: (module, URL prefix) — the prefix is where web/urls_school.py mounts the module's pages
AREAS = (("books", "books/"), ("care", "care/"), ("hardship", "hardship/"), ("aid", "mutual-aid/"),
         ("activities", "activities/"), ("healthchecks", "health-checks/"), ("trips", "trips/"),
         ("awards", "awards/"), ("retirement", "retirement/"),
         # issue #12
         ("workplan", "workplan/"), ("calendar", "calendar/"), ("pledges", "pledges/"), ("notices", "notices/"),
         ("summary", "summary/"))


@dataclass
class Section:
    """A card an area adds to a member's page or portal: its template is included with ``context``."""

    template: str
    context: dict = field(default_factory=dict)


def area_modules():
    from importlib import import_module

    return [import_module(f"web.school.{name}") for name, _ in AREAS]


def _named_areas():
    return [(name, module) for (name, _), module in zip(AREAS, area_modules())]


def area_counters(user) -> dict:
    """``{(area, key): queryset}``: every area's counters for this user, to be counted together."""
    return areas_counters(_named_areas(), user)


def area_todos(user, found: dict | None = None) -> list:
    """Every area's todos, in AREAS order; ``found`` is ``counted_many(area_counters(user))`` (the
    areas count their own without it)."""
    return areas_todos(_named_areas(), user, found)


def _sections(hook: str, user, member) -> list[Section]:
    sections = []
    for module in area_modules():
        provide = getattr(module, hook, None)
        if provide is not None:
            sections.extend(provide(user, member))
    return sections


def area_member_sections(user, member) -> list[Section]:
    return _sections("member_sections", user, member)


def area_portal_sections(user, member) -> list[Section]:
    return _sections("portal_sections", user, member)
