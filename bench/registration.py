"""bench/registration.py [N] [CLIENTS] — N (default 500) members sign up at once for an activity of
100 places with branch quotas, as a user meets the site: gunicorn started as `make run` starts it
(config/launcher.py: 2 workers × 1 thread, DEBUG off) on a free loopback port with its own fresh
database, and CLIENTS (default 16) concurrent HTTP clients (threads, one keep-alive http.client
connection each) posting the API's sign-up with token auth over the loopback. The load generator is
a separate process from the server, so it does not share the server's GIL.

Checks: never more than 100 confirmed, no branch beyond its quota, the waitlist in order of
arrival (the arrival number taken under the activity's lock, the registration time and the order of
the queue agree). Goal: p95 ≤ 200 ms per sign-up.
"""
import datetime
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import PROJECT_DIR, make_school_schema, setup_django
from config.launcher import gunicorn_command, wait_until_healthy

BRANCHES = 10
QUOTA = 15
CAPACITY = 100


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn as config/launcher.py starts it for `make run` (access log to a file, not the terminal)."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0", "BASE_DOMAIN": "localhost",
           "CELERY_BROKER_URL": "memory://", "EDUUNION_DATA_DIR": str(log_path.parent)}
    env.pop("ALLOWED_HOSTS", None)
    log = open(log_path, "w")
    server = subprocess.Popen(gunicorn_command(f"127.0.0.1:{port}"), cwd=PROJECT_DIR, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_healthy(port, server, log_path)
    except RuntimeError:
        server.terminate()
        raise
    return server


def main(count: int, workers: int) -> None:
    env = setup_django()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 350 quota refusals are expected
    from django.db import connection
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

    port = _free_port()
    scratch = Path(tempfile.mkdtemp(prefix="eduunion-bench-"))
    server = start_server(env, port, scratch / "gunicorn.log")
    host = f"reg.localhost:{port}"
    local = threading.local()
    start = threading.Barrier(workers)

    def connection_of():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            # warm up this connection and the server's workers (imports, database connections)
            for _ in range(3):
                conn.request("GET", f"/api/v1/activities/{activity.pk}/",
                             headers={"Host": host, "Authorization": f"Token {tokens[0]}"})
                conn.getresponse().read()
            start.wait()
        return conn

    def sign_up(index):
        conn = connection_of()
        began = time.perf_counter()
        conn.request("POST", f"/api/v1/activities/{activity.pk}/register/", body=b"{}",
                     headers={"Host": host, "Authorization": f"Token {tokens[index]}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return index, response.status, (time.perf_counter() - began) * 1000, began

    try:
        load_before = os.getloadavg()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(sign_up, range(count)))
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
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
    print(f"{count} sign-ups over HTTP (gunicorn 2×4 on 127.0.0.1), {workers} concurrent clients, "
          f"capacity {CAPACITY}, {BRANCHES} branches × quota {QUOTA}; load average before: "
          f"{' '.join(f'{x:.2f}' for x in load_before)}, after: {' '.join(f'{x:.2f}' for x in load_after)}")
    print(f"  201: {codes.count(201)} (confirmed {len(confirmed)}, waitlisted {len(waitlisted)}), "
          f"409 (quota full): {codes.count(409)}, other: {len(codes) - codes.count(201) - codes.count(409)}")
    print(f"  latency per sign-up: median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
          f"max {latencies[-1]:.1f} ms; all {count} in {wall:.2f} s")
    print("  no overbooking, quotas held, waitlist order = arrival order: OK")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 16)
