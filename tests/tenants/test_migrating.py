"""The migrate entry point: finds the schools that need work with one query, reports failures."""
import pytest
from django.db.migrations.loader import MigrationLoader
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import migrating, template
from tenants.models import TemplateSnapshot


def a_leaf_of_a_public_only_app():
    """A migration of a public-only app that nothing depends on: in a school schema, migrating it
    only records it, so forgetting it is harmless."""
    from django.db.migrations.loader import MigrationLoader

    from tenants.app_lists import public_only_app_labels

    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    return next((app, name) for app, name in sorted(leaves) if app in public_only_app_labels())


def forget_migration(schema, app, name):
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [app, name])


def test_schools_at_head_need_nothing_and_the_check_is_one_query():
    schemas = migrating.school_schema_names()
    with CaptureQueriesContext(connection) as queries:
        pending = migrating.schemas_needing_migration(schemas)
    assert pending == []
    statements = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
    assert len(statements) == 2, statements  # which schemas have the table, one UNION over all


def test_a_school_missing_a_migration_is_found_and_brought_to_head():
    forget_migration("school_huzhou", *a_leaf_of_a_public_only_app())
    assert migrating.schemas_needing_migration(migrating.school_schema_names()) == ["school_huzhou"]

    outcome = migrating.migrate_one_schema("school_huzhou")

    assert outcome.ok, outcome.error
    assert migrating.schemas_needing_migration(["school_huzhou"]) == []


def test_one_failing_school_is_reported_and_the_others_still_migrate(capsys):
    # audit's migrations recorded as missing while its table exists: re-applying them fails in that
    # school (all of them: with a later one still recorded, Django plans nothing for the app).
    for name in [name for app, name in MigrationLoader(None).graph.nodes if app == "audit"]:
        forget_migration("school_guilin", "audit", name)
    forget_migration("school_hnit", *a_leaf_of_a_public_only_app())

    with pytest.raises(SystemExit) as exit_info:
        call_command("migrate", processes=1, verbosity=1)

    assert exit_info.value.code == 1
    assert "[school_guilin] 迁移失败" in capsys.readouterr().err
    assert migrating.schemas_needing_migration(["school_hnit"]) == []


def test_migrate_keeps_the_template_snapshot_at_head():
    TemplateSnapshot.objects.all().delete()
    call_command("migrate", processes=1, verbosity=0)
    snapshot = TemplateSnapshot.objects.get()
    assert snapshot.migrations_fingerprint == template.fingerprint(template.expected_migrations())
    assert template.current_snapshot() == snapshot


def _a_school_from_the_template(slug):
    from tenants.models import Domain, School
    from tenants.slugs import domain_for, schema_name_for

    school = School.objects.create(schema_name=schema_name_for(slug), slug=slug, name=f"计数{slug}")
    template.replay_snapshot(template.current_snapshot(), school.schema_name)
    Domain.objects.create(domain=domain_for(slug), tenant=school, is_primary=True)


def test_a_no_op_migrate_sends_the_same_statements_however_many_schools():
    """Nothing to do: public at head is not handed to Django's migrate (which lists every relation of
    the database four times), and the schools are checked with one statement per 500 of them."""
    def statements():
        with CaptureQueriesContext(connection) as queries:
            call_command("migrate", processes=1, verbosity=0)
        return [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]

    before = statements()
    for slug in ("countone", "counttwo"):
        _a_school_from_the_template(slug)
    after = statements()
    assert len(after) == len(before), (before, after)
    assert len(after) <= 20, after
    assert not [sql for sql in after if "pg_table_is_visible" in sql or "information_schema" in sql], after
