"""Migrations across hundreds of school schemas.

django-tenants' migrate walks every schema even when nothing changed. Here: the template is
kept at head (and its snapshot refreshed), one query reads every school's django_migrations to
find the schemas that lack a migration, and only those are migrated, in parallel processes.
A school that fails is reported and the others go on.
"""
from __future__ import annotations

import multiprocessing
import traceback
from dataclasses import dataclass

from django.db import connection, connections

from tenants import template
from tenants.models import School


@dataclass
class SchoolOutcome:
    schema_name: str
    ok: bool
    error: str = ""


def schemas_needing_migration(schema_names: list[str]) -> list[str]:
    """Schemas lacking any migration the code defines, found with one query."""
    if not schema_names:
        return []
    expected_names = sorted(f"{app}.{name}" for app, name in template.expected_migrations())
    existing = set(_existing_migration_tables(schema_names))
    with_table = [schema for schema in schema_names if schema in existing]
    counts = {}
    if with_table:
        query = " UNION ALL ".join(
            f"SELECT %s, count(*) FROM \"{schema}\".django_migrations WHERE app || '.' || name = ANY(%s)"
            for schema in with_table)
        with connection.cursor() as cursor:
            cursor.execute(query, [value for schema in with_table for value in (schema, expected_names)])
            counts = dict(cursor.fetchall())
    return [schema for schema in schema_names if counts.get(schema, 0) < len(expected_names)]


def _existing_migration_tables(schema_names: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [schema_names],
        )
        return [row[0] for row in cursor.fetchall()]


_pre_migrate_states: dict[tuple, object] = {}


def migrate_one_schema(schema_name: str, verbosity: int = 0) -> SchoolOutcome:
    """Migrate one school: Django's executor, minus the work that is the same for every school.

    Schools at the same point share the same plan and pre-migration project state, so the state
    (the costliest part: rendering every model) is computed once per process and cloned; and the
    post_migrate handlers (content types, permissions) run only for the apps that got migrations —
    the other apps' rows exist already.
    """
    from django.apps import apps as global_apps
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder
    from django.db.models.signals import post_migrate, pre_migrate

    try:
        connection.set_schema(schema_name, include_public=False)
        MigrationRecorder(connection).ensure_schema()
        connection.set_schema(schema_name)
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if not plan:
            return SchoolOutcome(schema_name, True)
        key = tuple((migration.app_label, migration.name, backwards) for migration, backwards in plan)
        if key not in _pre_migrate_states:
            _pre_migrate_states[key] = executor._create_project_state(with_applied_migrations=True)
        configs = [config for config in global_apps.get_app_configs()
                   if config.label in {migration.app_label for migration, _ in plan} and config.models_module]
        for config in configs:
            pre_migrate.send(sender=config, app_config=config, verbosity=verbosity, interactive=False,
                             using=connection.alias, apps=global_apps, plan=plan)
        state = executor.migrate(targets, plan=plan, state=_pre_migrate_states[key].clone())
        state.clear_delayed_apps_cache()
        for config in configs:
            post_migrate.send(sender=config, app_config=config, verbosity=verbosity, interactive=False,
                              using=connection.alias, apps=state.apps, plan=plan)
        if verbosity:
            print(f"[{schema_name}] " + "、".join(f"{m.app_label}.{m.name}" for m, _ in plan))
        return SchoolOutcome(schema_name, True)
    except Exception as exc:  # one school's failure must not stop the others
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return SchoolOutcome(schema_name, False, detail)
    finally:
        connection.set_schema_to_public()


def _worker_init():
    # Forked children must not share the parent's socket.
    for conn in connections.all():
        conn.connection = None


def migrate_schemas_in_parallel(schema_names: list[str], *, processes: int,
                                verbosity: int = 0) -> list[SchoolOutcome]:
    if not schema_names:
        return []
    if processes <= 1 or len(schema_names) == 1:
        return [migrate_one_schema(name, verbosity) for name in schema_names]
    for conn in connections.all():
        conn.close()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=processes, initializer=_worker_init) as pool:
        return pool.starmap(migrate_one_schema, [(name, verbosity) for name in schema_names],
                            chunksize=max(1, len(schema_names) // (processes * 8)))


def ensure_template(verbosity: int = 0) -> tuple[bool, SchoolOutcome | None]:
    """Bring the template schema to head and refresh its snapshot; returns (refreshed, failure)."""
    name = template.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
    if schemas_needing_migration([name]):
        outcome = migrate_one_schema(name, verbosity)
        if not outcome.ok:
            return False, outcome
    connection.set_schema_to_public()
    _, refreshed = template.refresh_snapshot()
    return refreshed, None


def school_schema_names() -> list[str]:
    """Schemas of every school whose schema exists (an archived school's may have been dropped)."""
    from django_tenants.utils import get_public_schema_name

    names = list(School.objects.exclude(schema_name=get_public_schema_name())
                 .order_by("schema_name").values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name in present]
