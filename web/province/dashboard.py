"""Provincial site: dashboard."""
from __future__ import annotations

urlpatterns: list = []


def workbench_todos(user) -> list:
    """What of this area waits for `user` (web.workbench.Todo rows); [] when nothing is theirs."""
    return []
