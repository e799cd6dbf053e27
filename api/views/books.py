"""The API of the union's books (budget, entries, approvals, close, export) (issue #10)."""
from __future__ import annotations


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
