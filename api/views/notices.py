"""The API of issue #12's notices area."""
from __future__ import annotations


def register(router) -> None:
    """Registers this area's viewsets on the school host's router."""
