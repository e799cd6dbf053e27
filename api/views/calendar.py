"""The API of 行事历 and 十件实事 (issue #12, points 2 and 3)."""
from __future__ import annotations


def register(router) -> None:
    """Registers this area's viewsets on the school host's router."""
