from django_tenants.utils import get_public_schema_name

from tenants.models import School


def schools(*, status: str | None = None, kind: str | None = None, region: str | None = None):
    """Member schools (never the provincial row itself)."""
    rows = School.objects.exclude(schema_name=get_public_schema_name())
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        rows = rows.filter(region=region)
    return rows


def active_school_schemas() -> list[str]:
    return list(schools(status=School.Status.ACTIVE).values_list("schema_name", flat=True))
