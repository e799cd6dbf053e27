"""The API of the hardship register (issue #10)."""
from __future__ import annotations


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
