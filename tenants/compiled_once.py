"""Per-row subqueries of a list whose SQL is compiled once per process (issue #14).

A list's per-row figures (counts, arrays of related ids or names) are correlated subqueries. Django
compiles each of them again on every request, and for a list such as the proposals that was a third
of the request. Their SQL is the same for every request and every school: it names no schema (the
search path picks the school) and refers to the listed row by its table's name, the alias the ORM
gives the table a list selects from. So it is compiled once, on first use, and reused.

    @compiled_once(Proposal)
    def seconds_count():
        return SubqueryCount(ProposalSecond.objects.filter(proposal_id=OuterRef("pk")))

    Proposal.objects.annotate(seconds_count=seconds_count())

The decorated function is called once: what it builds must not depend on the request, the user, the
school or the time. Its SQL may have parameters (fixed values such as a status); they are kept with
it. A value that differs per request (the school a shared table's rows are counted for) is an
argument of the function: it is built with a placeholder in the argument's place, and each use
fills in the value given by name, as a parameter of the SQL (never text in it):

    @compiled_once(HonourCampaign)
    def used_by(school_id):
        return SubqueryCount(Nomination.objects.filter(campaign=OuterRef("pk"), school_id=school_id))

    HonourCampaign.objects.annotate(school_used=used_by(school_id=school.pk))"""
from __future__ import annotations

import datetime
import functools
import inspect

from django.db import models
from django.db.models.sql import Query


class _Template:
    """One subquery resolved against a bare query of ``model`` and its SQL per database vendor."""

    def __init__(self, model, name: str, expression):
        outer = Query(model)
        outer.get_initial_alias()
        self.resolved = expression.resolve_expression(outer, allow_joins=True, reuse=None)
        # A join of the outer row added while resolving would be missing from the list's query. A join
        # trimmed away again is not one: OuterRef("activity_id") sets up the join to the activity and
        # then reads the foreign key's own column, leaving that join unreferenced (refcount 0).
        if any(outer.alias_refcount[alias] for alias in outer.alias_map if alias != outer.base_table):
            raise ValueError(f"compiled_once {name!r}: it may refer only to columns of {model.__name__}'s own table.")
        self.model, self.name, self.outer = model, name, outer
        self.table = model._meta.db_table
        self.sql = {}

    def as_sql(self, connection):
        compiled = self.sql.get(connection.vendor)
        if compiled is None:
            sql, params = self.outer.get_compiler(connection=connection).compile(self.resolved)
            compiled = self.sql[connection.vendor] = (sql, tuple(params))
        return compiled


class PerUse(models.Expression):
    """An argument of a ``compiled_once`` function: compiled as a parameter whose value each use gives."""

    def __init__(self, name: str):
        super().__init__(output_field=models.Field())
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


class CompiledOnce(models.Expression):
    """The expression a ``compiled_once`` function returns: its template's SQL, after checking that
    the query it is compiled into selects from the template's table under that table's name, with
    the values of this use in its arguments' places."""

    subquery = True
    contains_aggregate = False
    contains_over_clause = False

    def __init__(self, template: _Template, values=None):
        super().__init__(output_field=template.resolved.output_field)
        self.template = template
        self.values = values or {}

    @property
    def contains_subquery(self):
        return True

    def as_sql(self, compiler, connection):
        if compiler.query.base_table != self.template.table:
            raise ValueError(f"compiled_once {self.template.name!r} is read from {compiler.query.base_table!r}, "
                             f"not from {self.template.table!r} under its own name.")
        sql, params = self.template.as_sql(connection)
        if not self.values:
            return sql, list(params)
        return sql, [self.values[param.name] if isinstance(param, PerUse) else param for param in params]

    def get_group_by_cols(self):
        # the outer row's columns the subquery refers to: those carry the template's table name too
        return self.template.resolved.get_group_by_cols()


def compiled_once(model):
    """Decorate a function that builds a per-row subquery of ``model``'s rows (module docstring)."""
    def decorate(build):
        arguments = tuple(inspect.signature(build).parameters)

        @functools.cache
        def template():
            placeholders = {name: PerUse(name) for name in arguments}
            return _Template(model, f"{build.__module__}.{build.__qualname__}", build(**placeholders))

        @functools.wraps(build)
        def expression(**values):
            if set(values) != set(arguments):
                raise TypeError(f"{build.__qualname__} takes its values by name: {', '.join(arguments) or 'none'}.")
            return CompiledOnce(template(), values)

        return expression

    return decorate


#: (key) -> (SQL, parameters) of a whole statement compiled once (`rows_compiled_once`)
_STATEMENTS: dict = {}


def rows_compiled_once(key, build, fill, *, stand_ins):
    """The rows (tuples, as the cursor gives them: JSON as text) of the statement of ``build()``, a
    queryset of one fixed shape, compiled on first use under ``key`` and kept for the process;
    ``fill(parameter)`` turns each compiled parameter into this request's (the stand-ins ``build``
    used for the school, the year… into the real ones; any other parameter unchanged). For a list
    whose only statement of its own cost more to build and compile than to run (issue #14; the
    layout's badges do the same, web/badges.py). The SQL names no schema: the request's search_path
    decides whose rows it reads.

    Each of ``stand_ins`` must be among the compiled parameters (itself, or a date of that year):
    a statement the ORM compiled some other way (the value folded into the SQL, a year turned into
    a range) would otherwise run with the stand-in and answer nothing, so it is refused instead."""
    from django.db import connection

    found = _STATEMENTS.get(key)
    if found is None:
        sql, params = build().query.sql_with_params()
        if missing := [value for value in stand_ins if not any(_stands_for(param, value) for param in params)]:
            raise RuntimeError(f"{key}: stand-in(s) {missing} not among the compiled parameters")
        found = _STATEMENTS[key] = (sql, params)
    sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(sql, [fill(value) for value in params])
        return cursor.fetchall()


def _stands_for(param, stand_in) -> bool:
    if isinstance(param, datetime.date):  # a datetime too: the first and last moment of a year
        return param.year == stand_in
    return param == stand_in
