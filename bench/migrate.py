"""bench/migrate.py N — migrating N school schemas: ours vs django-tenants' standard executor.

1. No-op: every school at head. `manage.py migrate` (template check, one query, nothing to do)
   vs `manage.py migrate_schemas --tenant --executor standard` (walks every schema).
2. One new migration (a RunSQL creating a table in every school): ours (parallel, only the
   schools that need it) vs the standard executor, each starting from the same state.
The temporary migration file is removed at the end whatever happens.
"""
import sys
import time

from common import PROJECT_DIR, make_school_schema, run_manage, setup_django

PROBE = PROJECT_DIR / "tenants" / "audit" / "migrations" / "0900_bench_probe.py"
PROBE_SOURCE = '''from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL("CREATE TABLE bench_probe (id bigint PRIMARY KEY, note text)",
                                    reverse_sql="DROP TABLE bench_probe")]
'''


def forget_probe(schemas):
    from django.db import connection

    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP TABLE IF EXISTS "{schema}".bench_probe')
            cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'audit' AND name = '0900_bench_probe'")


def main(count: int) -> None:
    env = setup_django()
    from tenants import migrating

    started = time.perf_counter()
    for i in range(count):
        make_school_schema(f"m{i:04d}", use_template=True)
    print(f"schools: {count} (provisioned in {time.perf_counter() - started:.1f} s)")

    ours_noop = run_manage(env, "migrate")
    standard_noop = run_manage(env, "migrate_schemas", "--tenant", "--executor", "standard")
    print(f"no-op       ours {ours_noop:7.1f} s   standard {standard_noop:7.1f} s   "
          f"ratio {standard_noop / ours_noop:.1f}x")

    schemas = migrating.school_schema_names() + ["template_school"]
    try:
        PROBE.write_text(PROBE_SOURCE)
        ours_one = run_manage(env, "migrate")
        forget_probe(schemas)
        standard_one = run_manage(env, "migrate_schemas", "--tenant", "--executor", "standard")
        print(f"one new     ours {ours_one:7.1f} s   standard {standard_one:7.1f} s   "
              f"ratio {standard_one / ours_one:.1f}x")
    finally:
        PROBE.unlink(missing_ok=True)
        forget_probe(schemas)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
