"""A read-only per-school computation over many schools, each of its queries sent once per batch.

The statistics roll-up reads ~25 figures per school through the schools' own selectors; one query
per figure per school is 125,000 round trips at 5,000 schools. Here the computation runs unchanged
(the same selectors, so the same figures the school's pages show), in three steps per batch:

1. **record**: run it in the batch's first school and note every SELECT it sends;
2. **batch**: send each noted SELECT once for the whole batch — the same SQL, its tables qualified
   with each school's schema, the branches joined with UNION ALL, numbered per school and row;
3. **replay**: run it in each school again; a SELECT identical (text and parameters) to a noted one
   is answered from that school's branch of the batch, without a round trip; any other query (a
   branch the first school's data did not take, a write) runs in the school's schema as usual.

Isolation: a school's answers come only from its own branch, whose every `FROM`/`JOIN` names a
table qualified with its schema (or `public` for tables schools do not have); the batch runs with
``search_path`` = pg_catalog, so a table reference the qualification missed fails the batch (which
then falls back to one school at a time) instead of reading another schema.
tests/shared/test_stats_batched.py compares the result with the one-school-at-a-time computation.
"""
from __future__ import annotations

import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable

from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

logger = logging.getLogger(__name__)

# Django names every table it reads in a FROM or JOIN clause, double-quoted; not a column
# (`EXTRACT(YEAR FROM "table"."column")`), which keeps naming the table by its unqualified name
_TABLE = re.compile(r'\b(FROM|JOIN) "([A-Za-z0-9_]+)"(?!\.)')


@dataclass
class Outcome:
    results: dict[str, Any] = field(default_factory=dict)  # schema -> what compute returned
    failed: dict[str, str] = field(default_factory=dict)  # schema -> error
    batched_queries: int = 0  # statements sent for whole batches
    replayed: int = 0  # queries answered from a batch
    direct: int = 0  # queries a school sent itself


def school_tables() -> frozenset[str]:
    """Tables (and views) every school schema has: the template's."""
    from tenants.template import template_schema

    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm')", [template_schema()])
        return frozenset(row[0] for row in cursor.fetchall())


def qualify(sql: str, schema: str, tables: frozenset[str]) -> str:
    """``sql`` with each table it reads named with ``schema`` (a school table) or public."""
    def named(match):
        table = match.group(2)
        return f'{match.group(1)} "{schema if table in tables else "public"}"."{table}"'

    return _TABLE.sub(named, sql)


def _key(sql: str, params) -> tuple[str, str]:
    return sql, repr(tuple(params) if isinstance(params, list) else params)


class _Recorder:
    def __init__(self):
        self.queries: dict[tuple, tuple[str, Any]] = {}

    def __call__(self, execute, sql, params, many, context):
        if not many and sql.lstrip()[:6].upper() == "SELECT":
            self.queries.setdefault(_key(sql, params), (sql, params))
        return execute(sql, params, many, context)


class _Answer:
    """Stands in for the database cursor of a query answered from a batch."""

    def __init__(self, description, rows):
        self.description, self._rows, self.rowcount = description, list(rows), len(rows)

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size=100):
        chunk, self._rows = self._rows[:size], self._rows[size:]
        return chunk

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())

    def close(self):
        pass


class _Replay:
    def __init__(self, answers: dict[tuple, tuple]):
        self.answers, self.replayed, self.direct = answers, 0, 0

    def __call__(self, execute, sql, params, many, context):
        answer = None if many else self.answers.get(_key(sql, params))
        if answer is None:
            self.direct += 1
            return execute(sql, params, many, context)
        self.replayed += 1
        context["cursor"].cursor = _Answer(*answer)  # the caller's fetch* read the school's rows
        return None


def _batch_answers(queries, schemas: list[str], tables: frozenset[str]) -> list[dict[tuple, tuple]]:
    """For each school of ``schemas``: {query key: (description, rows)} of every noted query."""
    answers: list[dict[tuple, tuple]] = [{} for _ in schemas]
    for key, (sql, params) in queries.items():
        if params is None:  # sent without parameters: a literal % was not doubled
            sql, params = sql.replace("%", "%%"), ()
        branches, values = [], []
        for index, schema in enumerate(schemas):
            branches.append(f"SELECT {index} AS school__, row_number() OVER () AS row__, q.* "
                            f"FROM ({qualify(sql, schema, tables)}) q")
            values.extend(params)
        # one transaction per statement: the locks on every school's tables (and their indexes)
        # end with it — held for all statements, they overflow the shared lock table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('search_path')")
            saved = cursor.fetchone()[0]
            # nothing unqualified resolves: a miss fails the batch instead of reading another schema
            cursor.execute("SELECT set_config('search_path', 'pg_catalog', true)")
            cursor.execute(f"SELECT * FROM ({' UNION ALL '.join(branches)}) batch ORDER BY 1, 2", values)
            description = cursor.description[2:]
            for index in range(len(schemas)):
                answers[index][key] = (description, [])
            for row in cursor.fetchall():
                answers[row[0]][key][1].append(tuple(row[2:]))
            cursor.execute("SELECT set_config('search_path', %s, true)", [saved])  # inside a savepoint
    return answers


def for_many_schools(compute: Callable[[], Any], schemas: list[str], *, batch_size: int = 50) -> Outcome:
    """``compute()`` (read-only) in every schema of ``schemas``, as if run in each in turn.

    A school whose computation raises a DatabaseError is reported in ``failed``; the others go on.
    """
    outcome = Outcome()
    tables = school_tables()
    for start in range(0, len(schemas), batch_size):
        batch = schemas[start:start + batch_size]
        recorder = _Recorder()
        recorded_in = None
        for schema in batch:  # the first school whose computation works shows the queries
            try:
                with transaction.atomic(), schema_context(schema), connection.execute_wrapper(recorder):
                    outcome.results[schema] = compute()
                recorded_in = schema
                break
            except DatabaseError as exc:
                outcome.failed[schema] = str(exc)
                recorder.queries.clear()
        rest = [schema for schema in batch if schema not in outcome.results and schema not in outcome.failed]
        answers = [{} for _ in rest]
        if recorded_in and rest and recorder.queries:
            try:
                answers = _batch_answers(recorder.queries, rest, tables)
                outcome.batched_queries += len(recorder.queries)
            except DatabaseError:
                # e.g. one school lacks a table: every school of the batch answers for itself
                logger.warning("cross-schema batch failed; schools of this batch computed one by one",
                               exc_info=True)
        for schema, answered in zip(rest, answers):
            replay = _Replay(answered)
            try:
                # a savepoint only inside a transaction (a failed read must not abort it); outside,
                # a school whose reads all come from the batch costs no BEGIN/COMMIT
                with (transaction.atomic() if connection.in_atomic_block else nullcontext()), \
                        schema_context(schema), connection.execute_wrapper(replay):
                    outcome.results[schema] = compute()
            except DatabaseError as exc:
                outcome.failed[schema] = str(exc)
            outcome.replayed += replay.replayed
            outcome.direct += replay.direct
    return outcome
