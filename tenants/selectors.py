from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from tenants.models import School


def schools(*, status: str | None = None):
    """Member schools (never the provincial row itself); the API filters them further with
    api.filters.SchoolFilter."""
    rows = School.objects.exclude(schema_name=get_public_schema_name())
    return rows.filter(status=status) if status else rows


def schools_matching(rows, text: str):
    """Schools whose name, short name, site name (slug) or region contains `text` (the provincial
    schools page's search, as the API's search over name, short name and slug)."""
    text = (text or "").strip()
    if not text:
        return rows
    return rows.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(slug__icontains=text.lower())
                       | Q(region__icontains=text))


def schools_in_table(rows):
    """Of each school only what the provincial schools table shows and links by (issue #14: the
    row's other columns cost compiling and building on every page)."""
    return rows.only("id", "name", "slug", "kind", "status", "created")


def active_school_schemas() -> list[str]:
    return list(schools(status=School.Status.ACTIVE).values_list("schema_name", flat=True))
