from django_tenants.utils import get_public_schema_name

from tenants.models import School


def schools(*, status: str | None = None):
    """Member schools (never the provincial row itself); the API filters them further with
    api.filters.SchoolFilter."""
    rows = School.objects.exclude(schema_name=get_public_schema_name())
    return rows.filter(status=status) if status else rows


def active_school_schemas() -> list[str]:
    return list(schools(status=School.Status.ACTIVE).values_list("schema_name", flat=True))
