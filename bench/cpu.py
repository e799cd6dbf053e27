"""bench/cpu.py — every bench/api.py target's CPU per request, in-process (no HTTP server, no load generator).

    .venv/bin/python bench/cpu.py [--only NAME,NAME] [--requests 10] [--token-only]

bench/api.py's throughput through gunicorn and wrk shares the 2 cores with the load generator and moves
by ±20–30% between runs; this asks the same targets through Django's test client in one process and
prints `time.process_time()` per request (3 warm-up requests, then the median of 3 runs), so two
versions of the code can be compared on the same data: run it in each checkout (a `git worktree`)
one after the other, twice in alternating order. It needs the database bench/api.py seeded (run
bench/api.py once first; this script never writes). The admin is signed in (pages) and sends a
token (API); `--token-only` leaves the session out. Prints `host|target|page_size|ms` lines.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="target names, comma-separated (as bench/api.py prints them)")
    parser.add_argument("--requests", type=int, default=10, help="requests per run (3 runs, median)")
    parser.add_argument("--token-only", action="store_true")
    args = parser.parse_args()

    os.chdir(PROJECT_DIR)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="0")
    from config import embedded_db

    from bench.api import DATABASE
    if not os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded_db.start(embedded_db.DATA_DIR / "pg-bench-api", database=DATABASE)
    else:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    import django
    django.setup()
    import logging

    from django.conf import settings
    from django.test import Client

    from bench.api import targets, tokens
    from tenants.demo import demo_password

    logging.disable(logging.WARNING)
    settings.ALLOWED_HOSTS = ["*"]
    api_tokens = tokens()
    clients = {}
    for kind, host in (("school", "guilin.localhost"), ("province", "localhost")):
        client = Client()
        if not args.token_only:
            answer = client.post("/login/", {"username": "admin", "password": demo_password()}, HTTP_HOST=host)
            assert answer.status_code == 302, "the demo admin could not sign in: run bench/api.py once first"
        clients[kind] = (client, host)
    only = {name for name in args.only.split(",") if name}
    for target in targets(None, False):
        if only and target.name not in only:
            continue
        client, host = clients[target.host]
        path = target.path + (f"?page_size={target.page_size}" if target.page_size else "")
        headers = {} if target.kind == "page" else {"HTTP_AUTHORIZATION": f"Token {api_tokens[target.host]}"}

        def ask():
            answer = client.get(path, HTTP_HOST=host, **headers)
            assert answer.status_code == 200, (path, answer.status_code)

        for _ in range(3):
            ask()
        runs = []
        for _ in range(3):
            started = time.process_time()
            for _ in range(args.requests):
                ask()
            runs.append((time.process_time() - started) / args.requests * 1000)
        print(f"{target.host}|{target.name}|{target.page_size or ''}|{statistics.median(runs):.1f}", flush=True)


if __name__ == "__main__":
    main()
