"""Per-row figures of a list computed in the list's own query (issue #14): a count of related rows
as a correlated subquery, so a page of 100 rows costs the same queries as a page of one."""
from __future__ import annotations

import datetime
import decimal
import functools
import json

from django.db import models
from django.db.models import F, IntegerField, JSONField, Subquery

from tenants.compiled_once import compiled_once


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
    ``listed_<field_name>=RelatedIds(Model, "<field_name>")`` (api.listed reads it). Its SQL depends
    on nothing of the request, so it is compiled once per process (tenants.compiled_once)."""
    return _related_ids(model, field_name)()


@functools.cache
def _related_ids(model, field_name: str):
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    def ids():
        field = model._meta.get_field(field_name)
        target = field.related_model
        rows = target._default_manager.filter(**{field.related_query_name(): OuterRef("pk")})
        return ArraySubquery(rows.order_by(*(target._meta.ordering or ["pk"])).values("pk"))

    ids.__qualname__ = f"RelatedIds({model.__name__}, {field_name!r})"
    return compiled_once(model)(ids)


def RelatedValue(model, relation: str, column: str):
    """One column of the row a foreign key ``relation`` points to (e.g. a member's branch's name) as a
    scalar subquery in the row's own query, NULL where the key is: annotate a list's rows with
    ``listed_<serializer field>=RelatedValue(Model, "branch", "name")`` (api.listed.ListedValue
    reads it). A join cost the ORM compiling the related table's columns and building its instance
    on every row and request; this SQL depends on nothing of the request, so it is compiled once per
    process (tenants.compiled_once)."""
    return _related_value(model, relation, column)()


@functools.cache
def _related_value(model, relation: str, column: str):
    from django.db.models import OuterRef

    def value():
        field = model._meta.get_field(relation)
        rows = field.related_model._default_manager.filter(pk=OuterRef(field.attname))
        return Subquery(rows.order_by().values(column))

    value.__qualname__ = f"RelatedValue({model.__name__}, {relation!r}, {column!r})"
    return compiled_once(model)(value)


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


class _RelatedObjectField(JSONField):
    """The output of RelatedObject: the related row as a model instance (with the rows it was read
    with in its relations' caches, as select_related leaves them), or None."""

    def __init__(self, build):
        super().__init__()
        self.build = build

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.build(json.loads(value) if isinstance(value, str) else value, connection.alias)


class _Loaded:
    """One model of a RelatedObject's tree: the columns read of it (in its table's order, as
    Model.from_db wants them) and the relations below it. A related row's primary key is its
    parent's foreign key (read once: ``pk_key``)."""

    def __init__(self, model, path: str, pk_key: str):
        self.model, self.path, self.pk_key = model, path, pk_key
        self.attnames = {model._meta.pk.attname}
        self.below = {}  # relation name -> _Loaded

    def add(self, names: list[str]):
        field = self.model._meta.get_field(names[0])
        self.attnames.add(field.attname)
        if len(names) > 1:
            if names[0] not in self.below:
                self.below[names[0]] = _Loaded(field.related_model, f"{self.path}{names[0]}__",
                                               f"{self.path}{field.attname}")
            self.below[names[0]].add(names[1:])

    def _keys(self):
        pk = self.model._meta.pk.attname
        return [(field, self.pk_key if field.attname == pk else f"{self.path}{field.attname}")
                for field in self.model._meta.concrete_fields if field.attname in self.attnames]

    def columns(self):
        """(JSON key, queryset path, field) of every column read, each once."""
        for field, key in self._keys():
            if self.path and key == self.pk_key:
                continue  # the parent's foreign key, already read
            yield key, f"{self.path}{field.name if field.is_relation else field.attname}", field
        for loaded in self.below.values():
            yield from loaded.columns()

    def build(self, row: dict, db: str, parse):
        if row[self.pk_key] is None:  # a nullable relation without a row, as select_related leaves it
            return None
        names, values = [], []
        for field, key in self._keys():
            value = row[key]
            parser = parse.get(key)
            names.append(field.attname)
            values.append(parser(value) if parser and value is not None else value)
        instance = self.model.from_db(db, names, values)
        for name, loaded in self.below.items():
            instance._state.fields_cache[name] = loaded.build(row, db, parse)
        return instance


def RelatedObject(model, relation: str, fields):
    """A row's rarely filled relation ``relation`` (a foreign key, a one-to-one, or a one-to-one's
    reverse) read as one JSON object in the row's own query instead of a join per table: the
    related row with ``fields`` (paths through its own relations, as ``.only()`` names them, e.g.
    ``congress__branch__name``), turned back into model instances. Annotate a list's rows with it
    under the name of a ``ListedRelation`` of the model, which puts it where select_related would.

    A join costs PostgreSQL planning and the ORM compiling and populating on every request and every
    row, also for the many rows without the relation; this subquery, compiled once
    (tenants.compiled_once), costs a sub-plan and an instance only where the row has one."""
    from django.db.models import OuterRef
    from django.db.models.functions import Cast, JSONObject

    field = model._meta.get_field(relation)
    target = field.related_model
    if field.concrete:
        rows = target._default_manager.filter(pk=OuterRef(field.attname))
    else:  # the reverse side of a one-to-one
        rows = target._default_manager.filter(**{field.field.name: OuterRef("pk")})
    tree = _Loaded(target, "", target._meta.pk.attname)
    for name in fields:
        tree.add(name.split("__"))
    columns, parse = {}, {}
    for key, path, column in tree.columns():
        # a decimal as text keeps its digits (a JSON number would come back as a float)
        columns[key] = Cast(path, models.TextField()) if isinstance(column, models.DecimalField) else F(path)
        parser = _parser(column)
        if parser:
            parse[key] = parser
    return Subquery(rows.order_by().values(row=JSONObject(**columns)),
                    output_field=_RelatedObjectField(lambda row, db: tree.build(row, db, parse)))


class ListedRelation:
    """Where a list's query leaves a RelatedObject annotation: assigning the related instance (or
    None) to it caches it as the model's relation ``relation``, as select_related does, so what
    reads ``row.<relation>`` (a property, a serializer's dotted source, a template) reads it without
    a query. Reading it reads the relation.

        class Proposal(models.Model):
            listed_merged_into = ListedRelation("merged_into")

        Proposal.objects.annotate(listed_merged_into=RelatedObject(Proposal, "merged_into", ["number"]))"""

    def __init__(self, relation: str):
        self.relation = relation

    def __get__(self, instance, owner=None):
        return self if instance is None else getattr(instance, self.relation)

    def __set__(self, instance, value):
        instance._state.fields_cache[self.relation] = value
