"""bench/request_path.py [RUNS] — what every school-host request pays, and a few school lists.

A fresh database (bench/common.py) with the demo (seed_demo). In-process: Django's test Client on
guilin's host with a token of a user holding union_admin + treasurer + care_officer; for each path,
the queries of one request (CaptureQueriesContext) and the median of RUNS (default 200) requests
(perf_counter). Over HTTP (unless NO_HTTP=1): gunicorn as `make run` starts it (2 workers ×
1 thread, DEBUG off) and `wrk` at 16 connections for 10 s on `/api/v1/me/` and
`members/?page_size=20`; with BEFORE_TREE=<checkout of main> the same against main's code on the same
database, alternating rounds. In-process, before/after is switched inside one process (the
search_path SETs, the host cache) in alternating rounds: on a shared,
busy machine compare the ratios, not the absolute times.
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import setup_django
from config.launcher import gunicorn_command, wait_until_healthy

PATHS = [
    "/api/v1/me/",
    "/api/v1/members/?page_size=20",
    "/api/v1/members/?page_size=100",
    "/api/v1/branches/?page_size=20",
    "/api/v1/departments/?page_size=20",
    "/api/v1/audit/?page_size=20",
    "/api/v1/ledger/?page_size=20",
    "/api/v1/care/visits/?page_size=20",
    "/api/v1/mutual-aid/enrolments/?page_size=20",
    "/api/v1/mutual-aid/claims/?page_size=20",
    "/api/v1/staff-homes/applications/?page_size=20",
    "/api/v1/honours/nominations/?page_size=20",
    "/api/v1/circulars/?page_size=20",
]
WRK_PATHS = ["/api/v1/me/", "/api/v1/members/?page_size=20", "/api/v1/ledger/?page_size=20"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _mode(on: bool) -> None:
    """This branch's request-path savings on (on) or off (as before), switched in the running process."""
    from django.conf import settings

    settings.TENANT_LIMIT_SET_CALLS = on
    settings.SCHOOL_HOST_CACHE_SECONDS = 5 if on else 0


def in_process(token: str, runs: int) -> None:
    """Before and after in the same process, in alternating rounds, so both see the same load."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="guilin.localhost", HTTP_AUTHORIZATION=f"Token {token}")
    print(f"{'path':48} {'queries before → after':>22} {'median ms before → after':>26} {'ratio':>6}")
    for path in PATHS:
        counts, times = {}, {False: [], True: []}
        for on in (False, True):
            _mode(on)
            for _ in range(3):
                assert client.get(path).status_code == 200, path
            connection.queries_log.clear()  # seeding filled the log to its cap; count from empty
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            counts[on] = len(captured)
        for _ in range(max(1, runs // 20)):
            for on in (False, True):
                _mode(on)
                for _ in range(20):
                    started = time.perf_counter()
                    client.get(path)
                    times[on].append(time.perf_counter() - started)
        before, after = (statistics.median(times[on]) * 1000 for on in (False, True))
        print(f"{path:48} {counts[False]:>10} → {counts[True]:<9} {before:>12.2f} → {after:<11.2f} {before / after:>5.2f}×",
              flush=True)
    _mode(True)


def _start(env: dict, cwd: Path, port: int, log_path: Path) -> subprocess.Popen:
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "0", "BASE_DOMAIN": "localhost",
           "CELERY_BROKER_URL": "memory://", "EDUUNION_DATA_DIR": str(log_path.parent)}
    env.pop("ALLOWED_HOSTS", None)
    server = subprocess.Popen(gunicorn_command(f"127.0.0.1:{port}", access_log=False), cwd=cwd, env=env,
                              stdout=open(log_path, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    wait_until_healthy(port, server, log_path, timeout=90)
    return server


def _wrk(port: int, token: str, path: str, seconds: int) -> tuple[float, str, str]:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", "Host: guilin.localhost",
                          "-H", f"Authorization: Token {token}", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True).stdout
    assert "Non-2xx" not in out, out
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), re.search(r"50%\s+(\S+)", out).group(1),
            re.search(r"99%\s+(\S+)", out).group(1))


def over_http(env: dict, token: str) -> None:
    """gunicorn of this tree (after) and, with BEFORE_TREE=<a checkout of main>, of that tree
    (before), on the same database, measured by wrk in alternating 5-second rounds."""
    if not shutil.which("wrk"):
        print("wrk is not installed: no HTTP figures")
        return
    trees = {"after": Path(__file__).resolve().parent.parent}
    if os.environ.get("BEFORE_TREE"):
        trees = {"before": Path(os.environ["BEFORE_TREE"]), **trees}
    log_dir = Path(tempfile.mkdtemp(prefix="bench-request-path-"))
    servers, ports = {}, {}
    try:
        for name, tree in trees.items():
            ports[name] = _free_port()
            servers[name] = _start(env, tree, ports[name], log_dir / f"{name}.log")
        rounds = int(os.environ.get("HTTP_ROUNDS", "3"))
        for path in WRK_PATHS:
            rates = {name: [] for name in trees}
            last = {}
            for name in trees:
                _wrk(ports[name], token, path, 2)  # warm up
            for _ in range(rounds):
                for name in trees:
                    rate, p50, p99 = _wrk(ports[name], token, path, 5)
                    rates[name].append(rate)
                    last[name] = (p50, p99)
            line = "  ".join(f"{name} {statistics.median(r):7.1f}/s (p50 {last[name][0]}, p99 {last[name][1]})"
                             for name, r in rates.items())
            if len(trees) == 2:
                line += f"  {statistics.median(rates['after']) / statistics.median(rates['before']):.2f}×"
            print(f"wrk {path:36} {line}", flush=True)
    finally:
        for server in servers.values():
            os.killpg(server.pid, 15)
            server.wait(timeout=15)


def main(runs: int) -> None:
    env = setup_django()
    from django.core.management import call_command
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from tenants.accounts.models import User
    from tenants.accounts.roles import Role

    call_command("seed_demo", verbosity=0)
    with schema_context("school_guilin"):
        user = User.objects.create_user(username="bench-school1", password="x",
                                        roles=[Role.UNION_ADMIN, Role.TREASURER, Role.CARE_OFFICER])
        token = Token.objects.create(user=user).key
    in_process(token, runs)
    if os.environ.get("NO_HTTP") != "1":
        over_http(env, token)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
