"""The template schema every new school is made from.

`manage.py migrate` keeps the schema named by SCHOOL_TEMPLATE_SCHEMA at migration head and
stores replayable SQL of it (tenants.schema_sql) (structure, the rows migrations wrote, sequence positions) as a
TemplateSnapshot. Provisioning replays that SQL with the schema name rewritten, inside the
caller's transaction: measured in bench/provision.py as several times faster than running the
migrations, and the result is compared catalog-for-catalog with a migrated schema in
tests/tenants/test_template.py.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from config.embedded_db import pg_bin_dir


def template_schema() -> str:
    return settings.SCHOOL_TEMPLATE_SCHEMA


@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code defines: a schema at head has recorded all of them.

    (django-tenants records shared apps' migrations in school schemas too, without running
    their operations, so the set is the same for every schema.)
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def fingerprint(migrations) -> str:
    text = "\n".join(sorted(f"{app}.{name}" for app, name in migrations))
    return hashlib.sha256(text.encode()).hexdigest()


def applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def _pg_dump_binary() -> str:
    if os.environ.get("PG_DUMP"):
        return os.environ["PG_DUMP"]
    bundled = pg_bin_dir() / "pg_dump"
    return str(bundled) if bundled.exists() else (shutil.which("pg_dump") or "pg_dump")


def _libpq_environment() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                      ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if db.get(name):
            env[key] = str(db[name])
    return env


def dump_schema_sql(schema: str) -> str:
    """Replayable SQL of one schema (structure, rows as INSERTs, sequence positions): written by
    tenants.schema_sql from that schema's own catalog rows, in a time that does not grow with the
    number of schools (pg_dump reads the whole database's catalog first)."""
    from tenants.schema_sql import schema_sql

    return schema_sql(schema)


def pg_dump_schema_sql(schema: str) -> str:
    """pg_dump of one schema, as snapshots and backups were made before tenants.schema_sql (kept
    for bench/scale.py's comparison; not used by the application)."""
    result = subprocess.run(
        [_pg_dump_binary(), "--no-owner", "--no-privileges", "--no-comments", "--inserts",
         "--rows-per-insert=500", f"--schema={schema}"],
        env=_libpq_environment(), capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_dump failed for schema {schema}: {result.stderr.strip()}")
    return result.stdout


def replayable_sql(dump: str, schema: str) -> str:
    """Strip what would touch the session (SET, search_path, psql meta-commands, comments) from a
    pg_dump (snapshots and backups made before tenants.schema_sql); the writer's own SQL has none."""
    from tenants.schema_sql import HEADER

    if dump.startswith(HEADER):
        return dump
    kept = []
    for line in dump.splitlines():
        if (line.startswith(("--", "\\", "SET ", "SELECT pg_catalog.set_config("))
                or line.strip() == f"CREATE SCHEMA {schema};"):
            continue
        kept.append(line)
    return "\n".join(kept).strip() + "\n"


def rewrite_schema(sql: str, source: str, target: str) -> str:
    """Qualified names of ``source`` become ``target``'s. In tenants.schema_sql's SQL the rows (one
    line each) are left exactly as they are: a value that happens to contain "<source>." is data."""
    from tenants.schema_sql import HEADER, ROW_PREFIX

    pattern = re.compile(rf'(?<![\w"]){re.escape(source)}\.')
    replacement = f'"{target}".'
    if not sql.startswith(HEADER):
        return pattern.sub(replacement, sql)
    return "".join(line if line.startswith(ROW_PREFIX) or source not in line else pattern.sub(replacement, line)
                   for line in sql.splitlines(keepends=True))


def refresh_snapshot():
    """Store a snapshot of the (already migrated) template if its migrations changed."""
    from tenants.models import TemplateSnapshot

    schema = template_schema()
    applied = applied_migrations(schema)
    print_ = fingerprint(applied)
    existing = TemplateSnapshot.objects.filter(migrations_fingerprint=print_).first()
    if existing:
        return existing, False
    sql = dump_schema_sql(schema)
    snapshot = TemplateSnapshot.objects.create(
        migrations_fingerprint=print_,
        migrations=sorted(f"{app}.{name}" for app, name in applied),
        sql=sql,
    )
    TemplateSnapshot.objects.exclude(pk=snapshot.pk).delete()
    return snapshot, True


def current_snapshot():
    """The snapshot made at the code's migration head, or None (then provisioning migrates)."""
    from tenants.models import TemplateSnapshot

    return TemplateSnapshot.objects.filter(
        migrations_fingerprint=fingerprint(expected_migrations())
    ).first()


def replay_snapshot(snapshot, schema_name: str) -> None:
    """Create ``schema_name`` from the snapshot on the current connection and transaction."""
    sql = rewrite_schema(snapshot.sql, template_schema(), schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
        cursor.execute(sql)


def schema_catalog(schema: str) -> dict:
    """Everything about a schema that migrations decide, with the schema name taken out: what a school
    cloned from the template, migrated in a batch or restored from a backup must share with the
    original (tests/tenants/test_template.py, test_migrating_batched.py, tests/backups/)."""
    def rows(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, [schema])
            return sorted(tuple(str(v).replace(schema, "S") for v in row) for row in cursor.fetchall())

    return {
        "columns": rows("""SELECT table_name, column_name, data_type, character_maximum_length,
                                  is_nullable, column_default, is_identity, identity_generation
                           FROM information_schema.columns WHERE table_schema = %s"""),
        "constraints": rows("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid)
                               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                               WHERE n.nspname = %s"""),
        "indexes": rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s"),
        "sequences": rows("""SELECT sequencename, start_value, increment_by, last_value
                             FROM pg_sequences WHERE schemaname = %s"""),
        "migrations": rows("SELECT app, name FROM {}.django_migrations WHERE %s IS NOT NULL".format(
            '"' + schema + '"')),
        "content_types": rows("SELECT app_label, model FROM {}.django_content_type WHERE %s IS NOT NULL"
                              .format('"' + schema + '"')),
        "permissions": rows("SELECT codename FROM {}.auth_permission WHERE %s IS NOT NULL"
                            .format('"' + schema + '"')),
    }
