"""bench/care.py [N] — a 节日慰问 batch to N (default 5,000) active members with its ledger entry.

The real service (tenants.care.services.batch_record): the members reached, one visit per person
(bulk_create), ONE ledger entry for the total and the audit record, in one transaction. Goal ≤ 3 s.
"""
import datetime
import statistics
import sys
import time

from common import make_school_schema, setup_django

RUNS = 3


def main(count: int) -> None:
    setup_django()
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants.accounts.roles import Role
    from tenants.accounts.services import user_create
    from tenants.care.demo import STANDARDS
    from tenants.care.models import CareVisit
    from tenants.care.services import batch_record, default_standards
    from tenants.finance.models import LedgerEntry
    from tenants.members.models import Branch, Member

    make_school_schema("care", use_template=True)
    timings = []
    with schema_context("school_care"):
        branches = [Branch.objects.create(name=f"分工会{i}") for i in range(20)]
        Member.objects.bulk_create([
            Member(name=f"会员{n}", gender="female", employee_number=f"E{n:06d}", branch=branches[n % 20],
                   employment_type="staff", join_date=datetime.date(2010, 9, 1)) for n in range(count)],
            batch_size=2000)
        office, _ = user_create(username="bangfu", password="Bench-pass-2026", roles=[Role.CARE_OFFICER], by=None)
        today = datetime.date.today()
        default_standards(by=None, effective_from=datetime.date(today.year, 1, 1), amounts=STANDARDS)
        for run in range(RUNS):
            started = time.perf_counter()
            batch = batch_record(by=office, kind="holiday", title=f"节日慰问 {run + 1}", visited_on=today,
                                 per_head="300.00", scope="all", visitors="校工会")
            timings.append(time.perf_counter() - started)
            assert batch.count == count
        assert CareVisit.objects.count() == count * RUNS
        assert LedgerEntry.objects.filter(source_type="care_batch").count() == RUNS
    connection.set_schema_to_public()
    print(f"batch of {count} visits + 1 ledger entry: median {statistics.median(timings):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in timings)} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
