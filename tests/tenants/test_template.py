"""A school made from the template snapshot is indistinguishable from a migrated one."""

from tenants import template
from tenants.models import TemplateSnapshot
from tenants.services import school_provision

catalog = template.schema_catalog


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
