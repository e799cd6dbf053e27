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


def _around(kept: dict, name: str, stand_in) -> tuple[str, str]:
    """What comes before and after the argument in ``name``'s address, reversed once per URLconf."""
    key = (name, get_urlconf(), get_script_prefix())
    around = kept.get(key)
    if around is None:
        before, _, after = reverse(name, args=[stand_in]).partition(str(stand_in))
        around = kept[key] = (before, after)
    return around


def reverse_with_pk(name: str, pk) -> str:
    """What ``reverse(name, args=[pk])`` answers; raises NoReverseMatch as it does."""
    before, after = _around(_AROUND_PK, name, _STAND_IN)
    return f"{before}{int(pk)}{after}"


def reverse_with_slug(name: str, slug: str) -> str:
    """What ``reverse(name, args=[slug])`` answers for a URL whose only argument is a <slug:…>."""
    if not _SLUG.fullmatch(slug or ""):
        return reverse(name, args=[slug])
    before, after = _around(_AROUND_SLUG, name, _SLUG_STAND_IN)
    return f"{before}{slug}{after}"
