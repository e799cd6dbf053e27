"""Per-row figures of a list computed in the list's own query (issue #14): a count of related rows
as a correlated subquery, so a page of 100 rows costs the same queries as a page of one."""
from __future__ import annotations

import datetime
import decimal
import json

from django.db import models
from django.db.models import F, IntegerField, JSONField, Subquery


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


class _ListedRowsField(JSONField):
    """The output of RelatedRows: a list of dicts whose values have the Python types the model's
    fields give (a JSON object carries datetimes, dates and decimals as text)."""

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def from_db_value(self, value, expression, connection):
        rows = [json.loads(row) if isinstance(row, str) else row for row in value or ()]
        for row in rows:
            for name, parse in self.parse:
                if row[name] is not None:
                    row[name] = parse(row[name])
        return rows


def _parser(field):
    if isinstance(field, models.DateTimeField):
        return datetime.datetime.fromisoformat
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat
    if isinstance(field, models.DecimalField):
        return decimal.Decimal
    return None


class RelatedRows(models.Expression):
    """The rows of a row's reverse foreign key ``related_name`` as its prefetch would list them (the
    related model's ordering, then its id), each a dict of ``fields`` with the values' model types,
    as an array in the row's own query: annotate a list's rows with
    ``listed_<related_name>=RelatedRows(Model, "<related_name>", [...])`` (api.listed.ListedRows
    reads it). A prefetch of a page's few rows costs a statement, its compilation and a model
    instance per row (issue #14).

    The subquery's SQL is the same for every page and every school (it names no schema), so it is
    compiled once per process; it refers to the listed row by its table's name, which is the alias
    the ORM gives the table a list selects from (checked on every use)."""

    _compiled: dict = {}

    def __init__(self, model, related_name: str, fields, order_by=()):
        relation = model._meta.get_field(related_name)
        target = relation.related_model
        parsers = ((name, _parser(target._meta.get_field(name))) for name in fields)
        parse = tuple((name, parser) for name, parser in parsers if parser)
        super().__init__(output_field=_ListedRowsField(parse))
        self.model, self.related_name, self.fields, self.order_by = model, related_name, tuple(fields), tuple(order_by)

    def as_sql(self, compiler, connection):
        if compiler.query.base_table != self.model._meta.db_table:
            raise ValueError(f"RelatedRows({self.model.__name__}, {self.related_name!r}) is read from "
                             f"{compiler.query.base_table!r}, not from its own table.")
        key = (connection.vendor, self.model, self.related_name, self.fields, self.order_by)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(connection)
        return compiled

    def _compile(self, connection):
        from django.contrib.postgres.expressions import ArraySubquery
        from django.db.models import OuterRef
        from django.db.models.functions import Cast, JSONObject
        from django.db.models.sql import Query

        relation = self.model._meta.get_field(self.related_name)
        target = relation.related_model
        rows = target._default_manager.filter(**{relation.field.name: OuterRef("pk")})
        order = list(self.order_by or target._meta.ordering or [])
        if "pk" not in order and "id" not in order:
            order.append("pk")
        # a decimal as text keeps its digits (a JSON number would come back as a float)
        columns = {name: Cast(name, models.TextField())
                   if isinstance(target._meta.get_field(name), models.DecimalField) else F(name)
                   for name in self.fields}
        outer = Query(self.model)
        outer.get_initial_alias()
        subquery = ArraySubquery(rows.order_by(*order).values(row=JSONObject(**columns))).resolve_expression(outer)
        return subquery.as_sql(outer.get_compiler(connection=connection), connection)
