"""The API of activities, registrations, teams, check-in (issue #11)."""
from __future__ import annotations


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
