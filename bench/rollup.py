"""bench/rollup.py N — the nightly statistics roll-up over N schools, each with members and books.

The real Celery tasks run in this process (eager), one per school in its own schema, exactly the
code the worker runs; the broker's own latency is not part of the figure.
"""
import datetime
import random
import sys
import time
from decimal import Decimal

from common import make_school_schema, setup_django

MEMBERS_PER_SCHOOL = 200


def main(count: int) -> None:
    setup_django()
    from django.db import connection
    from django_tenants.utils import schema_context

    from config.celery import app
    from shared.stats.models import SchoolStats
    from shared.stats.tasks import rollup_all
    from tenants.finance.models import LedgerEntry
    from tenants.members.models import Branch, Member

    app.conf.task_always_eager = True
    rng = random.Random(3)
    started = time.perf_counter()
    year = datetime.date.today().year
    for i in range(count):
        make_school_schema(f"r{i:04d}", use_template=True)
        with schema_context(f"school_r{i:04d}"):
            branch = Branch.objects.create(name="机关")
            Member.objects.bulk_create([
                Member(name=f"会员{n}", gender="male", employee_number=f"E{n:05d}", branch=branch,
                       employment_type=rng.choice(["staff", "contract", "agency"]),
                       join_date=datetime.date(rng.randint(2000, year), 9, 1),
                       status=rng.choice(["active"] * 8 + ["retired", "left"]))
                for n in range(MEMBERS_PER_SCHOOL)])
            LedgerEntry.objects.bulk_create([
                LedgerEntry(kind="expense", category="activities", amount=Decimal("100.00"),
                            occurred_on=datetime.date(year, 1 + n % 12, 1), description="活动", status="approved",
                            recorded_by="bench") for n in range(24)])
    connection.set_schema_to_public()
    print(f"schools: {count} with {MEMBERS_PER_SCHOOL} members each (set up in {time.perf_counter() - started:.1f} s)")

    started = time.perf_counter()
    sent = rollup_all(year)
    elapsed = time.perf_counter() - started
    assert sent == count == SchoolStats.objects.filter(year=year).count()
    print(f"roll-up over {count} schools: {elapsed:.2f} s ({elapsed / count * 1000:.1f} ms per school)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
