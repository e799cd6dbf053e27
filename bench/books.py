"""bench/books.py [N] — budget vs actual for a year of N entries (default 20,000), the issue's
≤ 200 ms: the selector the overview page and /api/v1/books/budgets/summary/ call, and the whole
API request through the real HTTP stack (token auth, tenant middleware, serializer).

Entries are spread over the year, all categories, 85 % approved, 10 % pending, 5 % sent back, plus
the year before with as many again (the query must not read it)."""
import datetime
import random
import statistics
import sys
import time
from decimal import Decimal

from common import make_school_schema, setup_django

RUNS = 30


def main(count: int) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from tenants.accounts.roles import Role
    from tenants.accounts.services import user_create
    from tenants.finance.models import Budget, LedgerEntry
    from tenants.finance.selectors import budget_vs_actual
    from tenants.finance.services import all_categories

    make_school_schema("books", use_template=True)
    rng = random.Random(10)
    year = datetime.date.today().year
    categories = all_categories()
    with schema_context("school_books"):
        for y in (year - 1, year):
            rows = []
            for n in range(count):
                kind, category, _ = rng.choice(categories)
                status = rng.choices(["approved", "pending", "rejected"], weights=[85, 10, 5])[0]
                rows.append(LedgerEntry(kind=kind, category=category, amount=Decimal(rng.randint(100, 5_000_00)) / 100,
                                        occurred_on=datetime.date(y, 1, 1) + datetime.timedelta(days=rng.randint(0, 364)),
                                        description=f"基准收支{n}", status=status, recorded_by="caiwu"))
            LedgerEntry.objects.bulk_create(rows, batch_size=5000)
        Budget.objects.bulk_create([Budget(year=year, category=c, amount=Decimal("100000"), updated_by="caiwu")
                                    for _, c, _ in categories])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE finance_ledgerentry")
        user, _ = user_create(username="jingshen", roles=[Role.AUDITOR], password="Bench-pass-2026", by=None)
        from rest_framework.authtoken.models import Token

        token = Token.objects.create(user=user).key

    def timed(fn) -> list[float]:
        fn()  # warm
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return times

    with schema_context("school_books"):
        figures = budget_vs_actual(year)
        selector = timed(lambda: budget_vs_actual(year))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE SELECT category, SUM(amount) FILTER (WHERE status='approved'), "
                           "COUNT(*) FILTER (WHERE status='approved'), SUM(amount) FILTER (WHERE status='pending'), "
                           "COUNT(*) FILTER (WHERE status='pending') FROM finance_ledgerentry "
                           "WHERE occurred_on >= %s AND occurred_on <= %s GROUP BY category",
                           [datetime.date(year, 1, 1), datetime.date(year, 12, 31)])
            plan = [row[0] for row in cursor.fetchall()]
    connection.set_schema_to_public()
    client = Client(HTTP_HOST="books.localhost", HTTP_AUTHORIZATION=f"Token {token}")

    def request():
        response = client.get("/api/v1/books/budgets/summary/", {"year": year})
        assert response.status_code == 200, response.content[:300]

    api = timed(request)
    approved = figures["totals"]["income"]["entries"] + figures["totals"]["expense"]["entries"]
    print(f"entries in the year: {count} (and {count} the year before); approved counted: {approved}")
    for name, times in (("budget_vs_actual() selector", selector), ("GET /api/v1/books/budgets/summary/", api)):
        print(f"{name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {RUNS} runs")
    print("plan:\n  " + "\n  ".join(plan))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
