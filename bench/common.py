"""Shared set-up for the benchmarks: a fresh database `eduunion_bench` on the embedded server
(.data/pg-bench) unless BENCH_DATABASE_URL names one, migrated by the project's own command."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


def fresh_database() -> str:
    from config import embedded_db

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    url = embedded_db.start(embedded_db.DATA_DIR / "pg-bench", database="postgres")
    admin = url.rsplit("/postgres?", 1)
    subprocess.run([str(embedded_db.pg_bin_dir() / "psql"), "-q", url, "-c",
                    "DROP DATABASE IF EXISTS eduunion_bench WITH (FORCE);", "-c", "CREATE DATABASE eduunion_bench;"],
                   check=True)
    return "/eduunion_bench?".join(admin)


def setup_django() -> dict[str, str]:
    """Point this process (and returned env, for subprocesses) at a fresh, migrated database."""
    os.environ["DATABASE_URL"] = fresh_database()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"  # no query log in memory
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return dict(os.environ)


def make_school_schema(slug: str, *, use_template: bool) -> float:
    """Create one school (row, schema, domain) and return the seconds the schema took."""
    from django.db import connection, transaction

    from tenants.models import Domain, School
    from tenants.services import create_school_schema
    from tenants.slugs import domain_for, schema_name_for

    connection.set_schema_to_public()
    with transaction.atomic():
        school = School(schema_name=schema_name_for(slug), slug=slug, name=f"基准学校{slug}")
        school.save()
        started = time.perf_counter()
        create_school_schema(school, use_template=use_template)
        elapsed = time.perf_counter() - started
        Domain.objects.create(domain=domain_for(slug), tenant=school)
    connection.set_schema_to_public()
    return elapsed


def run_manage(env: dict, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_ms(values) -> float:
    return statistics.median(values) * 1000


def table_count(schema: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", [schema])
        return cursor.fetchone()[0]


def prepare_data(env: dict) -> None:
    """What `make run` does before it starts its processes (collectstatic aside: local settings
    serve static files from the apps' folders); bench/api.py and bench/soak.py both start so."""
    from config.embedded_db import pg_bin_dir

    for args in (("migrate", "-v", "0"), ("seed_demo",), ("rollup_stats", "--if-due")):
        started = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s", flush=True)
    # A database that has served for a while has planner statistics (autovacuum keeps them); the
    # embedded server loses its counters when it is stopped without a checkpoint, and then never
    # analyses a table that nothing writes to, so the seeded demo was planned from default estimates.
    started = time.perf_counter()
    subprocess.run([str(pg_bin_dir() / "psql"), "-q", env["DATABASE_URL"], "-c", "ANALYZE"], check=True)
    print(f"  ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
