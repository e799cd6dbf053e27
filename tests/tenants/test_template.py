"""A school made from the template snapshot is indistinguishable from a migrated one."""
from django.db import connection

from tenants import template
from tenants.models import TemplateSnapshot
from tenants.services import school_provision


def catalog(schema: str) -> dict:
    """Everything about a schema that migrations decide, with the schema name taken out."""
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


def test_template_and_migrated_schools_have_identical_catalogs():
    cloned = school_provision(slug="clone", name="模板学校", by=None, admin_password="Clone-pass-2026")
    migrated = school_provision(slug="migrated", name="迁移学校", by=None,
                                admin_password="Clone-pass-2026", use_template=False)

    assert cloned.path == "template" and migrated.path == "migrations"
    left, right = catalog(cloned.school.schema_name), catalog(migrated.school.schema_name)
    assert left["columns"], "the schema has tables"
    for part in left:
        assert left[part] == right[part], part


def test_without_a_snapshot_at_head_provisioning_falls_back_to_migrations():
    TemplateSnapshot.objects.all().delete()
    result = school_provision(slug="fallback", name="回退学校", by=None, admin_password="Clone-pass-2026")
    assert result.path == "migrations"
    assert template.applied_migrations(result.school.schema_name) >= set(template.expected_migrations())


def test_the_snapshot_replays_under_a_hyphenated_slug():
    result = school_provision(slug="two-part", name="连字符学校", by=None, admin_password="Clone-pass-2026")
    assert result.school.schema_name == "school_two_part"
    assert template.applied_migrations("school_two_part") >= set(template.expected_migrations())


def test_rewriting_touches_only_qualified_names_of_the_template():
    sql = "CREATE TABLE template_school.t (x text DEFAULT 'template_school'); SELECT nextval('template_school.s');"
    assert template.rewrite_schema(sql, "template_school", "school_a") == (
        "CREATE TABLE \"school_a\".t (x text DEFAULT 'template_school'); SELECT nextval('\"school_a\".s');"
    )
