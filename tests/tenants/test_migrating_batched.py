"""Batched SQL migration of many schools: the rule, and equality with Django's executor.

The proof: the same new migrations applied to some schools by the batched path and to another by
Django's executor (with post_migrate, as migrate_one_schema runs it) leave catalogs that are equal
table for table, column for column, constraint, index, sequence, django_migrations row, content
type and permission — compared with the template check's `catalog`.
"""
import pytest
from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate

from tenants import migrating
from tests.tenants.test_migrating import a_leaf_of_a_public_only_app, forget_migration
from tests.tenants.test_template import catalog


def full_catalog(schema):
    found = catalog(schema)
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT ct.app_label, ct.model, p.codename, p.name
                           FROM "{schema}".auth_permission p
                           JOIN "{schema}".django_content_type ct ON ct.id = p.content_type_id""")
        found["permissions_by_type"] = sorted(cursor.fetchall())
    return found


def migration(name, operations, *, app="audit", atomic=True, depends=None, **attributes):
    attributes.update(operations=operations, atomic=atomic, dependencies=depends or [])
    return type("Migration", (migrations.Migration,), attributes)(name, app)


def probe_plan():
    """Two new migrations covering every batched operation kind (tables, FKs, M2M, columns with
    defaults, indexes, constraints, raw SQL with a sequence, removing a column)."""
    first = migration("0900_probe", [
        migrations.CreateModel(
            name="BatchProbe",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=40, default="", db_index=True)),
                ("amount", models.DecimalField(max_digits=12, decimal_places=2, default=0)),
                ("record", models.ForeignKey("audit.auditrecord", null=True,
                                             on_delete=models.SET_NULL)),
                ("users", models.ManyToManyField("accounts.user", blank=True)),
            ],
            options={"permissions": [("export_batchprobe", "Can export probes")]},
        ),
        migrations.AddField("auditrecord", "probe_note",
                            models.CharField(max_length=20, default="n/a", blank=True)),
        migrations.AddField("auditrecord", "probe_owner",
                            models.ForeignKey("accounts.user", null=True, on_delete=models.SET_NULL,
                                              related_name="+")),
        migrations.AddIndex("auditrecord", models.Index(fields=["probe_note"], name="audit_probe_note_idx")),
        migrations.AddConstraint("batchprobe", models.CheckConstraint(
            condition=models.Q(amount__gte=0), name="batchprobe_amount_gte_0")),
        migrations.AddField("auditrecord", "probe_scratch", models.IntegerField(null=True)),
        migrations.RunSQL("CREATE TABLE raw_probe (id serial PRIMARY KEY, note text DEFAULT 'x');"
                          "INSERT INTO raw_probe (note) VALUES ('a'), ('b');",
                          reverse_sql="DROP TABLE raw_probe"),
        migrations.AlterModelOptions("batchprobe", {
            "verbose_name": "探针", "permissions": [("export_batchprobe", "Can export probes")]}),
    ])
    second = migration("0901_probe", [
        migrations.RemoveField("auditrecord", "probe_scratch"),
        migrations.RemoveIndex("auditrecord", "audit_probe_note_idx"),
        migrations.AddIndex("batchprobe", models.Index(fields=["title", "amount"], name="batchprobe_pair_idx")),
    ], depends=[("audit", "0900_probe")])
    return [first, second]


def migrate_with_executor(schema, plan, state):
    """Django's executor, then post_migrate for the migrated app — what migrate_one_schema does."""
    ContentType.objects.clear_cache()
    connection.set_schema(schema)
    executor = MigrationExecutor(connection)
    state = state.clone()
    for step in plan:
        state = executor.apply_migration(state, step)
    state.clear_delayed_apps_cache()
    config = global_apps.get_app_config("audit")
    post_migrate.send(sender=config, app_config=config, verbosity=0, interactive=False,
                      using=connection.alias, apps=state.apps, plan=[(m, False) for m in plan])
    connection.set_schema_to_public()


def change(before, after):
    """What a migration did to a catalog, part by part: rows added and rows removed — and, for
    sequences, how far each one moved (sequences are not rolled back with a test's transaction,
    so a school's may already stand further on)."""
    found = {part: (sorted(set(after[part]) - set(before[part])), sorted(set(before[part]) - set(after[part])))
             for part in after if part != "sequences"}

    def positions(rows):
        return {row[:3]: int(row[3]) if row[3] != "None" else 0 for row in rows}

    old, new = positions(before["sequences"]), positions(after["sequences"])
    found["sequences"] = sorted((key, new[key] - old.get(key, 0), key in old) for key in new)
    found["sequences_dropped"] = sorted(set(old) - set(new))
    return found


def test_batched_and_executor_schools_end_with_identical_catalogs():
    plan = probe_plan()
    _, state = migrating.plan_for(frozenset())
    schools = ("school_guilin", "school_huzhou", "school_hnit")
    before = {schema: full_catalog(schema) for schema in schools}

    batch = migrating.collect_batch(plan, state, schema_name="school_guilin")
    assert batch.refusal is None
    outcomes = migrating.apply_batch(batch, ["school_guilin", "school_huzhou"], connections_count=1)
    assert [(o.schema_name, o.ok, o.path) for o in outcomes] == [
        ("school_guilin", True, "batched"), ("school_huzhou", True, "batched")]
    migrate_with_executor("school_hnit", plan, state)

    after = {schema: full_catalog(schema) for schema in schools}
    reference = after["school_hnit"]
    assert ("audit", "0901_probe") in {tuple(row) for row in reference["migrations"]}
    assert ("S.audit_batchprobe", "batchprobe_amount_gte_0", "CHECK ((amount >= (0)::numeric))") in \
        reference["constraints"]
    assert any(row[2] == "export_batchprobe" for row in reference["permissions_by_type"])
    expected_change = change(before["school_hnit"], reference)
    for schema in ("school_guilin", "school_huzhou"):
        # The same change to every part of the catalog…
        assert change(before[schema], after[schema]) == expected_change, schema
        # …and, where the schools started equal (everything but sequence positions other tests
        # may have moved), the same result.
        for part in reference:
            if before[schema][part] == before["school_hnit"][part]:
                assert after[schema][part] == reference[part], (schema, part)
    with connection.cursor() as cursor:
        cursor.execute('SELECT note FROM "school_guilin".raw_probe ORDER BY id')
        assert cursor.fetchall() == [("a",), ("b",)]


def test_one_failing_school_in_a_batch_is_reported_and_the_rest_of_the_batch_goes_on():
    plan = [migration("0900_probe", [migrations.RunSQL("CREATE TABLE batch_probe (id int)")])]
    _, state = migrating.plan_for(frozenset())
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "school_huzhou".batch_probe (id int)')
    batch = migrating.collect_batch(plan, state, schema_name="school_guilin")

    outcomes = migrating.apply_batch(batch, ["school_guilin", "school_huzhou", "school_hnit"],
                                     connections_count=1, batch_size=10)

    assert [(o.schema_name, o.ok) for o in outcomes] == [
        ("school_guilin", True), ("school_huzhou", False), ("school_hnit", True)]
    assert "already exists" in outcomes[1].error
    with connection.cursor() as cursor:
        cursor.execute("""SELECT table_schema FROM information_schema.tables
                          WHERE table_name = 'batch_probe' ORDER BY 1""")
        assert [row[0] for row in cursor.fetchall()] == ["school_guilin", "school_hnit", "school_huzhou"]
    recorded = migrating._recorded(["school_guilin", "school_huzhou", "school_hnit"], ("audit", "0900_probe"))
    assert recorded == {"school_guilin", "school_hnit"}


def noop(apps, schema_editor):
    pass


@pytest.mark.parametrize("operations, attributes, reason", [
    ([migrations.RunPython(noop)], {}, "RunPython"),
    ([migrations.AlterField("auditrecord", "actor_name", models.CharField(max_length=200))], {}, "AlterField"),
    ([migrations.RenameField("auditrecord", "actor_name", "actor")], {}, "RenameField"),
    ([migrations.AddField("auditrecord", "x", models.UUIDField(default=__import__("uuid").uuid4))], {},
     "callable default"),
    ([migrations.RunSQL("SET search_path TO public; CREATE TABLE x (id int)")], {}, "session"),
    ([migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON audit_auditrecord (at)")], {}, "session"),
    ([migrations.AddField("auditrecord", "x", models.IntegerField(null=True))], {"atomic": False}, "non-atomic"),
    ([migrations.AddField("auditrecord", "x", models.IntegerField(null=True))], {"school_batch": False}, "opts out"),
    ([migrations.RemoveField("auditrecord", "actor")], {}, "RemoveField of a relation"),
    ([migrations.SeparateDatabaseAndState(database_operations=[migrations.RunPython(noop)])], {}, "RunPython"),
])
def test_the_rule_refuses_what_the_executor_must_do(operations, attributes, reason):
    _, state = migrating.plan_for(frozenset())
    atomic = attributes.pop("atomic", True)
    refusal = migrating.batch_refusal(migration("0900_probe", operations, atomic=atomic, **attributes), state)
    assert refusal and reason in refusal


def test_the_rule_batches_schema_operations_and_what_schools_only_record():
    _, state = migrating.plan_for(frozenset())
    assert migrating.batch_refusal(probe_plan()[0], state) is None
    public_only, _ = a_leaf_of_a_public_only_app()
    assert migrating.batch_refusal(migration("0900_probe", [migrations.RunPython(noop)], app=public_only),
                                   state) is None


def test_sql_generation_that_reads_the_database_is_refused():
    with pytest.raises(migrating._TouchedTheDatabase), migrating._no_queries(connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


def test_the_post_migrate_hooks_are_the_ones_the_batched_path_reproduces():
    assert migrating.unknown_migrate_receivers() == []


def test_migrate_batches_schools_lacking_a_migration_and_sends_runpython_to_the_executor(capsys):
    forget_migration("school_guilin", *a_leaf_of_a_public_only_app())
    forget_migration("school_hnit", *a_leaf_of_a_public_only_app())
    forget_migration("school_huzhou", "hardship", "0002_default_levels")  # RunPython

    outcomes = migrating.migrate_schools(["school_guilin", "school_hnit", "school_huzhou"],
                                         processes=1, verbosity=1, log=print)

    assert sorted((o.schema_name, o.ok, o.path) for o in outcomes) == [
        ("school_guilin", True, "batched"), ("school_hnit", True, "batched"),
        ("school_huzhou", True, "executor")]
    assert "RunPython" in capsys.readouterr().out
    assert migrating.schemas_needing_migration(["school_guilin", "school_hnit", "school_huzhou"]) == []


def test_the_executor_flag_forces_the_executor(capsys):
    forget_migration("school_guilin", *a_leaf_of_a_public_only_app())
    call_command("migrate", processes=1, verbosity=1, executor=True, skip_public=True)
    assert "批量 SQL 0 个" in capsys.readouterr().out
    assert migrating.schemas_needing_migration(["school_guilin"]) == []
