"""Per-row figures of a list computed in the list's own query (issue #14): a count of related rows
as a correlated subquery, so a page of 100 rows costs the same queries as a page of one."""
from __future__ import annotations

from django.db.models import IntegerField, Subquery


class SubqueryCount(Subquery):
    """``count(*)`` of the rows of ``queryset`` (filtered with OuterRef to the outer row): 0 when none.

    ``SubqueryCount(Child.objects.filter(parent=OuterRef("pk"), status=...))`` is what
    ``parent.children.filter(status=...).count()`` answers, per row of the outer query. Pass
    ``queryset.values(...).distinct()`` to count distinct values."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        if not queryset.query.values_select:
            queryset = queryset.values("pk")
        super().__init__(queryset.order_by(), **extra)


def RelatedIds(model, field_name: str):
    """The ids of a row's many-to-many ``field_name`` in the order its prefetch lists them (the target
    model's ordering), as an array in the row's own query: annotate a list's rows with
    ``listed_<field_name>=RelatedIds(Model, "<field_name>")`` (api.listed reads it)."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    field = model._meta.get_field(field_name)
    target = field.related_model
    rows = target._default_manager.filter(**{field.related_query_name(): OuterRef("pk")})
    return ArraySubquery(rows.order_by(*(target._meta.ordering or ["pk"])).values("pk"))
