"""`python bench/api.py`: every list and the main pages over HTTP, against the real stack.

Starts what `make run` starts for the web — the embedded PostgreSQL with the demo data (migrate,
seed_demo, rollup_stats --if-due, then ANALYZE as a served database's autovacuum would have) and gunicorn with make run's arguments (config.wsgi, 2 workers ×
1 thread unless WEB_THREADS says otherwise, DEBUG off) — but on its own data folder (.data/pg-bench-api), database, port, media,
static and broker folders, so a developer's `make run` database is never touched. The demo is
seeded on the first run and reused afterwards (`--fresh` starts over).

Then, in one run, wrk loads each target with 16 keep-alive connections (-t2 -c16, a short warm-up,
then --seconds of measurement): the floor `GET /api/v1/me/` on the school host (first, then after
every FLOOR_EVERY targets, and last), every list of both
hosts' API routers (api/urls_tenant.py, api/urls_public.py — a list added later is measured
without editing this file) at page_size 20, the main lists also at 100, and the main pages.
Each target's queries per request are counted once, in this process, with Django's test client
on the same database (nothing is added to the server for it).

Goal (issue #14): every list of 20 rows ≥ 0.5× the floor's requests/s, every page ≥ 0.3×. A target's
ratio divides by the floor as it was when the target ran (interpolated between the floor's runs
before and after it): this machine's speed drifts by up to a quarter within a ten-minute run, and a
single floor for the whole run made the targets measured while it was slower look worse. The table
also gives each ratio against the median of the floor's runs (the only ratio of stops 24–28).

    python bench/api.py                      # everything (~10 min)
    python bench/api.py --only members,proposals,pages --seconds 5
    python bench/api.py --markdown /tmp/api.md --all-sizes
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench import load  # noqa: E402
from bench.common import prepare_data  # noqa: E402
from config.launcher import gunicorn_command, wait_until_healthy, web_threads  # noqa: E402

SCHOOL_HOST = "guilin.localhost"
PROVINCE_HOST = "localhost"
DATABASE = "eduunion_bench_api"
FLOOR = "/api/v1/me/"

# The lists the issue names, measured at page_size 100 as well as 20 (every list is measured at 20).
MAIN_LISTS = {
    "school": {"members", "proposals", "suggestions", "notifications", "audit", "membership-applications", "ledger",
               "activities", "activities/registrations", "care/visits", "notices", "workplan/tasks",
               "honours/nominations", "competitions/entries", "subsidies/applications"},
    "province": {"schools", "audit", "honours/nominations", "competitions/entries", "subsidies/applications",
                 "circulars", "summary"},
}
# Lists the demo's admins are not the readers of (answered on another account's behalf).
NOT_MEASURED = {("province", "competitions/judging"): "a judge's own list"}
PAGES = [
    ("school", "工作台", "/"),
    ("school", "会员", "/members/"),
    ("school", "提案", "/proposals/"),
    ("school", "通知公告", "/notices/"),
    ("province", "工作台", "/"),
    ("province", "数据看板", "/dashboard/"),
    ("province", "学校", "/schools/"),
]
LIST_GOAL, PAGE_GOAL = 0.5, 0.3
#: targets measured between two runs of the floor
FLOOR_EVERY = 12


@dataclass
class Target:
    host: str  # "school" | "province"
    name: str
    path: str
    kind: str  # "floor" | "list" | "page" | "api"
    page_size: int | None = None
    queries: int | None = None
    status: int | None = None
    result: load.Load | None = None
    #: the floor's own runs (first, every FLOOR_EVERY targets, last); `result` is the median one
    runs: list = field(default_factory=list)
    #: where in the run each of the floor's runs was measured (a target's index, fractional between two)
    run_at: list = field(default_factory=list)
    #: where in the run this target was measured
    position: float = 0.0
    note: str = ""
    headers: dict = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        return f"{self.path}?page_size={self.page_size}" if self.page_size else self.path

    @property
    def goal(self) -> float | None:
        if self.kind == "list" and self.page_size == 20:
            return LIST_GOAL
        return PAGE_GOAL if self.kind == "page" else None


# ---- the stack ---------------------------------------------------------------------------------

def environment(port: int, fresh: bool) -> dict[str, str]:
    from config import embedded_db

    env = dict(os.environ)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        server = embedded_db.start(embedded_db.DATA_DIR / "pg-bench-api", database="postgres")
        if fresh:
            subprocess.run([str(embedded_db.pg_bin_dir() / "psql"), "-q", server, "-c",
                            f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE);"], check=True)
        url = embedded_db.start(embedded_db.DATA_DIR / "pg-bench-api", database=DATABASE)
    own = embedded_db.DATA_DIR / "bench-api"
    for folder in ("media", "static", "broker/queue", "broker/processed"):
        (own / folder).mkdir(parents=True, exist_ok=True)
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="0",
               BASE_DOMAIN="localhost", MEDIA_ROOT=str(own / "media"), STATIC_ROOT=str(own / "static"),
               BROKER_DIR=str(own / "broker"), PORT=str(port))
    return env


def start_gunicorn(env: dict, port: int, workers: str) -> subprocess.Popen:
    """make run's command line (config/launcher.py), its access log thrown away instead of printed."""
    log = Path(env["MEDIA_ROOT"]).parent / "gunicorn.log"
    server = subprocess.Popen(gunicorn_command(f"127.0.0.1:{port}", workers=workers), cwd=PROJECT_DIR, env=env,
                              stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True)
    try:
        wait_until_healthy(port, server, log)
    except RuntimeError as exc:
        raise SystemExit(str(exc))
    return server


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# ---- who asks ----------------------------------------------------------------------------------

def tokens() -> dict[str, str]:
    """An API token of each host's demo admin (issued in its own schema, as the token view does)."""
    from django_tenants.utils import schema_context

    from tenants.accounts.models import User
    from tenants.accounts.services import token_for
    from tenants.models import School

    found = {}
    for host, schema in (("school", School.objects.get(slug="guilin").schema_name), ("province", "public")):
        with schema_context(schema):
            found[host] = token_for(user=User.objects.get(username="admin")).key
    return found


def session_cookie(port: int, host: str) -> str:
    """Sign in through the login form over HTTP, as a browser does; returns `sessionid=…`."""
    from tenants.demo import demo_password

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login/", headers={"Host": host})
    response = connection.getresponse()
    body = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    from urllib.parse import urlencode

    connection.request("POST", "/login/", body=urlencode(
        {"username": "admin", "password": demo_password(), "csrfmiddlewaretoken": form_token}),
        headers={"Host": host, "Cookie": f"csrftoken={csrf_cookie}",
                 "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{host}/login/"})
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise SystemExit(f"signing in on {host} failed ({response.status})")
    return f"sessionid={session.group(1)}"


# ---- what is measured --------------------------------------------------------------------------

def targets(only: list[str] | None, all_sizes: bool) -> list[Target]:
    from api import urls_public, urls_tenant

    found = [Target("school", "me (floor)", FLOOR, "floor"), Target("province", "me", FLOOR, "api")]
    for host, router in (("school", urls_tenant.router), ("province", urls_public.router)):
        for prefix, viewset, _ in router.registry:
            actions = {action for route in router.get_routes(viewset) for action in route.mapping.values()}
            if "list" not in actions or (host, prefix) in NOT_MEASURED:
                continue
            for size in (20, 100) if all_sizes or prefix in MAIN_LISTS[host] else (20,):
                found.append(Target(host, prefix, f"/api/v1/{prefix}/", "list", size))
    found.append(Target("province", "stats (roll-up figures)", "/api/v1/stats/", "api"))
    found += [Target(host, f"page {name}", path, "page") for host, name, path in PAGES]
    if only:
        def wanted(target):
            return target.kind == "floor" or any(
                word == target.name or word in target.path or (word == "pages" and target.kind == "page")
                for word in only)
        found = [target for target in found if wanted(target)]
    return found


def count_queries(target: Target) -> None:
    """Queries of one request, counted in this process with the same headers the load sends."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    host = SCHOOL_HOST if target.host == "school" else PROVINCE_HOST
    extra = {"HTTP_AUTHORIZATION": target.headers["Authorization"]} if "Authorization" in target.headers else {}
    client = Client(HTTP_HOST=host, **extra)
    if "Cookie" in target.headers:
        name, value = target.headers["Cookie"].split("=", 1)
        client.cookies[name] = value
    client.get(target.url_path)  # once to warm what a running server has warm (caches, the school row)
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target.url_path)
    connection.set_schema_to_public()
    target.status = response.status_code
    target.queries = len(captured)


def warm_server(targets_: list[Target], port: int) -> None:
    """A few requests to every target on several connections before anything is timed: a worker's
    first requests import and compile what later ones reuse."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(target):
        for _ in range(2):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", target.url_path, headers=target.headers)
            connection.getresponse().read()
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(ask, [t for t in targets_ for _ in range(2)]))


def drain(target: Target, port: int) -> None:
    """Wait until the server has worked off what wrk left in flight: wrk stops counting at the end
    of its window but the server still answers the requests it had, which would otherwise eat the
    next window (a heavy page under 16 connections lost its whole window to them)."""
    for _ in range(2):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", target.url_path, headers=target.headers)
        connection.getresponse().read()
        connection.close()


def measure(targets_: list[Target], port: int, seconds: float, warmup: float, connections: int) -> None:
    """Every target once, and the floor first, after every FLOOR_EVERY targets and last, so that each
    target's ratio can divide by the floor as it was then (local_floor)."""
    total = len(targets_)
    floor = next(t for t in targets_ if t.kind == "floor")

    def measure_floor(at: float):
        url = f"http://127.0.0.1:{port}{floor.url_path}"
        drain(floor, port)
        if warmup:
            load.run(url, floor.headers, seconds=warmup, connections=connections)
            drain(floor, port)
        floor.runs.append(load.run(url, floor.headers, seconds=seconds, connections=connections))
        floor.run_at.append(at)

    for index, target in enumerate(targets_, 1):
        if index > 2 and (index - 2) % FLOOR_EVERY == 0 and total > 2 and floor.status == 200:
            measure_floor(index - 0.5)
        target.position = index
        count_queries(target)
        if target.status != 200:
            target.note = f"HTTP {target.status}: not loaded"
            print(f"[{index}/{total}] {target.host} {target.url_path}: HTTP {target.status}, skipped", flush=True)
            continue
        url = f"http://127.0.0.1:{port}{target.url_path}"
        drain(target, port)  # the previous target's requests still in flight when wrk stopped
        if warmup:
            load.run(url, target.headers, seconds=warmup, connections=connections)
            drain(target, port)
        target.result = load.run(url, target.headers, seconds=seconds, connections=connections)
        if target.result.errors:
            target.note = f"{target.result.errors} errors"
        print(f"[{index}/{total}] {target.host} {target.url_path}: {target.result.per_second:.0f}/s, "
              f"p95 {target.result.p95_ms:.0f} ms, {target.queries} queries", flush=True)
        if target is floor:
            floor.runs.append(target.result)
            floor.run_at.append(index)
    if floor.result is not None and total > 2:
        measure_floor(total + 0.5)
        floor.result = sorted(floor.runs, key=lambda run: run.per_second)[len(floor.runs) // 2]
        print("floor runs: " + " / ".join(f"{run.per_second:.0f}/s" for run in floor.runs)
              + f"; each ratio divides by the floor interpolated to its target (median {floor.result.per_second:.0f}/s)",
              flush=True)


def local_floor(floor: Target, position: float) -> float:
    """The floor's requests/s at `position` in the run: linear between its runs before and after."""
    points = sorted(zip(floor.run_at, (run.per_second for run in floor.runs)))
    if not points:
        return 0.0
    if position <= points[0][0]:
        return points[0][1]
    for (left, left_rate), (right, right_rate) in zip(points, points[1:]):
        if position <= right:
            return left_rate + (right_rate - left_rate) * (position - left) / (right - left)
    return points[-1][1]


# ---- what is printed ---------------------------------------------------------------------------

def rows(targets_: list[Target]) -> tuple[list[str], list[list[str]], list[Target]]:
    floor_target = next(t for t in targets_ if t.kind == "floor")
    floor = floor_target.result
    header = ["host", "target", "page_size", "req/s", "p50 ms", "p95 ms", "p99 ms", "queries", "floor then",
              "× floor then", "× median floor", "goal"]
    body, missed = [], []
    for t in targets_:
        if t.result is None:
            body.append([t.host, t.name, str(t.page_size or "—"), "—", "—", "—", "—", str(t.queries or "—"), "—",
                         "—", "—", t.note])
            continue
        median_ratio = t.result.per_second / floor.per_second if floor and floor.per_second else 0.0
        then = local_floor(floor_target, t.position) or (floor.per_second if floor else 0.0)
        ratio = t.result.per_second / then if then else 0.0
        verdict = ""
        if t.goal is not None:
            verdict = f"≥{t.goal}× ok" if ratio >= t.goal else f"MISSED (<{t.goal}×)"
            if ratio < t.goal:
                missed.append(t)
        if t.note:
            verdict = f"{verdict} {t.note}".strip()
        body.append([t.host, t.name, str(t.page_size or "—"), f"{t.result.per_second:.0f}", f"{t.result.p50_ms:.1f}",
                     f"{t.result.p95_ms:.1f}", f"{t.result.p99_ms:.1f}", str(t.queries), f"{then:.0f}",
                     f"{ratio:.2f}", f"{median_ratio:.2f}", verdict])
    return header, body, missed


def print_table(header, body) -> None:
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


def markdown(header, body, missed, args, started, floor_runs) -> str:
    lines = [f"`python bench/api.py` — {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, "
             f"wrk -t2 -c{args.connections}, {args.seconds:g} s per target after a {args.warmup:g} s warm-up, "
             f"gunicorn {args.workers} workers × {web_threads()} thread(s) (make run's), DEBUG off, demo data; "
             f"floor = `GET /api/v1/me/` on the school host"
             + (f", measured {len(floor_runs)} times ({' / '.join(f'{run.per_second:.0f}' for run in floor_runs)} "
                f"req/s; every {FLOOR_EVERY} targets); a target's ratio divides by the floor interpolated "
                "to when it ran (\"floor then\"), the median floor's ratio is beside it"
                if len(floor_runs) > 1 else "") + f". Goal (on \"× floor then\"): lists of 20 rows ≥ {LIST_GOAL}×, pages ≥ {PAGE_GOAL}×.",
             "", "| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]
    lines += ["", f"{len(missed)} target(s) below their goal" + (": " + ", ".join(
        f"{t.host} {t.name}" + (f" ({t.page_size})" if t.page_size else "") for t in missed) if missed else ".")]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated names or path parts to measure (the floor is always "
                                       "measured; 'pages' selects the pages), e.g. members,proposals,pages")
    parser.add_argument("--seconds", type=float, default=4, help="measured seconds per target (default 4)")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds per target (default 1)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", default=os.environ.get("WEB_WORKERS", "2"), help="gunicorn workers (make run: 2)")
    parser.add_argument("--all-sizes", action="store_true", help="every list at page_size 100 too, not only the main ones")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")))
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and seed the demo again")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown to FILE")
    args = parser.parse_args()

    load.wrk_path()
    started = time.time()
    env = environment(args.port, args.fresh)
    print("Preparing the benchmark database (the demo is seeded once, then reused):", flush=True)
    prepare_data(env)
    os.environ.update(env)
    import django

    django.setup()
    server = None
    try:
        server = start_gunicorn(env, args.port, args.workers)
        chosen = targets(args.only.split(",") if args.only else None, args.all_sizes)
        token = tokens()
        cookies = {host: session_cookie(args.port, name) for host, name in
                   (("school", SCHOOL_HOST), ("province", PROVINCE_HOST))
                   if any(t.kind == "page" and t.host == host for t in chosen)}
        for t in chosen:
            t.headers = {"Host": SCHOOL_HOST if t.host == "school" else PROVINCE_HOST}
            if t.kind == "page":
                t.headers["Cookie"] = cookies[t.host]
            else:
                t.headers["Authorization"] = f"Token {token[t.host]}"
        print(f"Measuring {len(chosen)} targets, ~{len(chosen) * (args.seconds + args.warmup + 0.5) / 60:.0f} min:",
              flush=True)
        warm_server(chosen, args.port)
        measure(chosen, args.port, args.seconds, args.warmup, args.connections)
    finally:
        stop(server)
        load.cleanup()
    header, body, missed = rows(chosen)
    print()
    print_table(header, body)
    print(f"\n{len(missed)} target(s) below their goal; whole run {(time.time() - started) / 60:.1f} min.")
    if args.markdown:
        Path(args.markdown).write_text(markdown(header, body, missed, args, started,
                                                     next(t for t in chosen if t.kind == "floor").runs), encoding="utf-8")
        print(f"Markdown table written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
