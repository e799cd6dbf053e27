"""bench/scale.py N — a region of N schools on one PostgreSQL, and what each step costs at N.

    cd bench && ../.venv/bin/python scale.py 10 --database eduunion_scale10
    cd bench && ../.venv/bin/python scale.py 1000             # database eduunion_scale
    cd bench && ../.venv/bin/python scale.py 5000             # tops the same database up to 5,000

The embedded server lives in .data/pg-bench-scale (not the other benchmarks' .data/pg-bench), or
BENCH_DATABASE_URL names a server (its database part is replaced by --database). The database is
kept between runs: a run provisions only the schools missing up to N (`--fresh` starts over), so
10 -> 1,000 -> 5,000 is one growing database and a 5,000 run can resume after an interruption.

Each school is made the way provisioning makes it (the template snapshot replayed into its own
schema, its domain) plus a branch, MEMBERS_PER_SCHOOL members, a union_admin account and an API
token; the account's password hash is computed once and reused (a real PBKDF2 hash: 200 ms a
school spent on hashing would say nothing about scale). Then, at N:

  provision   the whole `school_provision` service (PBKDF2 admin), median of PROVISION_RUNS
  requests    GET /api/v1/members/?page_size=20 through the whole Django stack (test client, token
              auth, tenant middleware), REQUESTS requests spread over min(N, REQUEST_SCHOOLS)
              different schools on ONE database connection: p50/p95 and that backend's memory
              (VmRSS/RssAnon from /proc and PostgreSQL's own memory-context total) before/after
  requests10  the same over only 10 of the N schools: the access pattern of a 10-school region, so
              "p95 at N vs p95 at 10" compares the size of the region, not warm vs cold caches
  noop        `manage.py migrate` with nothing to apply (fresh process)
  onenew      `manage.py migrate` with one new migration (bench/migrate.py's probe: a RunSQL
              creating a table in every school), snapshot refresh included, removed again afterwards
  rollup      the statistics roll-up: the tasks `shared.stats.tasks.rollup_all` sends, run by two
              processes (a worker with --concurrency 2; --rollup-processes N), every active school:
              (a) forced full re-read, (b) the change-aware nightly run after one new member in 10%
              of the schools (written through the members service, untimed), (c) again with nothing
              written; each with the number of schools it read
  dump        one school's schema SQL as its backup writes it (tenants.schema_sql: time, statements,
              bytes), and `pg_dump --schema=<one school>` (what backups ran before) for comparison

`--only provision,requests` picks measurements. Prints a markdown table.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import PROJECT_DIR, run_manage

# bench/ (the script's folder, or the working directory) after the project's packages: bench/api.py
# must not stand in for the project's api package
_BENCH = str(PROJECT_DIR / "bench")
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _BENCH] + [_BENCH]
os.chdir(PROJECT_DIR)  # Celery's Django fix-up puts the working directory first on the path, too

MEMBERS_PER_SCHOOL = 5
PROVISION_RUNS = 5
REQUESTS = 1000
REQUEST_SCHOOLS = 1000
ALL = ["provision", "requests", "requests10", "unbounded", "noop", "onenew", "rollup", "dump"]
PASSWORD = "Bench-pass-2026"


def database_url(database: str, fresh: bool) -> str:
    from config import embedded_db

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        base, _, query = url.partition("?")
        url = base.rsplit("/", 1)[0] + "/postgres" + (f"?{query}" if query else "")
    else:
        url = embedded_db.start(embedded_db.DATA_DIR / "pg-bench-scale", database="postgres")
    psql = str(embedded_db.pg_bin_dir() / "psql")
    if fresh:
        subprocess.run([psql, "-q", url, "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE);'], check=True)
    exists = subprocess.run([psql, "-qtA", url, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run([psql, "-q", url, "-c", f'CREATE DATABASE "{database}";'], check=True)
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{database}" + (f"?{query}" if query else "")


def setup(database: str, fresh: bool) -> dict:
    os.environ["DATABASE_URL"] = database_url(database, fresh)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import logging

    for name in ("celery", "kombu"):  # one INFO line per eager roll-up task would drown the table
        logging.getLogger(name).setLevel(logging.ERROR)
    return dict(os.environ)


def bench_slug(i: int) -> str:
    return f"s{i:05d}"


def token_for(slug: str) -> str:
    return hashlib.sha1(f"scale-{slug}".encode()).hexdigest()


def _make_schools(indexes: list[int], password_hash: str) -> None:
    from django.db import connection, transaction

    from rest_framework.authtoken.models import Token
    from tenants import template
    from tenants.accounts.models import User
    from tenants.accounts.roles import Role
    from tenants.members.models import Branch, Member
    from tenants.models import Domain, School
    from tenants.slugs import domain_for, schema_name_for

    snapshot = template.current_snapshot()
    assert snapshot is not None, "no template snapshot at the code's migration head"
    today = datetime.date.today()
    with connection.cursor() as cursor:
        # The filler's own session only (the measured provisioning uses a fresh connection with the
        # server's settings): a commit does not wait for its WAL flush. Replaying ~680 DDL
        # statements a school, the flush was ~40% of the fill's time. (A crash may lose the last
        # schools' commits, never leave one half made: the next run tops up what is missing.)
        cursor.execute("SET synchronous_commit = off")
    for i in indexes:
        slug = bench_slug(i)
        connection.set_schema_to_public()
        with transaction.atomic():
            school = School(schema_name=schema_name_for(slug), slug=slug, name=f"规模学校{slug}")
            school.save()
            template.replay_snapshot(snapshot, school.schema_name)
            Domain.objects.create(domain=domain_for(slug), tenant=school, is_primary=True)
            connection.set_schema(school.schema_name)
            user = User.objects.create(username="admin", password=password_hash, roles=[Role.UNION_ADMIN],
                                       is_staff=True, full_name=f"{school.name}管理员")
            Token.objects.create(user=user, key=token_for(slug))
            branch = Branch.objects.create(name="机关")
            Member.objects.bulk_create([
                Member(name=f"会员{n}", gender="male" if n % 2 else "female", employee_number=f"E{n:05d}",
                       branch=branch, employment_type="staff", join_date=today.replace(month=1, day=1),
                       status="active")
                for n in range(MEMBERS_PER_SCHOOL)])
        connection.set_schema_to_public()


def _worker(indexes, password_hash):
    from django.db import connections

    for conn in connections.all():
        conn.connection = None  # forked: never the parent's socket
    _make_schools(indexes, password_hash)
    return len(indexes)


def _worker_star(arguments):
    return _worker(*arguments)


def top_up(count: int, processes: int) -> tuple[int, float]:
    """Provision bench schools s00000.. up to ``count``; returns (made now, seconds)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from tenants.models import School

    have = set(School.objects.filter(slug__regex=r"^s[0-9]{5}$").values_list("slug", flat=True))
    missing = [i for i in range(count) if bench_slug(i) not in have]
    if not missing:
        return 0, 0.0
    password_hash = make_password(PASSWORD)
    started = time.perf_counter()
    if processes <= 1 or len(missing) < 50:
        _make_schools(missing, password_hash)
    else:
        for conn in connections.all():
            conn.close()
        chunks = [missing[k:k + 100] for k in range(0, len(missing), 100)]
        context = multiprocessing.get_context("fork")
        done = 0
        with context.Pool(processes) as pool:
            for made in pool.imap_unordered(_worker_star, [(chunk, password_hash) for chunk in chunks]):
                done += made
                elapsed = time.perf_counter() - started
                print(f"  filled {done}/{len(missing)} in {elapsed:.0f} s ({elapsed / done * 1000:.0f} ms a school); "
                      f"{machine_load()}", flush=True)
        assert done == len(missing)
    connections["default"].close()
    return len(missing), time.perf_counter() - started


def school_count() -> int:
    from django_tenants.utils import get_public_schema_name

    from tenants.models import School

    return School.objects.exclude(schema_name=get_public_schema_name()).count()


# --- measurements -------------------------------------------------------------------------------

def measure_provision() -> dict:
    from tenants.services import school_provision

    stamp = int(time.time())
    times = []
    for k in range(PROVISION_RUNS):
        started = time.perf_counter()
        school_provision(slug=f"p{stamp}-{k}", name=f"开通{stamp}-{k}", by=None, admin_password=PASSWORD)
        times.append(time.perf_counter() - started)
    return {"provision_ms": statistics.median(times) * 1000,
            "provision_runs": ", ".join(f"{t * 1000:.0f}" for t in times)}


def backend_memory() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        contexts = int(cursor.fetchone()[0])
        cursor.execute("SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'CacheMemoryContext'")
        row = cursor.fetchone()
    status = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                status[key] = int(value.split()[0]) / 1024  # MiB
    except OSError:  # another machine's server
        pass
    return {"pid": pid, "contexts_mib": contexts / 2**20, "cache_context_mib": (row[0] if row else 0) / 2**20,
            "rss_mib": status.get("VmRSS"), "anon_mib": status.get("RssAnon")}


def measure_requests(limit: int | None = None, spread: int = REQUEST_SCHOOLS) -> dict:
    """``limit``: DB_MAX_SCHOOLS_PER_CONNECTION for this pass (None: the setting's); ``spread``: over
    how many different schools the requests go."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tenants.models import School
    from tenants.slugs import domain_for

    slugs = sorted(School.objects.filter(slug__regex=r"^s[0-9]{5}$").values_list("slug", flat=True))
    step = max(1, len(slugs) // spread)
    chosen = slugs[::step][:spread]
    client = Client()

    def get(slug):
        response = client.get("/api/v1/members/?page_size=20", HTTP_HOST=domain_for(slug),
                              HTTP_AUTHORIZATION=f"Token {token_for(slug)}")
        assert response.status_code == 200, (slug, response.status_code, response.content[:200])
        return response

    configured = settings.DB_MAX_SCHOOLS_PER_CONNECTION
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = 0
    for slug in chosen:  # untimed: every school's pages in shared buffers, so both passes compare backends
        get(slug)
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = configured if limit is None else limit
    connection.close()  # a fresh backend
    pids = set()
    for _ in range(20):  # warm Python (imports, URLconf) on one school
        get(chosen[0])
    before = backend_memory()
    times = []
    for n in range(REQUESTS):
        slug = chosen[n % len(chosen)]
        started = time.perf_counter()
        get(slug)
        times.append(time.perf_counter() - started)
        if n % 50 == 0:
            pids.add(backend_memory()["pid"])
    after = backend_memory()
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = configured
    times.sort()
    return {"limit": settings.DB_MAX_SCHOOLS_PER_CONNECTION if limit is None else limit,
            "backends": len(pids | {after["pid"]}), "schools_hit": len(chosen),
            "p50_ms": times[len(times) // 2] * 1000, "p95_ms": times[int(len(times) * 0.95)] * 1000, "p99_ms": times[int(len(times) * 0.99)] * 1000,
            "backend_before": before, "backend_after": after}


def measure_noop(env) -> dict:
    return {"noop_s": run_manage(env, "migrate")}


def measure_onenew(env) -> dict:
    from migrate import CASES, HEADER, PROBE, audit_leaf, forget_probe

    from tenants import migrating

    schemas = migrating.school_schema_names() + ["template_school"]
    try:
        PROBE.write_text(HEADER.format(leaf=audit_leaf()) + CASES["table (RunSQL)"] + "    ]\n")
        # the whole operator's command, the template snapshot's refresh included (tenants.schema_sql)
        elapsed = run_manage(env, "migrate")
    finally:
        PROBE.unlink(missing_ok=True)
        forget_probe(schemas)
    run_manage(env, "migrate")  # untimed: stores the code head's snapshot again, replacing the probe's
    return {"onenew_s": elapsed}


def _rollup_part(arguments):
    """One chunk of `rollup_all` as the worker's `rollup_schools` task runs it (the active schools
    of the chunk, change-aware unless full), with the count of schools it read."""
    from django.db import connections

    for conn in connections.all():
        conn.connection = None  # forked: never the parent's socket
    from shared.stats.services import rollup_schools
    from tenants.selectors import active_school_schemas

    schemas, years, full = arguments
    active = set(active_school_schemas())
    tally: dict = {}
    done = rollup_schools(schemas=[schema for schema in schemas if schema in active], years=years, full=full,
                          tally=tally)
    return done, tally["read"]


def _run_rollup(processes: int, full: bool) -> tuple[float, int, int]:
    """The chunks `rollup_all` sends (STATS_ROLLUP_SCHOOLS_PER_TASK schools each), run by ``processes``
    processes as a `celery worker --concurrency N` runs them (the broker's latency left out):
    seconds, schools rolled up, schools read."""
    from django.conf import settings
    from django.db import connections

    from tenants.selectors import active_school_schemas

    years = [datetime.date.today().year]
    schemas = active_school_schemas()
    step = settings.STATS_ROLLUP_SCHOOLS_PER_TASK
    parts = [(schemas[k:k + step], years, full) for k in range(0, len(schemas), step)]
    for conn in connections.all():
        conn.close()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        counts = pool.map(_rollup_part, parts, chunksize=1)
    return time.perf_counter() - started, sum(done for done, _ in counts), sum(read for _, read in counts)


def write_in_some_schools(share: float = 0.1) -> int:
    """A day's writes: one new member, through the members service, in every 1/share-th active
    school (untimed). The connection is closed after, so its backend's write counts reach the
    shared statistics (a backend flushes them when idle, at most once a second, and when it exits)."""
    from django.db import connection

    from tenants.members.models import Branch
    from tenants.members.services import member_create
    from tenants.models import School
    from tenants.selectors import active_school_schemas

    schemas = active_school_schemas()[::round(1 / share)]
    stamp = datetime.datetime.now().strftime("%H%M%S")
    written = 0
    for index, school in enumerate(School.objects.filter(schema_name__in=schemas)):
        connection.set_tenant(school)
        branch = Branch.objects.order_by("pk").first()
        if branch is None:  # a school provisioned by the `provision` measurement has no branch yet
            continue
        member_create(by=None, branch=branch, name="夜间新会员", gender="female",
                      employee_number=f"N{stamp}{index:05d}", employment_type="staff",
                      join_date=datetime.date.today().isoformat(), phone="13812345678", id_number="")
        written += 1
    connection.set_schema_to_public()
    connection.close()
    return written


def measure_rollup(processes: int = 2) -> dict:
    """(a) the full re-read (forced: every school read, as `rollup_stats --full`); (b) the nightly
    change-aware run after a day's writes in 10% of the schools; (c) the same again with nothing
    written since. Each with the number of schools it read."""
    full_s, done, full_read = _run_rollup(processes, full=True)
    written = write_in_some_schools(0.1)
    nightly_s, _, nightly_read = _run_rollup(processes, full=False)
    quiet_s, _, quiet_read = _run_rollup(processes, full=False)
    return {"rollup_s": full_s, "rollup_schools": done, "rollup_read": full_read, "rollup_processes": processes,
            "rollup_written": written, "rollup_nightly_s": nightly_s, "rollup_nightly_read": nightly_read,
            "rollup_quiet_s": quiet_s, "rollup_quiet_read": quiet_read}


def measure_dump() -> dict:
    """One school's schema SQL as its backup writes it (tenants.schema_sql, in a REPEATABLE READ
    transaction; wall and this process's CPU time, median of 3), then pg_dump of the same schema,
    which backups and the template snapshot ran before, for comparison (once: minutes at thousands
    of schools, it reads the whole catalog)."""
    import io

    from django.db import connection

    from tenants import template
    from tenants.schema_sql import write_schema_sql

    schema = "school_" + bench_slug(0)
    times, cpu, size, statements = [], [], 0, 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    for _ in range(3):
        statements = 0
        out = io.StringIO()
        started, started_cpu = time.perf_counter(), time.process_time()
        with connection.cursor() as cursor, connection.execute_wrapper(count):
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                write_schema_sql(schema, out)
            finally:
                cursor.execute("ROLLBACK")
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        size = len(out.getvalue().encode())
    started = time.perf_counter()
    pg_dump_size = len(template.pg_dump_schema_sql(schema).encode())
    return {"dump_s": statistics.median(times), "dump_cpu_s": statistics.median(cpu), "dump_kib": size / 1024,
            "dump_statements": statements - 2,  # without BEGIN and ROLLBACK
            "pg_dump_s": time.perf_counter() - started, "pg_dump_kib": pg_dump_size / 1024}


def table_lines(results: dict) -> list[str]:
    lines = []
    if "provision_ms" in results:
        lines.append(f"| whole `school_provision` (median of {PROVISION_RUNS}) | {results['provision_ms']:.0f} ms "
                     f"({results['provision_runs']}) |")
    for key in ("requests", "requests10", "unbounded"):
        if key not in results:
            continue
        r = results[key]
        limit = f"connection closed after {r['limit']} schools" if r["limit"] else "one connection, never closed"
        lines.append(f"| GET members/?page_size=20 over {r['schools_hit']} schools, {REQUESTS} requests ({limit}) | "
                     f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms |")
        b, a = r["backend_before"], r["backend_after"]
        lines.append(f"| backend memory at start -> end ({r['backends']} backend(s) used) | "
                     f"RSS {b['rss_mib'] or 0:.1f} -> {a['rss_mib'] or 0:.1f} MiB, "
                     f"anon {b['anon_mib'] or 0:.1f} -> {a['anon_mib'] or 0:.1f} MiB, "
                     f"contexts {b['contexts_mib']:.1f} -> "
                     f"{a['contexts_mib']:.1f} MiB (CacheMemoryContext {b['cache_context_mib']:.1f} -> "
                     f"{a['cache_context_mib']:.1f} MiB) |")
    if "noop_s" in results:
        lines.append(f"| no-op `manage.py migrate` | {results['noop_s']:.1f} s |")
    if "onenew_s" in results:
        lines.append(f"| one new migration, `manage.py migrate` (template snapshot refreshed) | {results['onenew_s']:.1f} s |")
    if "rollup_s" in results:
        r = results
        lines.append(f"| statistics roll-up, full re-read forced (--full; {r['rollup_schools']} schools, "
                     f"{r['rollup_processes']} worker processes) | {r['rollup_s']:.1f} s ({r['rollup_read']} read) |")
        lines.append(f"| statistics roll-up, nightly after one new member in {r['rollup_written']} schools "
                     f"(change-aware) | {r['rollup_nightly_s']:.1f} s ({r['rollup_nightly_read']} read) |")
        lines.append(f"| statistics roll-up, nightly with nothing written since | {r['rollup_quiet_s']:.1f} s "
                     f"({r['rollup_quiet_read']} read) |")
    if "dump_s" in results:
        lines.append(f"| one school's schema SQL (tenants.schema_sql, as its backup, the archive and the template "
                     f"snapshot write it; median of 3) | {results['dump_s']:.2f} s ({results['dump_cpu_s']:.2f} s "
                     f"CPU of this process), {results['dump_statements']} statements, "
                     f"{results['dump_kib']:.0f} KiB |")
        lines.append(f"| `pg_dump --schema=<one school>` (what they ran before; for comparison) | "
                     f"{results['pg_dump_s']:.2f} s, {results['pg_dump_kib']:.0f} KiB |")
    return lines


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--database", default="eduunion_scale")
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--processes", type=int, default=2, help="for provisioning the bench schools")
    parser.add_argument("--rollup-processes", type=int, default=2, help="worker processes of the roll-up")
    args = parser.parse_args()
    wanted = [name for name in args.only.split(",") if name]
    unknown = set(wanted) - set(ALL)
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")

    env = setup(args.database, args.fresh)
    made, seconds = top_up(args.count, args.processes)
    total = school_count()
    print(f"# scale.py {args.count} — {datetime.datetime.now():%Y-%m-%d %H:%M}, database {args.database}", flush=True)
    print(f"schools: {total} ({made} provisioned now in {seconds:.1f} s"
          f"{f', {seconds / made * 1000:.0f} ms each' if made else ''}); {machine_load()}", flush=True)

    results = {}
    for name in wanted:
        started = time.perf_counter()
        shown = table_lines(results)
        if name == "provision":
            results.update(measure_provision())
        elif name == "requests":
            results["requests"] = measure_requests()
        elif name == "requests10":
            results["requests10"] = measure_requests(spread=10)
        elif name == "unbounded":
            results["unbounded"] = measure_requests(limit=0)
        elif name == "noop":
            results.update(measure_noop(env))
        elif name == "onenew":
            results.update(measure_onenew(env))
        elif name == "rollup":
            results.update(measure_rollup(args.rollup_processes))
        elif name == "dump":
            results.update(measure_dump())
        print(f"  {name} done in {time.perf_counter() - started:.1f} s; {machine_load()}", flush=True)
        for line in [line for line in table_lines(results) if line not in shown]:  # a long run may be cut short
            print(f"    {line}", flush=True)

    print()
    print(f"| measurement at {total} schools | value |")
    print("|---|---|")
    print("\n".join(table_lines(results)))
    print(f"\n{machine_load()}")


if __name__ == "__main__":
    main()
