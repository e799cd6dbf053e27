"""bench/migrate.py N — migrating N school schemas.

    bench/migrate.py 500                      fresh database, every case, standard executor too
    bench/migrate.py 5000 --reuse --no-standard
                                              keep the database `eduunion_bench_migrate_5000`
                                              (provision only the schools it lacks)
    bench/migrate.py 5000 --reuse --provision-only

Cases (each starts from every school at head; the temporary migration is removed at the end
whatever happens, and its traces dropped from every schema):
1. No-op: `manage.py migrate` (template check, one query, nothing to do)
   [vs `manage.py migrate_schemas --tenant --executor standard`, which walks every schema].
2. One new migration adding a table (RunSQL CREATE TABLE, as recorded before in bench/RESULTS.md):
   batched SQL path vs Django's executor per school (`--executor`) [vs the standard executor].
3. One new migration adding a model (CreateModel: a table with a foreign key and its index).
4. One new migration adding a column and an index to an existing table (AddField + AddIndex).
"""
import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import time

from common import PROJECT_DIR, make_school_schema, run_manage

SNAPSHOT_ARGS: list[str] = []


def run_ours(env: dict, *args: str) -> tuple[float, float]:
    """`manage.py migrate -v 1 …`: (whole command, school phase as the command reports it)."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "manage.py", "migrate", "-v", "1", *SNAPSHOT_ARGS, *args],
                         cwd=PROJECT_DIR, env=env, check=True, capture_output=True, text=True).stdout
    whole = time.perf_counter() - started
    found = re.search(r"学校用时 ([0-9.]+) 秒", out)
    return whole, float(found.group(1)) if found else float("nan")

PROBE = PROJECT_DIR / "tenants" / "audit" / "migrations" / "0900_bench_probe.py"
HEADER = '''from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("audit", "{leaf}")]
    operations = [
'''
CASES = {
    "table (RunSQL)": '''        migrations.RunSQL("CREATE TABLE bench_probe (id bigint PRIMARY KEY, note text)",
                          reverse_sql="DROP TABLE bench_probe"),
''',
    "model (CreateModel + FK)": '''        migrations.CreateModel(
            name="BenchProbe",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("note", models.CharField(max_length=40, default="")),
                ("entry", models.ForeignKey("audit.auditrecord", null=True,
                                            on_delete=django.db.models.deletion.SET_NULL)),
            ],
        ),
''',
    "column + index (AddField + AddIndex)": '''        migrations.AddField(
            model_name="auditrecord", name="bench_probe",
            field=models.CharField(max_length=20, default="", blank=True),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["bench_probe"], name="audit_bench_probe_idx"),
        ),
''',
}


def audit_leaf() -> str:
    names = sorted(p.stem for p in PROBE.parent.glob("0*.py") if p != PROBE)
    return names[-1]


def database_url(count: int, reuse: bool) -> str:
    from config import embedded_db

    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    url = embedded_db.start(embedded_db.DATA_DIR / "pg-bench-migrate", database="postgres")
    name = f"eduunion_bench_migrate_{count}" if reuse else "eduunion_bench_migrate"
    psql = [str(embedded_db.pg_bin_dir() / "psql"), "-qAt", url]
    if not reuse:
        subprocess.run(psql + ["-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE);"], check=True)
    exists = subprocess.run(psql + ["-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run(psql + ["-c", f"CREATE DATABASE {name};"], check=True)
    return f"/{name}?".join(url.rsplit("/postgres?", 1))


def setup(count: int, reuse: bool) -> dict:
    os.environ["DATABASE_URL"] = database_url(count, reuse)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, no_snapshot=bool(SNAPSHOT_ARGS))
    return dict(os.environ)


def _provision_range(slugs):
    from django.db import connections

    for conn in connections.all():
        conn.connection = None
    for slug in slugs:
        make_school_schema(slug, use_template=True)
    connections.close_all()
    return len(slugs)


def provision(count: int, processes: int = 2) -> None:
    from django.db import connections

    from tenants.models import School

    have = set(School.objects.filter(slug__startswith="m").values_list("slug", flat=True))
    missing = [f"m{i:04d}" for i in range(count) if f"m{i:04d}" not in have]
    started = time.perf_counter()
    if missing:
        connections.close_all()
        chunks = [missing[i:i + 50] for i in range(0, len(missing), 50)]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            done = 0
            for n in pool.imap_unordered(_provision_range, chunks):
                done += n
                if done % 500 < 50:
                    print(f"  provisioned {done}/{len(missing)} "
                          f"({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"schools: {count} ({len(missing)} provisioned now in "
          f"{time.perf_counter() - started:.1f} s, {processes} processes)", flush=True)


def forget_probe(schemas) -> None:
    """Drop what any probe case left, in every schema (one statement per schema)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(
                f'DROP TABLE IF EXISTS "{schema}".bench_probe, "{schema}".audit_benchprobe;'
                f'ALTER TABLE "{schema}".audit_auditrecord DROP COLUMN IF EXISTS bench_probe;'
                f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'audit' AND name = '0900_bench_probe';"
                f"DELETE FROM \"{schema}\".auth_permission WHERE content_type_id IN (SELECT id FROM "
                f"\"{schema}\".django_content_type WHERE app_label = 'audit' AND model = 'benchprobe');"
                f"DELETE FROM \"{schema}\".django_content_type WHERE app_label = 'audit' AND model = 'benchprobe';")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int, nargs="?", default=50)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--provision-only", action="store_true")
    parser.add_argument("--no-standard", action="store_true")
    parser.add_argument("--no-executor", action="store_true", help="skip ours with --executor")
    parser.add_argument("--cases", default="", help="comma-separated case numbers (2,3,4)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="run ours with --no-snapshot (no pg_dump of the template)")
    args = parser.parse_args()

    if args.no_snapshot:
        SNAPSHOT_ARGS.append("--no-snapshot")
    env = setup(args.count, args.reuse)
    provision(args.count)
    if args.provision_only:
        return
    from tenants import migrating

    schemas = migrating.school_schema_names() + ["template_school", "public"]
    forget_probe(schemas)
    PROBE.unlink(missing_ok=True)

    ours_noop, _ = run_ours(env)
    line = f"no-op                                  ours {ours_noop:7.1f} s"
    if not args.no_standard:
        standard_noop = run_manage(env, "migrate_schemas", "--tenant", "--executor", "standard")
        line += f"   standard {standard_noop:7.1f} s"
    print(line, flush=True)

    wanted = {int(c) for c in args.cases.split(",") if c} or {2, 3, 4}
    for number, (label, body) in enumerate(CASES.items(), start=2):
        if number not in wanted:
            continue
        try:
            PROBE.write_text(HEADER.format(leaf=audit_leaf()) + body + "    ]\n")
            batched, batched_schools = run_ours(env)
            line = f"one new: {label:<30} batched {batched:7.1f} s (schools {batched_schools:5.1f} s)"
            if not args.no_executor:
                forget_probe(schemas)
                executor, executor_schools = run_ours(env, "--executor")
                line += f"   executor {executor:7.1f} s (schools {executor_schools:5.1f} s)"
            if not args.no_standard:
                forget_probe(schemas)
                standard = run_manage(env, "migrate_schemas", "--tenant", "--executor", "standard")
                line += f"   standard {standard:7.1f} s"
            print(line, flush=True)
        finally:
            PROBE.unlink(missing_ok=True)
            forget_probe(schemas)


if __name__ == "__main__":
    main()
