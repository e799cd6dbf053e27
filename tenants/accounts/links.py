"""Where a notification points.

Services store the path of the PAGE a person opens ("/proposals/12/"): most people never see the
API. API clients were given the resource's API path before pages existed and still are
(`api_link`), derived from the same stored value so the two cannot drift. Rows written before
this change hold the API path; `page_path` reads those too.
"""
from __future__ import annotations

import re

API_PREFIX = "/api/v1"
# A page path that mirrors an API resource: /<resource>/<id>/ ↔ /api/v1/<resource>/<id>/
_RESOURCE = re.compile(r"^/[a-z][a-z-]*/\d+/$")


def page_path(link: str) -> str:
    link = link or ""
    if link.startswith(API_PREFIX + "/"):
        return link[len(API_PREFIX):]
    return link if link.startswith("/") and not link.startswith("/api/") else ""


def api_link(link: str) -> str:
    link = link or ""
    if link.startswith("/api/"):
        return link
    return API_PREFIX + link if _RESOURCE.match(link) else link
