"""The API of 荣休 ceremonies (issue #11)."""
from __future__ import annotations


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
