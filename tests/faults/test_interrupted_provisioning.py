"""Ctrl-C while a school is being provisioned leaves no half-made school.

`manage.py provision_school` runs against the fault tests' own server and is interrupted the way a
terminal's Ctrl-C does it (SIGINT to its process group) at two points inside its transaction:
right at the first write (the School row), and after the template replay has made the schema and
all its tables, just before the domain is written. The points are reached deterministically: the
test holds a lock that the next write waits for, and sends the signal once the provisioning
connection is seen waiting on it. Afterwards there is no School row, schema or domain, and
provisioning the same slug again makes the whole school.
"""
from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.faults.conftest import wait_for

SLUG = "ctrlc"


def _state(server) -> dict:
    return {
        "school": server.query("SELECT count(*) FROM tenants_school WHERE slug = %s", (SLUG,))[0][0],
        "domain": server.query("SELECT count(*) FROM tenants_domain WHERE domain = %s", (f"{SLUG}.localhost",))[0][0],
        "schema": server.query("SELECT count(*) FROM pg_namespace WHERE nspname = %s", (f"school_{SLUG}",))[0][0],
    }


def _default_sigint() -> None:
    # A terminal's foreground job takes Ctrl-C; a suite started in the background by a
    # non-interactive shell (`make test &`) has SIGINT ignored, and children inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _provision(server) -> subprocess.Popen:
    # its own process group, as the foreground job of a terminal is: Ctrl-C goes to the group
    return server.manage("provision_school", SLUG, "中断测试学院", "--admin-password", "Ctrl-c-test-2026",
                         start_new_session=True, preexec_fn=_default_sigint)


@pytest.mark.parametrize("table, mode, point", [
    ("tenants_school", "SHARE", "first-write"),
    ("tenants_domain", "SHARE", "after-schema"),
])
def test_ctrl_c_during_provisioning_leaves_nothing(private_server, table, mode, point):
    holder = private_server.connect()
    holder.autocommit = False
    with holder.cursor() as cursor:
        # SHARE lets the checks before the transaction read the table and blocks the insert
        cursor.execute(f"LOCK TABLE public.{table} IN {mode} MODE")
        cursor.execute("SELECT pg_backend_pid()")
        holder_pid = cursor.fetchone()[0]
    process = _provision(private_server)
    try:
        watcher = private_server.connect()
        with watcher.cursor() as cursor:
            def blocked_backend():
                # a client waiting for the holder's lock: an autovacuum ANALYZE of the freshly loaded
                # copy waits for the same SHARE lock, and signalling on its account came too early
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'"
                               " AND wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(pid))", (holder_pid,))
                row = cursor.fetchone()
                return row and row[0]
            pid = wait_for(blocked_backend, f"开通进程等待锁（{point}）", timeout=60)
            if point == "after-schema":
                # the replay has run in the open transaction: every table of the new schema is locked
                cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND locktype = 'relation'"
                               " AND mode = 'AccessExclusiveLock'", (pid,))
                assert cursor.fetchone()[0] > 50
        watcher.close()
        os.killpg(process.pid, signal.SIGINT)
    finally:
        holder.close()  # lets the waiting insert finish; the pending Ctrl-C is handled right after
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stdout + stderr
    assert "已中断" in stderr and "未开通" in stderr and "Traceback" not in stderr, stderr
    assert _state(private_server) == {"school": 0, "domain": 0, "schema": 0}


def test_provisioning_after_an_interruption_makes_the_whole_school(private_server):
    process = _provision(private_server)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stdout + stderr
    assert "已开通" in stdout
    assert _state(private_server) == {"school": 1, "domain": 1, "schema": 1}
    admins = private_server.query(f'SELECT username FROM "school_{SLUG}".accounts_user')
    assert admins == [("admin",)]
