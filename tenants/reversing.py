"""``reverse(name, args=[pk])`` (or ``[slug]``) for many rows at the cost of one reverse (issue #14).

A list of 50 rows reversed its row links 50 times, a large part of its page's cost. Here a URL name
whose only argument is an ``<int:…>`` id is reversed once per URLconf and script prefix (the school
host's and the province's differ) with a stand-in id, and each row's id is put in its place. Used by
the pages' row links (web.links.pk_link, web.links.slug_link) and the calendar's entries
(tenants/workplan/calendar.py). A ``<slug:…>`` argument is put in place the same way: a slug's
characters are the ones ``reverse`` leaves unquoted; anything else goes through ``reverse`` itself.
"""
from __future__ import annotations

import re

from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = 987654321987
_SLUG_STAND_IN = "stand-in-slug-987654321987"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_AROUND_PK: dict[tuple, tuple[str, str]] = {}
_AROUND_SLUG: dict[tuple, tuple[str, str]] = {}


def reverse_with_pk(name: str, pk) -> str:
    """What ``reverse(name, args=[pk])`` answers; raises NoReverseMatch as it does."""
    key = (name, get_urlconf(), get_script_prefix())
    around = _AROUND_PK.get(key)
    if around is None:
        before, _, after = reverse(name, args=[_STAND_IN]).partition(str(_STAND_IN))
        around = _AROUND_PK[key] = (before, after)
    return f"{around[0]}{int(pk)}{around[1]}"


def reverse_with_slug(name: str, slug: str) -> str:
    """What ``reverse(name, args=[slug])`` answers for a URL whose only argument is a <slug:…>."""
    if not _SLUG.fullmatch(slug or ""):
        return reverse(name, args=[slug])
    key = (name, get_urlconf(), get_script_prefix())
    around = _AROUND_SLUG.get(key)
    if around is None:
        before, _, after = reverse(name, args=[_SLUG_STAND_IN]).partition(_SLUG_STAND_IN)
        around = _AROUND_SLUG[key] = (before, after)
    return f"{around[0]}{slug}{around[1]}"
