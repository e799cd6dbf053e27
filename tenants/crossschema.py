"""Read-only figures of many schools at once: fixed querysets, each sent once per batch of schools.

The statistics roll-up reads about 25 figures per school; one query per figure per school is
125,000 round trips at 5,000 schools, and building and compiling those querysets again in every
school costs more Python than the database spends answering them. Here the figures are a fixed set
of named ``values()`` querysets (each school-side area's selectors module says which:
``rollup_querysets(year)``), **compiled to SQL once per process** (:class:`CompiledQuery`), and
for a batch of schools each one goes to the database once: the same SQL per school, its tables
qualified with that school's schema, the branches joined with UNION ALL and labelled with the
school's position in the batch. What comes back is each school's rows per name, converted as
Django would convert them; a pure Python reducer per area turns them into figures
(shared/stats/figures.py).

Isolation: a school's rows come only from its own branch, whose every ``FROM``/``JOIN`` names a
table qualified with its schema (or ``public`` for tables schools do not have); each statement
runs with ``search_path`` = pg_catalog, so a table reference the qualification missed fails the
statement (the batch then falls back to one school at a time, and a school that fails alone is
reported) instead of reading another schema.
Locks: each statement is its own transaction (outside an enclosing one), so the locks on a batch
of schools' tables and indexes end with it.
tests/shared/test_stats_batched.py compares the result with each school's own selectors, run alone.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

# Django names every table it reads in a FROM or JOIN clause, double-quoted; not a column
# (`EXTRACT(YEAR FROM "table"."column")`), which keeps naming the table by its unqualified name
_TABLE = re.compile(r'\b(FROM|JOIN) "([A-Za-z0-9_]+)"(?!\.)')
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]*")  # django-tenants' schema names; anything else is refused
_MARK = "\x00schema\x00"  # where a school's schema goes in a compiled statement (never in SQL text)


@dataclass
class Outcome:
    results: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # schema -> name -> rows
    failed: dict[str, str] = field(default_factory=dict)  # schema -> error
    statements: int = 0  # statements sent (each for a whole batch, or for one school on fallback)


def school_tables() -> frozenset[str]:
    """Tables (and views) every school schema has: the template's.

    Found through pg_depend's reference index (everything in a schema depends on it: what
    ``DROP SCHEMA … CASCADE`` follows, tenants/schema_sql.py), never a scan of pg_class, which
    holds every school's relations (2.4 million rows at 5,000 schools: 1 s a scan)."""
    from tenants.template import template_schema

    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_catalog.pg_depend d "
                       "JOIN pg_catalog.pg_class c ON c.oid = d.objid "
                       "WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass "
                       "AND d.refobjid = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = %s) "
                       "AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'n' "
                       "AND c.relkind IN ('r', 'p', 'v', 'm')", [template_schema()])
        return frozenset(row[0] for row in cursor.fetchall())


def tables_read(sql: str, tables: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The school tables and the public tables ``sql`` reads (as qualify names them)."""
    named = {match.group(2) for match in _TABLE.finditer(sql)}
    return frozenset(named & tables), frozenset(named - tables)


def qualify(sql: str, schema: str, tables: frozenset[str]) -> str:
    """``sql`` with each table it reads named with ``schema`` (a school table) or public."""
    def named(match):
        table = match.group(2)
        return f'{match.group(1)} "{schema if table in tables else "public"}"."{table}"'

    return _TABLE.sub(named, sql)


class CompiledQuery:
    """A ``values()`` queryset compiled once: its SQL with a place for the school's schema in every
    table reference, its parameters, its column names and Django's converters for its columns (so a
    row reads as the queryset itself would give it: Decimals quantized, booleans, …)."""

    def __init__(self, queryset, tables: frozenset[str]):
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ValueError("a roll-up figure is a values() queryset")
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.converters = compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
        self.compiler = compiler
        self.params = tuple(params)
        self.sql = qualify(sql, _MARK, tables)
        # what it reads: the roll-up's change detection watches exactly these tables' write counters
        self.school_tables, self.public_tables = tables_read(sql, tables)

    def for_schema(self, schema: str) -> str:
        if not _SCHEMA.fullmatch(schema):
            raise ValueError(f"not a schema name: {schema!r}")
        return self.sql.replace(_MARK, schema)

    def rows(self, raw: list) -> list[dict]:
        if self.converters:
            raw = self.compiler.apply_converters(raw, self.converters)
        return [dict(zip(self.names, row)) for row in raw]


def _send(compiled: CompiledQuery, schemas: list[str]) -> list[list[dict]]:
    """One statement: ``compiled`` for every school of ``schemas``; each school's rows."""
    branches = [f"SELECT {index} AS school__, q.* FROM ({compiled.for_schema(schema)}) q"
                for index, schema in enumerate(schemas)]
    raw: list[list] = [[] for _ in schemas]
    # one transaction per statement: the locks on every school's tables (and their indexes) end
    # with it (inside an enclosing transaction a savepoint, which does not end them: see below)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        saved = cursor.fetchone()[0]
        # nothing unqualified resolves: a miss fails the statement instead of reading another schema
        cursor.execute("SELECT set_config('search_path', 'pg_catalog', true)")
        cursor.execute(" UNION ALL ".join(branches), compiled.params * len(schemas))
        for row in cursor.fetchall():
            raw[row[0]].append(row[1:])
        cursor.execute("SELECT set_config('search_path', %s, true)", [saved])  # inside a savepoint
    return [compiled.rows(rows) for rows in raw]


def compile_querysets(querysets: dict) -> dict[str, CompiledQuery]:
    """{name: values() queryset} compiled once (the caller keeps them: per process and year)."""
    tables = school_tables()
    return {name: CompiledQuery(queryset, tables) for name, queryset in querysets.items()}


def rows_of_many_schools(compiled: dict[str, CompiledQuery], schemas: list[str], *,
                         batch_size: int = 50) -> Outcome:
    """Every school's rows of every compiled query: {schema: {name: [row dict, …]}}.

    Each query goes to the database once per ``batch_size`` schools. A batch whose statement
    fails (one school lacks a table) is read again one school at a time; a school that fails then
    is reported in ``failed`` and the others go on."""
    outcome = Outcome()
    for start in range(0, len(schemas), batch_size):
        batch = schemas[start:start + batch_size]
        results: dict[str, dict[str, list[dict]]] = {schema: {} for schema in batch}
        try:
            for name, query in compiled.items():
                outcome.statements += 1
                for schema, rows in zip(batch, _send(query, batch)):
                    results[schema][name] = rows
        except DatabaseError:
            logger.warning("cross-schema batch failed; schools of this batch read one by one", exc_info=True)
            results = {}
            for schema in batch:
                try:
                    own = {}
                    for name, query in compiled.items():
                        outcome.statements += 1
                        own[name] = _send(query, [schema])[0]
                    results[schema] = own
                except DatabaseError as exc:
                    outcome.failed[schema] = str(exc)
        outcome.results.update(results)
    return outcome
