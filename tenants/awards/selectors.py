"""Reads of the school's award campaigns (issue #11)."""
from __future__ import annotations


def members_awarded_since(year: int) -> set[int]:
    """Ids of the members named in a final list (after 公示) of a campaign of ``year`` or later.

    Read by the 疗休养 selection (award winners first). The awards area fills this in; until it
    lands it finds nobody."""
    return set()
