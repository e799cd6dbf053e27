"""bench/registration.py [N] [WORKERS] — N (default 500) members sign up at once for an activity of
100 places with branch quotas, through the real HTTP stack (the API's sign-up, token auth), from
WORKERS (default 16) concurrent clients on their own database connections.

Checks: never more than 100 confirmed, no branch beyond its quota, the waitlist in order of
arrival (the arrival number taken under the activity's lock, the registration time and the order of
the queue agree). Goal: p95 ≤ 200 ms per sign-up.
"""
import datetime
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from common import make_school_schema, setup_django

BRANCHES = 10
QUOTA = 15
CAPACITY = 100


def main(count: int, workers: int) -> None:
    setup_django()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 350 quota refusals are expected
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from tenants.accounts.models import User
    from tenants.accounts.roles import Role
    from tenants.activities import services as s
    from tenants.activities.models import Registration
    from tenants.members.models import Branch, Member

    make_school_schema("reg", use_template=True)
    with schema_context("school_reg"):
        admin = User.objects.create(username="office", roles=[Role.UNION_ADMIN])
        branches = [Branch.objects.create(name=f"分工会{i}") for i in range(BRANCHES)]
        users = User.objects.bulk_create([User(username=f"m{n}", roles=[Role.MEMBER]) for n in range(count)])
        for user in users:
            user.set_unusable_password()
        Member.objects.bulk_create([
            Member(name=f"会员{n}", gender="female", employee_number=f"R{n:05d}", branch=branches[n % BRANCHES],
                   employment_type="staff", join_date=datetime.date(2010, 9, 1), user=users[n]) for n in range(count)])
        tokens = [t.key for t in Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])]
        now = timezone.now()
        activity = s.activity_create(
            by=admin, kind="sports_meet", title="基准运动会", place="田径场", starts_at=now + datetime.timedelta(days=9),
            ends_at=now + datetime.timedelta(days=9, hours=3), registration_opens_at=now - datetime.timedelta(hours=1),
            registration_closes_at=now + datetime.timedelta(days=8), cancel_deadline=now + datetime.timedelta(days=8),
            capacity=CAPACITY, quotas={b: QUOTA for b in branches})
        s.activity_act(by=admin, activity=activity, action="open")
    connection.set_schema_to_public()

    local = threading.local()
    start = threading.Barrier(workers)

    def sign_up(index):
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client(HTTP_HOST="reg.localhost")
            start.wait()
        began = time.perf_counter()
        response = client.post(f"/api/v1/activities/{activity.pk}/register/", {}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {tokens[index]}")
        return index, response.status_code, (time.perf_counter() - began) * 1000

    def close_connection(_):
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(sign_up, range(count)))
        list(pool.map(close_connection, range(workers)))
    wall = time.perf_counter() - started
    latencies = sorted(r[2] for r in results)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    codes = [r[1] for r in results]

    with schema_context("school_reg"):
        rows = list(Registration.objects.filter(activity=activity).order_by("arrival"))
        confirmed = [r for r in rows if r.status == "confirmed"]
        waitlisted = [r for r in rows if r.status == "waitlisted"]
        assert len(confirmed) == CAPACITY, len(confirmed)
        per_branch = {}
        for r in rows:
            per_branch[r.branch_id] = per_branch.get(r.branch_id, 0) + 1
        assert max(per_branch.values()) <= QUOTA
        assert [r.arrival for r in rows] == list(range(1, len(rows) + 1))
        assert [r.registered_at for r in rows] == sorted(r.registered_at for r in rows)
        assert max(r.arrival for r in confirmed) < min(r.arrival for r in waitlisted)
        places = [s.waitlist_place(r) for r in waitlisted]
        assert places == list(range(1, len(waitlisted) + 1))
    connection.set_schema_to_public()
    print(f"{count} sign-ups, {workers} concurrent clients, capacity {CAPACITY}, {BRANCHES} branches × quota {QUOTA}")
    print(f"  201: {codes.count(201)} (confirmed {len(confirmed)}, waitlisted {len(waitlisted)}), "
          f"409 (quota full): {codes.count(409)}, other: {len(codes) - codes.count(201) - codes.count(409)}")
    print(f"  latency per sign-up: median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
          f"max {latencies[-1]:.1f} ms; all {count} in {wall:.2f} s")
    print("  no overbooking, quotas held, waitlist order = arrival order: OK")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 16)
