"""The API of the school's award campaigns, nominations, 公示 and objections (issue #11)."""
from __future__ import annotations


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
