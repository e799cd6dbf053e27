"""The API of care standards, visits, life events and batch visits (issue #10)."""
from __future__ import annotations


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
