"""A notification's link on the pages: the stored page path when this host has such a page,
otherwise the list it belongs to (e.g. a suggestion before suggestions had pages of their own),
otherwise nothing — never an /api/ address, which would show a person raw JSON."""
from django.urls import Resolver404, resolve

from tenants.reversing import reverse_with_pk, reverse_with_slug

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


def pk_link(name: str, attribute: str = "pk"):
    """A list column's link, `lambda row: reverse(name, args=[row.pk])`, reversed once per URLconf
    (tenants/reversing.py). For URLs whose only argument is an <int:…> id."""
    def link(row) -> str:
        return reverse_with_pk(name, getattr(row, attribute))
    return link


def slug_link(name: str, attribute: str = "slug"):
    """A list column's link, `lambda row: reverse(name, args=[row.slug])`, reversed once per URLconf."""
    def link(row) -> str:
        return reverse_with_slug(name, getattr(row, attribute))
    return link
