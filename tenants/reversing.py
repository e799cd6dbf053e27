"""``reverse(name, args=[pk])`` for many rows at the cost of one reverse (issue #14).

A list of 50 rows reversed its row links 50 times, a large part of its page's cost. Here a URL name
whose only argument is an ``<int:…>`` id is reversed once per URLconf and script prefix (the school
host's and the province's differ) with a stand-in id, and each row's id is put in its place. Used by
the pages' row links (web.links.pk_link) and the calendar's entries (tenants/workplan/calendar.py).
"""
from __future__ import annotations

from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = 987654321987
_AROUND_PK: dict[tuple, tuple[str, str]] = {}


def reverse_with_pk(name: str, pk) -> str:
    """What ``reverse(name, args=[pk])`` answers; raises NoReverseMatch as it does."""
    key = (name, get_urlconf(), get_script_prefix())
    around = _AROUND_PK.get(key)
    if around is None:
        before, _, after = reverse(name, args=[_STAND_IN]).partition(str(_STAND_IN))
        around = _AROUND_PK[key] = (before, after)
    return f"{around[0]}{int(pk)}{around[1]}"
