"""The layout's navigation bars, written out in Python: drawn on every page (about 30 entries, twice),
they cost more through the template engine than the rest of the layout (issue #14). The markup is
the one the layout had; `web.nav` decides the entries."""
from django import template
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

register = template.Library()


def _current(item) -> str:
    return ' aria-current="page"' if item["current"] else ""


@register.filter
def top_nav_links(items) -> str:
    """The top bar's links, with the unread badge where an entry has one."""
    links = []
    for item in items:
        badge = (f' <span class="nav-count" data-testid="nav-count">{escape(item["badge"])}'
                 f'<span class="sr-only">条未读</span></span>') if item["badge"] else ""
        links.append(f'<a href="{escape(item["url"])}"{_current(item)}>{escape(item["label"])}{badge}</a>')
    return mark_safe("".join(links))


@register.filter
def bottom_nav_links(items) -> str:
    """The phone's bottom bar: the entries marked `bottom`, each with its icon."""
    return mark_safe("".join(
        f'<a href="{escape(item["url"])}"{_current(item)}><span class="icon" aria-hidden="true">'
        f'{escape(item["icon"])}</span><span>{escape(item["label"])}</span></a>'
        for item in items if item["bottom"]))
