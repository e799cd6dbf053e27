"""Has a school been written since its figures were computed? Answered without opening its tables.

At 5,000 schools the roll-up's cost is almost all the database's first touch of each school's ~16
tables and indexes (parse/plan, catalog cache, page cache: 30–70 ms a school), not the figures'
SQL (~1 ms). A school nobody wrote to since the last roll-up has the same figures (they are pure
functions of its rows and the year: shared/stats/figures.py), so the roll-up skips it when its
**fingerprint** is the one stored with its figures (SchoolStats.source_fingerprint).

The fingerprint is PostgreSQL's own per-table write counters (``pg_stat_get_tuples_inserted /
updated / deleted``: shared-memory statistics, read without opening the relation) summed over
exactly the tables the compiled figures read in that school, with each table's OID and relfilenode
(a table dropped and made again, or TRUNCATEd — which moves no counter — changes them), plus a
global part that changes every school's fingerprint when:

- the figures' definitions change (a deploy): a hash of the compiled SQL and its parameters, of the
  source files of the modules that reduce rows to figures and of the states they count
  (rollup_code_digest), and of SchoolStats's columns;
- the year (each year's row has its own fingerprint);
- the server restarted (``pg_postmaster_start_time``), or a backend crashed and the server
  reinitialised without restarting (crash recovery throws every table's counters away and keeps the
  start time; it stamps the shared statistics' reset time, ``pg_stat_get_bgwriter_stat_reset_time``,
  checked by hand on PostgreSQL 18 with a killed backend);
- the configuration was reloaded (``pg_conf_load_time``: ``track_counts`` may have been off for a while);
- the counters were reset (``pg_stat_reset()``, or ``pg_stat_reset_single_table_counters`` on one
  table, both of which set the database's ``stats_reset`` time: tests/shared/test_stats_changes.py);
- a public table the figures read was written.

With ``track_counts`` off there are no counters: every school is read (fingerprints are None). A
session that turns it off for itself (``SET track_counts = off``, a superuser's bulk load) writes
without counting: run ``rollup_stats --full`` after such a session.

**Read before the data, stored with the figures.** A table's counters move only after the writing
transaction ended (a backend flushes its pending counts when it goes idle, after its commit), so a
fingerprint read before the figures' statements never claims a write those statements did not
see. A write that commits between the fingerprint and the data is in the figures but not in the
fingerprint: the next run sees a changed fingerprint and reads the school again (one read too
many, never one too few). A fingerprint read after the data could include a write the data
missed and hide it for good — hence the order.
"""
from __future__ import annotations

import functools
import hashlib
from importlib import import_module
from pathlib import Path

from django.db import connection

_COUNTERS = ("pg_catalog.pg_stat_get_tuples_inserted(c.oid) + pg_catalog.pg_stat_get_tuples_updated(c.oid)"
             " + pg_catalog.pg_stat_get_tuples_deleted(c.oid)")


def _tables(compiled: dict) -> tuple[list[str], list[str]]:
    school = sorted(set().union(*(query.school_tables for query in compiled.values())))
    public = sorted(set().union(*(query.public_tables for query in compiled.values())))
    return school, public


@functools.lru_cache(maxsize=1)
def rollup_code_digest() -> str:
    """What turns a school's rows into its figures, besides the SQL: the reducer modules' source files
    (figures.SOURCES; a whole file, so any change there reads every school once more), the states
    the reducers count and SchoolStats's columns (a new column must be filled for every school)."""
    from shared.stats.figures import SOURCES
    from shared.stats.models import SchoolStats
    from tenants.congress.workflow import ACCEPTED_STATES, PUBLIC_STATES

    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update(Path(import_module(name).__file__).read_bytes())
    digest.update(repr((sorted(ACCEPTED_STATES), sorted(PUBLIC_STATES),
                        [field.name for field in SchoolStats._meta.concrete_fields])).encode())
    return digest.hexdigest()


def definition_hash(compiled: dict) -> str:
    """The compiled figures' SQL and parameters and the code that reduces their rows (their
    definitions: they change with a deploy)."""
    digest = hashlib.sha256(rollup_code_digest().encode())
    for key in sorted(compiled, key=repr):
        digest.update(repr((key, compiled[key].sql, compiled[key].params)).encode())
    return digest.hexdigest()


def fingerprints(compiled: dict, schemas: list[str]) -> dict[str, str | None]:
    """{schema: fingerprint} for the figures ``compiled`` ({key: CompiledQuery} of one or several
    years, as rollup_schools holds them; without the year and the definitions: for_year adds them). None for a school whose writes cannot be seen this way
    (track_counts off, a table missing or not a plain table): that school is always read.
    Two statements for the whole list: the global part, then every school's counters (pg_class
    looked up by (relname, relnamespace), its unique index)."""
    school_tables, public_tables = _tables(compiled)
    with connection.cursor() as cursor:
        # a new statistics snapshot (stats_fetch_consistency "cache" keeps the first one a
        # transaction read until it ends: inside an enclosing transaction it would be stale)
        cursor.execute("SELECT pg_catalog.pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pg_catalog.current_setting('track_counts')::bool, pg_catalog.pg_postmaster_start_time()::text"
            " || ' ' || coalesce(pg_catalog.pg_stat_get_bgwriter_stat_reset_time()::text, '-')"
            " || ' ' || pg_catalog.pg_conf_load_time()::text, "
            "pg_catalog.pg_stat_get_db_stat_reset_time(d.oid)::text, "
            "(SELECT pg_catalog.string_agg(t.relname || ':' || coalesce(c.relkind::text, '-') || ':'"
            f" || coalesce(c.oid::text || '.' || c.relfilenode::text || '.' || ({_COUNTERS})::text, '-'), ','"
            "  ORDER BY t.relname)"
            " FROM pg_catalog.unnest(%s::text[]) AS t(relname)"
            " LEFT JOIN pg_catalog.pg_class c ON c.relname = t.relname"
            "  AND c.relnamespace = 'public'::pg_catalog.regnamespace) "
            "FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()", [public_tables])
        track_counts, started, reset, public = cursor.fetchone()
        if not track_counts or not schemas:
            return dict.fromkeys(schemas)
        cursor.execute(
            "SELECT s.nspname, pg_catalog.count(c.oid), pg_catalog.bool_and(c.relkind = 'r'), "
            f"pg_catalog.sum({_COUNTERS}), "
            "pg_catalog.md5(pg_catalog.string_agg(c.oid::text || '.' || c.relfilenode::text, ',' ORDER BY t.relname)) "
            "FROM pg_catalog.unnest(%s::text[]) AS s(nspname) "
            "JOIN pg_catalog.pg_namespace n ON n.nspname = s.nspname "
            "CROSS JOIN pg_catalog.unnest(%s::text[]) AS t(relname) "
            "LEFT JOIN pg_catalog.pg_class c ON c.relname = t.relname AND c.relnamespace = n.oid "
            "GROUP BY s.nspname", [schemas, school_tables])
        rows = cursor.fetchall()
    common = hashlib.sha256(repr((started, reset, public)).encode()).hexdigest()
    found: dict[str, str | None] = dict.fromkeys(schemas)
    for schema, count, plain, writes, identity in rows:
        if count == len(school_tables) and plain:
            found[schema] = hashlib.sha256(f"{common}:{schema}:{writes}:{identity}".encode()).hexdigest()
    return found


def for_year(fingerprint: str | None, year: int, definition: str) -> str:
    """The fingerprint stored with one year's row: the school's, the year and the definition_hash
    of that year's compiled figures ("" when the school has none: never matches)."""
    return hashlib.sha256(f"{fingerprint}:{year}:{definition}".encode()).hexdigest() if fingerprint else ""
