"""Migrations across hundreds of school schemas.

django-tenants' migrate walks every schema even when nothing changed. Here: the template is
kept at head (and its snapshot refreshed), one statement per 500 schools reads their django_migrations to
find the schemas that lack a migration, and only those are migrated. A school that fails is
reported and the others go on.

Two ways to migrate a school:

* **batched SQL** (`migrate_schools_batched`): the schools lacking the same migrations share one
  plan; when every migration of that plan passes :func:`batch_refusal` (the one place the rule
  lives), the SQL Django's schema editor produces for the plan is collected once, without
  touching the database, and applied to the schools in batches — one round trip per batch, each
  school in its own transaction with ``SET LOCAL search_path`` — over several connections, with
  the django_migrations rows and the content types / permissions post_migrate would create.
  tests/tenants/test_migrating_batched.py proves the result catalog-for-catalog against Django's
  executor.
* **Django's executor** (`migrate_one_schema`) for everything else (RunPython, operations whose
  SQL the schema editor derives from the live catalog, …), in parallel processes.
"""
from __future__ import annotations

import multiprocessing
import re
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, connections

from tenants import template
from tenants.models import School


@dataclass
class SchoolOutcome:
    schema_name: str
    ok: bool
    error: str = ""
    path: str = "executor"  # or "batched"


# Schemas read per statement: each one's django_migrations (and its index) takes a lock until the
# statement ends, and the shared lock table holds max_locks_per_transaction × max_connections
# (6,400 by default) — one statement over 5,000 schools would run out of shared memory.
NEEDING_MIGRATION_CHUNK = 500


def schemas_needing_migration(schema_names: list[str]) -> list[str]:
    """Schemas lacking any migration the code defines: one statement per NEEDING_MIGRATION_CHUNK
    schemas, the expected names sent once per statement and matched by a hashed semi-join."""
    if not schema_names:
        return []
    expected_names = sorted(f"{app}.{name}" for app, name in template.expected_migrations())
    existing = set(_existing_migration_tables(schema_names))
    with_table = [schema for schema in schema_names if schema in existing]
    counts = {}
    # Most of the time goes to the server opening each schema's table (a fresh backend builds its
    # catalog cache entry): with more than one chunk, two connections share the chunks.
    size = NEEDING_MIGRATION_CHUNK
    if len(with_table) > NEEDING_MIGRATION_CHUNK:  # two even halves (or more) for the two connections
        size = min(NEEDING_MIGRATION_CHUNK, -(-len(with_table) // 2))
    chunks = [with_table[start:start + size] for start in range(0, len(with_table), size)]

    def count(chunk):
        query = "WITH expected AS MATERIALIZED (SELECT unnest(%s::text[]) AS name) " + " UNION ALL ".join(
            f"SELECT %s, count(*) FROM \"{schema}\".django_migrations "
            f"WHERE app || '.' || name IN (SELECT name FROM expected)" for schema in chunk)
        with connection.cursor() as cursor:
            cursor.execute(query, [expected_names, *chunk])
            return cursor.fetchall()

    def count_in_thread(part):
        try:
            return [row for chunk in part for row in count(chunk)]
        finally:
            connection.close()  # this thread's own connection

    if len(chunks) > 1 and not connection.in_atomic_block:
        with ThreadPoolExecutor(max_workers=1) as pool:
            others = pool.submit(count_in_thread, chunks[1::2])
            for chunk in chunks[0::2]:
                counts.update(count(chunk))
            counts.update(others.result())
    else:
        for chunk in chunks:
            counts.update(count(chunk))
    return [schema for schema in schema_names if counts.get(schema, 0) < len(expected_names)]


def missing_cache_tables() -> list[str]:
    """The database cache tables (settings.CACHES) that public lacks."""
    from django.conf import settings

    tables = [cache["LOCATION"] for cache in settings.CACHES.values()
              if cache["BACKEND"].endswith("DatabaseCache")]
    if not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND c.relname = ANY(%s)", [tables])
        present = {row[0] for row in cursor.fetchall()}
    return [table for table in tables if table not in present]


def _existing_migration_tables(schema_names: list[str]) -> list[str]:
    # pg_class by name (its index) rather than information_schema.tables, a view that checks
    # privileges on every relation of the database: seconds with thousands of schools
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)",
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


def ensure_template(verbosity: int = 0, *, snapshot: bool = True) -> tuple[bool, SchoolOutcome | None]:
    """Bring the template schema to head and refresh its snapshot; returns (refreshed, failure).

    ``snapshot=False`` leaves the snapshot as it is (writing it no longer grows with the number of
    schools, tenants.schema_sql, but a benchmark may want the code head's snapshot untouched);
    provisioning then falls back to migrations until a later `migrate` refreshes it."""
    name = template.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
    if schemas_needing_migration([name]):
        outcome = migrate_one_schema(name, verbosity)
        if not outcome.ok:
            return False, outcome
    connection.set_schema_to_public()
    if not snapshot:
        return False, None
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


# ---------------------------------------------------------------------------------------------
# Batched SQL: the rule, the collection, the fan-out
# ---------------------------------------------------------------------------------------------

# Operations whose SQL the schema editor derives from the migration state alone (no introspection
# of the schema it runs in), so the SQL collected once is the SQL Django would run in any school at
# the same point. Everything else (AlterField, RenameField/Model, AlterUniqueTogether, RunPython,
# concurrent index operations, …) goes through Django's executor.
_STATE_ONLY_OPERATIONS = (
    "CreateModel", "DeleteModel", "AddField", "RemoveField", "AddIndex", "RemoveIndex",
    "AddConstraint", "RemoveConstraint", "AlterModelOptions", "AlterModelManagers", "RunSQL",
    "SeparateDatabaseAndState",
)
# Statements a RunSQL may not contain in a batch: they would end or change the per-school
# transaction/session that the batch relies on, or cannot run inside a transaction.
_SESSION_STATEMENT = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|START|END|ABORT|SAVEPOINT|RELEASE|PREPARE|SET|RESET|DISCARD|"
    r"VACUUM|CHECKPOINT|LISTEN|UNLISTEN|NOTIFY|LOCK|COPY|CALL|DO)\b", re.IGNORECASE)


def _tenant_app_labels() -> set[str]:
    from django.apps import apps
    from django.conf import settings

    return {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}


def batch_refusal(migration, state=None) -> str | None:
    """Why ``migration`` must go through Django's executor, or None if it may be batched.

    The rule (conservative): a migration is batched when it is atomic, replaces nothing, does not
    opt out (``school_batch = False`` on the Migration class), and each of its operations is
    either of an app that school schemas do not migrate (django-tenants only records those), or one
    of _STATE_ONLY_OPERATIONS with these limits:
    - AddField: no callable default (the executor would call it once per school);
    - RemoveField: not of a relation (dropping a foreign key introspects the constraint name);
    - RunSQL: no statement that controls the transaction or session (see _SESSION_STATEMENT) and
      nothing CONCURRENTLY;
    - SeparateDatabaseAndState: its database operations pass the same rule.
    Collecting the SQL (collect_batch) then refuses any migration whose SQL generation queried the
    database.
    """
    if getattr(migration, "school_batch", True) is False:
        return "the migration opts out (school_batch = False)"
    if not migration.atomic:
        return "non-atomic migration"
    if migration.replaces:
        return "squashed migration"
    if migration.app_label not in _tenant_app_labels():
        return None  # only recorded in school schemas
    for operation in migration.operations:
        reason = _operation_refusal(migration.app_label, operation, state)
        if reason:
            return reason
        if state is not None:
            state = state.clone()
            operation.state_forwards(migration.app_label, state)
    return None


def _operation_refusal(app_label, operation, state) -> str | None:
    kind = type(operation).__name__
    if kind not in _STATE_ONLY_OPERATIONS or type(operation).__module__.split(".")[:3] != [
            "django", "db", "migrations"]:
        return f"{kind} is not in the batched rule"
    if kind == "AddField" and operation.field.has_default() and callable(operation.field.default):
        return "AddField with a callable default"
    if kind == "RemoveField":
        if state is None:
            return "RemoveField without a known state"
        model = state.models[app_label, operation.model_name_lower]
        if model.fields[operation.name].is_relation:
            return "RemoveField of a relation"
    if kind == "RunSQL":
        for statement in _run_sql_statements(operation.sql):
            if _SESSION_STATEMENT.match(statement) or re.search(r"\bCONCURRENTLY\b", statement, re.I):
                return f"RunSQL with a session/transaction statement: {statement[:60]}"
    if kind == "SeparateDatabaseAndState":
        for inner in operation.database_operations:
            reason = _operation_refusal(app_label, inner, None)
            if reason:
                return reason
    return None


def _run_sql_statements(sql) -> list[str]:
    import sqlparse

    if sql == "":  # RunSQL.noop
        return []
    items = [sql] if isinstance(sql, str) else [item if isinstance(item, str) else item[0] for item in sql]
    statements = []
    for item in items:
        for statement in sqlparse.split(item):
            text = sqlparse.format(statement, strip_comments=True).strip()
            if text:
                statements.append(text)
    return statements


@dataclass
class Batch:
    """What a group of schools at the same point gets: SQL per school, or why not."""
    migrations: list[tuple[str, str]]
    sql: str = ""
    refusal: str | None = None
    post_state: object = None
    apps_migrated: list[str] = field(default_factory=list)


class _TouchedTheDatabase(Exception):
    pass


@contextmanager
def _no_queries(conn):
    def refuse(execute, sql, params, many, context):
        if str(sql).lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT",
                                                 "SET SEARCH_PATH")):
            return execute(sql, params, many, context)
        raise _TouchedTheDatabase(str(sql)[:120])

    with conn.execute_wrapper(refuse):
        yield


def collect_batch(plan, pre_state, *, schema_name: str) -> Batch:
    """The SQL of ``plan`` (Migration instances, in order) starting from ``pre_state``.

    Collected with Django's schema editor in collect_sql mode on a connection pointed at a
    school schema (the router decides per schema kind which operations run), refusing — whole
    plan to the executor — as soon as one migration fails the rule or its SQL generation queries
    the database. Names are unqualified: they resolve through each school's search_path.
    """
    keys = [(m.app_label, m.name) for m in plan]
    state = pre_state.clone()
    parts = []
    connection.set_schema(schema_name)
    try:
        for migration in plan:
            reason = batch_refusal(migration, state)
            if reason:
                return Batch(keys, refusal=f"{migration.app_label}.{migration.name}: {reason}")
            try:
                with _no_queries(connection), connection.schema_editor(
                        collect_sql=True, atomic=migration.atomic) as editor:
                    state = migration.apply(state, editor, collect_sql=True)
            except _TouchedTheDatabase as exc:
                return Batch(keys, refusal=f"{migration.app_label}.{migration.name}: "
                                           f"its SQL depends on the database ({exc})")
            parts.extend(item for item in editor.collected_sql
                         if not (item.startswith("--") and "\n" not in item))
            parts.append(connection.ops.compose_sql(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now());",
                [migration.app_label, migration.name]))
    finally:
        connection.set_schema_to_public()
    apps_migrated = sorted({m.app_label for m in plan})
    parts.extend(_post_migrate_sql(state, apps_migrated))
    return Batch(keys, sql="\n".join(parts), post_state=state, apps_migrated=apps_migrated)


KNOWN_POST_MIGRATE = {
    "django.contrib.contenttypes.management.create_contenttypes",
    "django.contrib.auth.management.create_permissions",
}


def unknown_migrate_receivers() -> list[str]:
    """Receivers of pre/post_migrate the batched path does not reproduce (then it is not used).

    contenttypes' pre_migrate receiver only acts on RenameModel, which the rule refuses anyway.
    """
    import weakref

    from django.db.models.signals import post_migrate, pre_migrate

    known = KNOWN_POST_MIGRATE | {
        "django.contrib.contenttypes.management.inject_rename_contenttypes_operations"}
    found = []
    for signal in (pre_migrate, post_migrate):
        for entry in signal.receivers:
            receiver = entry[1]
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            if receiver is None:
                continue
            name = f"{receiver.__module__}.{getattr(receiver, '__qualname__', receiver)}"
            if name not in known:
                found.append(name)
    return found


def _post_migrate_sql(state, app_labels) -> list[str]:
    """The rows create_contenttypes and create_permissions would add after the plan, as SQL.

    Same models, same order, same names as Django's handlers (using the post-migration state, as
    migrate_one_schema passes it), inserted only where missing, ids from each school's sequence.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import _get_all_permissions

    apps = state.apps
    try:
        apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return []
    try:
        apps.get_model("auth", "Permission")
        with_permissions = "auth" in _tenant_app_labels()
    except LookupError:
        with_permissions = False
    statements = []
    for config in global_apps.get_app_configs():
        if config.label not in app_labels or not config.models_module:
            continue
        try:
            models = list(apps.get_app_config(config.label).get_models())
        except LookupError:
            continue
        if not models:
            continue
        types = [(config.label, model._meta.model_name, order) for order, model in enumerate(models)]
        statements.append(connection.ops.compose_sql(
            "INSERT INTO django_content_type (app_label, model) SELECT v.a, v.m FROM (VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(types)) + ") AS v(a, m, o) WHERE NOT EXISTS "
            "(SELECT 1 FROM django_content_type c WHERE c.app_label = v.a AND c.model = v.m) "
            "ORDER BY v.o;", [value for row in types for value in row]))
        if not with_permissions:
            continue
        perms = [(config.label, model._meta.model_name, codename, name)
                 for model in models for codename, name in _get_all_permissions(model._meta)]
        perms = [(*row, order) for order, row in enumerate(perms)]
        if perms:
            statements.append(connection.ops.compose_sql(
                "INSERT INTO auth_permission (name, content_type_id, codename) "
                "SELECT v.n, ct.id, v.c FROM (VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(perms))
                + ") AS v(a, m, c, n, o) JOIN django_content_type ct ON ct.app_label = v.a "
                "AND ct.model = v.m WHERE NOT EXISTS (SELECT 1 FROM auth_permission p "
                "WHERE p.content_type_id = ct.id AND p.codename = v.c) ORDER BY v.o;",
                [value for row in perms for value in row]))
    return statements


def _quote(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def _school_block(schema: str, sql: str, *, nested: bool) -> str:
    # Each school in its own transaction (or, inside a caller's transaction, its own savepoint):
    # SET LOCAL keeps the search_path to that transaction.
    begin, end = (("SAVEPOINT school_batch;", "RELEASE SAVEPOINT school_batch;") if nested
                  else ("BEGIN;", "COMMIT;"))
    return f"{begin}\nSET LOCAL search_path TO {_quote(schema)}, public;\n{sql}\n{end}\n"


def _recorded(schemas: list[str], last: tuple[str, str]) -> set[str]:
    query = " UNION ALL ".join(
        f"SELECT %s FROM {_quote(schema)}.django_migrations WHERE app = %s AND name = %s"
        for schema in schemas)
    with connection.cursor() as cursor:
        cursor.execute(query, [v for schema in schemas for v in (schema, *last)])
        return {row[0] for row in cursor.fetchall()}


def _apply_chunk(batch: Batch, schemas: list[str]) -> list[SchoolOutcome]:
    """One round trip for ``schemas``; on an error, find the school it stopped at (the ones before
    it committed: their migration rows say so), report it and go on with the rest."""
    outcomes = []
    remaining = list(schemas)
    nested = connection.in_atomic_block
    connection.set_schema_to_public()
    try:
        while remaining:
            sql = "".join(_school_block(schema, batch.sql, nested=nested) for schema in remaining)
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql)
            except DatabaseError as exc:
                with connection.cursor() as cursor:
                    cursor.execute("ROLLBACK TO SAVEPOINT school_batch" if nested else "ROLLBACK")
                done = _recorded(remaining, batch.migrations[-1])
                index = next((i for i, schema in enumerate(remaining) if schema not in done),
                             len(remaining) - 1)
                outcomes += [SchoolOutcome(schema, True, path="batched") for schema in remaining[:index]]
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                outcomes.append(SchoolOutcome(remaining[index], False, detail, path="batched"))
                remaining = remaining[index + 1:]
            else:
                outcomes += [SchoolOutcome(schema, True, path="batched") for schema in remaining]
                remaining = []
    finally:
        # Inside a caller's transaction the last SET LOCAL outlives the savepoint: make
        # django-tenants set the search_path again before the next query.
        connection.search_path_set_schemas = None
    return outcomes


def _apply_chunk_in_thread(batch: Batch, schemas: list[str]) -> list[SchoolOutcome]:
    try:
        return _apply_chunk(batch, schemas)
    finally:
        connection.close()  # this worker thread's own connection


def apply_batch(batch: Batch, schemas: list[str], *, connections_count: int = 2,
                batch_size: int = 50) -> list[SchoolOutcome]:
    """Apply a collected batch to ``schemas``: ``batch_size`` schools per round trip, over
    ``connections_count`` connections (worker threads, each with its own connection). Inside a
    transaction (tests) it runs on the caller's connection, one savepoint per school."""
    if not schemas:
        return []
    chunks = [schemas[i:i + batch_size] for i in range(0, len(schemas), batch_size)]
    if connections_count <= 1 or connection.in_atomic_block:
        return [outcome for chunk in chunks for outcome in _apply_chunk(batch, chunk)]
    with ThreadPoolExecutor(max_workers=connections_count) as pool:
        results = list(pool.map(lambda chunk: _apply_chunk_in_thread(batch, chunk), chunks))
    return [outcome for chunk in results for outcome in chunk]


def missing_migrations(schema_names: list[str]) -> dict[str, frozenset]:
    """Per schema, the migrations the code defines that it has not recorded (one query).
    A schema without a django_migrations table is left out (the executor creates the table)."""
    schemas = _existing_migration_tables(schema_names)
    if not schemas:
        return {}
    expected = sorted(f"{app}.{name}" for app, name in template.expected_migrations())
    query = "WITH e(n) AS (SELECT unnest(%s::text[])) " + " UNION ALL ".join(
        f"SELECT %s, array(SELECT n FROM e EXCEPT SELECT app || '.' || name FROM "
        f"{_quote(schema)}.django_migrations)" for schema in schemas)
    with connection.cursor() as cursor:
        cursor.execute(query, [expected, *schemas])
        rows = cursor.fetchall()
    return {schema: frozenset(tuple(item.split(".", 1)) for item in missing)
            for schema, missing in rows if missing}


def plan_for(missing: frozenset):
    """Django's plan (Migration instances) and pre-migration state for a schema lacking ``missing``."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    if set(graph.nodes) != set(template.expected_migrations()):
        return None, None  # replacements resolved differently: leave it to the executor
    executor.loader.applied_migrations = {key: graph.nodes[key] for key in graph.nodes
                                          if key not in missing}
    plan = executor.migration_plan(graph.leaf_nodes())
    if any(backwards for _, backwards in plan):
        return None, None
    return [migration for migration, _ in plan], executor._create_project_state(with_applied_migrations=True)


def migrate_schools(schema_names: list[str], *, processes: int, verbosity: int = 0,
                    batched: bool = True, batch_size: int = 50, log=print) -> list[SchoolOutcome]:
    """Bring ``schema_names`` to head: batched SQL where the rule allows, the executor elsewhere."""
    if not schema_names:
        return []
    outcomes: list[SchoolOutcome] = []
    by_executor = list(schema_names)
    if batched and not unknown_migrate_receivers():
        missing = missing_migrations(schema_names)
        groups: dict[frozenset, list[str]] = {}
        for schema in schema_names:
            if schema in missing:
                groups.setdefault(missing[schema], []).append(schema)
        by_executor = [schema for schema in schema_names if schema not in missing]
        for gap, schemas in groups.items():
            try:
                plan, state = plan_for(gap)
                batch = (collect_batch(plan, state, schema_name=schemas[0]) if plan
                         else Batch(sorted(gap), refusal="no forward plan"))
            except Exception as exc:  # whatever went wrong collecting, the executor decides
                connection.set_schema_to_public()
                batch = Batch(sorted(gap), refusal=f"collecting the SQL failed: {exc!r}"[:300])
            if batch.refusal:
                if verbosity:
                    log(f"{len(schemas)} 个学校用 Django 执行器：{batch.refusal}")
                by_executor += schemas
                continue
            if verbosity:
                log(f"{len(schemas)} 个学校批量执行 SQL：" + "、".join(f"{a}.{n}" for a, n in batch.migrations))
            outcomes += apply_batch(batch, schemas, connections_count=processes, batch_size=batch_size)
        connection.set_schema_to_public()
    outcomes += migrate_schemas_in_parallel(by_executor, processes=processes,
                                            verbosity=max(0, verbosity - 1))
    return outcomes
