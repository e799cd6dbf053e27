"""The school's areas of issue #10 onwards, one module each, like the provincial site's web/province/.

Each module has `urlpatterns` (mounted by web/urls_school.py under its prefix, in the `school`
namespace) and `workbench_todos(user) -> list[web.todo.Todo]` for the school's 工作台.
"""
from __future__ import annotations

#: (module, URL prefix) — the prefix is where web/urls_school.py mounts the module's pages
AREAS = (("books", "books/"), ("care", "care/"), ("hardship", "hardship/"), ("aid", "mutual-aid/"))


def area_modules():
    from importlib import import_module

    return [import_module(f"web.school.{name}") for name, _ in AREAS]


def area_todos(user) -> list:
    todos = []
    for module in area_modules():
        todos.extend(module.workbench_todos(user))
    return todos
