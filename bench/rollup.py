"""bench/rollup.py N [--keep] — the nightly statistics roll-up over N schools, each with members and books.

The real Celery tasks run in this process as a worker runs them: `rollup_all` writes its chunks to
the outbox (published to an in-memory broker), then each chunk's `rollup_schools` runs with its
outbox key as task id, outside any transaction, as a worker's does. The broker's own latency is not
part of the figure. (Eager mode would run the chunks inside the outbox publisher's transaction,
which a worker never does.) One process: the figure per school is what one worker process spends; a region of 5,000
on a `celery worker --concurrency 2` takes about 5,000 × that ÷ 2 (bench/scale.py `rollup` measures it).

--keep: reuse the database of an earlier run (`eduunion_bench` on .data/pg-bench) and only add the
schools it lacks, so before/after comparisons read the same data and the fill is paid once.

Printed: wall time per school, this process's CPU per school (time.process_time: the Python part,
which the shared machine's load does not inflate as much) and the load average around the run.
"""
import datetime
import os
import random
import sys
import time
import uuid
from decimal import Decimal

from common import make_school_schema, setup_django

MEMBERS_PER_SCHOOL = 200


def _keep_database() -> None:
    """BENCH_DATABASE_URL at the embedded bench server's `eduunion_bench`, created if missing. The
    server stays up for the next run (its shutdown checkpoint after a fill takes minutes); stop it
    with `python -c 'from config import embedded_db as e; e.stop(e.DATA_DIR / "pg-bench")'`."""
    from config import embedded_db

    url = embedded_db.start(embedded_db.DATA_DIR / "pg-bench", database="eduunion_bench", stop_on_exit=False)
    os.environ["BENCH_DATABASE_URL"] = url


def _fill(slug: str, rng: random.Random, year: int) -> None:
    """One school: members and approved and pending books, different per school."""
    from django_tenants.utils import schema_context

    from tenants.finance.models import LedgerEntry
    from tenants.members.models import Branch, Member

    with schema_context(f"school_{slug}"):
        branch = Branch.objects.create(name="机关")
        Member.objects.bulk_create([
            Member(name=f"会员{n}", gender="male", employee_number=f"E{n:05d}", branch=branch,
                   employment_type=rng.choice(["staff", "contract", "agency"]),
                   join_date=datetime.date(rng.randint(2000, year), 9, 1),
                   status=rng.choice(["active"] * 8 + ["retired", "left"]))
            for n in range(MEMBERS_PER_SCHOOL)])
        LedgerEntry.objects.bulk_create([
            LedgerEntry(kind=kind, category=category, amount=Decimal(rng.randint(50, 900)),
                        occurred_on=datetime.date(year, 1 + n % 12, 1), description="账目",
                        status=rng.choice(["approved", "approved", "pending"]), recorded_by="bench")
            for n in range(24)
            for kind, category in [rng.choice([("expense", "activities"), ("expense", "rights"),
                                               ("income", "dues")])]])


def _backend_cpu() -> tuple[int, float]:
    """This connection's PostgreSQL backend: its pid and the CPU seconds it has used (/proc, Linux)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return pid, float("nan")


def main(count: int, keep: bool) -> None:
    if keep:
        _keep_database()
    setup_django()
    from django.db import connection

    from config.celery import app
    from shared.stats.models import SchoolStats
    from shared.stats.tasks import rollup_all, rollup_schools_task
    from tenants.models import School
    from tenants.outbox.models import OutboxMessage

    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"  # the chunks are run below, from their outbox rows
    year = datetime.date.today().year
    started = time.perf_counter()
    have = set(School.objects.values_list("slug", flat=True))
    added = 0
    for i in range(count):
        slug = f"r{i:04d}"
        if slug in have:
            continue
        make_school_schema(slug, use_template=True)
        _fill(slug, random.Random(i), year)
        added += 1
        if added % 50 == 0:
            print(f"  {added} schools added", flush=True)
    connection.set_schema_to_public()
    print(f"schools: {count} with {MEMBERS_PER_SCHOOL} members each ({added} added in "
          f"{time.perf_counter() - started:.1f} s)", flush=True)

    SchoolStats.objects.filter(year=year).delete()
    load_before = os.getloadavg()
    backend, backend_cpu = _backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    parent = f"bench-rollup-{uuid.uuid4().hex}"
    sent = rollup_all.apply(args=[year], task_id=parent).get()
    for row in OutboxMessage.objects.filter(key__startswith=f"{parent}:chunk:").order_by("pk"):
        rollup_schools_task.apply(args=row.args, kwargs=row.kwargs, task_id=row.key).get()
    assert not OutboxMessage.objects.filter(key__startswith=parent, completed_at__isnull=True).exists()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    backend_after, backend_cpu_after = _backend_cpu()
    database_cpu = (f"{(backend_cpu_after - backend_cpu) / count * 1000:.1f} ms" if backend_after == backend
                    else "n/a (a new connection)")
    load_after = os.getloadavg()
    rows = SchoolStats.objects.filter(year=year).count()
    assert sent == rows, (sent, rows)
    print(f"roll-up over {rows} schools: {elapsed:.2f} s ({elapsed / rows * 1000:.1f} ms per school, "
          f"{cpu / rows * 1000:.1f} ms CPU per school in this process, {database_cpu} in its database "
          f"backend); load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(arguments[0]) if arguments else 500, keep="--keep" in sys.argv)
