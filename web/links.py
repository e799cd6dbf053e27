"""A notification's link on the pages: the stored page path when this host has such a page,
otherwise the list it belongs to (e.g. a suggestion before suggestions had pages of their own),
otherwise nothing — never an /api/ address, which would show a person raw JSON."""
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse

from tenants.accounts.links import page_path


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def page_link(link: str) -> str:
    path = page_path(link).split("?")[0].split("#")[0]
    if not path or path == "/":
        return ""
    if _exists(path):
        return page_path(link)
    parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
    return parent if parent != "/" and _exists(parent) else ""


_SENTINEL = 987654321987
_AROUND_PK: dict[tuple, tuple[str, str]] = {}


def pk_link(name: str, attribute: str = "pk"):
    """A list column's link, `lambda row: reverse(name, args=[row.pk])`, reversed once per URLconf
    and script prefix (then the row's id is put in): a list of 50 rows reversed 50 times otherwise,
    a large part of its page's cost. For URLs whose only argument is an <int:…> id."""
    def link(row) -> str:
        key = (name, get_urlconf(), get_script_prefix())
        around = _AROUND_PK.get(key)
        if around is None:
            before, _, after = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
            around = _AROUND_PK[key] = (before, after)
        value = getattr(row, attribute)
        return f"{around[0]}{int(value)}{around[1]}"
    return link
