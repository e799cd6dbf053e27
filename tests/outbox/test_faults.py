"""Fault tests with a real Celery worker process on `make run`'s filesystem broker (issue #15):

- the broker away while a subsidy is disbursed: the disbursement succeeds, its income task waits in
  the outbox, and once the broker is back the relay sends it and the worker writes one entry;
- a worker SIGKILLed in the middle of that task: nothing of it is committed; the relay sends the
  message again and the next worker writes the entry once.

The worker is `celery -A config worker` with `make run`'s settings, pointed at this xdist worker's
test database (rows are committed here — committed_db — and removed afterwards) and at a broker
folder of the test's own. Every wait is for a condition, with a deadline."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.subsidies.models import Application
from shared.subsidies.services import application_disburse, income_key
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.finance.models import LedgerEntry
from tenants.outbox.models import OutboxMessage
from tenants.outbox.services import outbox_relay
from tests.conftest import delete_user_for_cleanup, make_user
from tests.outbox.broker import filesystem_broker
from tests.outbox.test_outbox import allocated_application

PROJECT_DIR = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
DEADLINE = 60  # seconds; a loaded CI machine starts a worker in a few

pytestmark = pytest.mark.xdist_group("outbox-faults")


def wait_for(condition, what: str, timeout: float = DEADLINE, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"worker exited while waiting for {what}:\n{worker.log_tail()}")
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}" + (f"\n{worker.log_tail()}" if worker else ""))


class Worker:
    """`celery worker` (solo pool: the task runs in the process we kill) in its own session."""

    def __init__(self, folder: Path, name: str):
        for sub in ("queue", "processed"):
            (folder / sub).mkdir(exist_ok=True)
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        host = db.get("HOST") or "127.0.0.1"
        url = (f"postgresql://{auth}@/{db['NAME']}?host={host}&port={db.get('PORT') or 5432}" if host.startswith("/")
               else f"postgresql://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": url,
               "BROKER_DIR": str(folder), "EDUUNION_DATA_DIR": str(folder / "data"),
               "MEDIA_ROOT": str(folder / "media")}
        env.pop("CELERY_BROKER_URL", None)
        self.log_path = folder / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO", "--hostname", name,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=PROJECT_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def poll(self):
        return self.process.poll()

    def log_tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text()[-3000:]

    def kill(self):
        """SIGKILL, as the kernel's OOM killer or a pulled plug: no shutdown, no acknowledgement."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def broker_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("outbox-broker")


@pytest.fixture(scope="module")
def workers(broker_folder, django_db_setup):
    """workers() -> the running worker, started if none runs (a worker costs seconds to start: the
    module shares one until a test kills it)."""
    started = []

    def running():
        if not started or started[-1].poll() is not None:
            started.append(Worker(broker_folder, f"outbox-w{len(started) + 1}"))
        return started[-1]

    yield running
    for worker in started:
        worker.kill()


@pytest.fixture
def disbursable(committed_db, guilin, province):
    """An allocated application of guilin and a provincial admin, committed; removed afterwards
    with the entry, receipts, audit records and outbox row the disbursement left."""
    application = allocated_application(guilin)
    admin = make_user(province, [Role.PROVINCE_ADMIN], username=f"outbox-fault-{application.pk}")

    def cleanup():
        with schema_context(guilin.schema_name):
            entries = list(LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").values_list("pk", flat=True))
            AuditRecord.objects.filter(target_type="finance.ledgerentry", target_id__in=[str(pk) for pk in entries]).delete()
            LedgerEntry.objects.filter(pk__in=entries).delete()
        OutboxMessage.objects.filter(key=income_key(application.pk)).delete()
        AuditRecord.objects.filter(target_type__startswith="subsidies.").delete()
        programme = application.programme
        Application.objects.filter(pk=application.pk).delete()
        programme.delete()
        delete_user_for_cleanup("public", admin.pk)

    committed_db.append(cleanup)
    return application, admin


def income_entries(school, application) -> int:
    with schema_context(school.schema_name):
        return LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").count()


def outbox_row(application) -> OutboxMessage:
    return OutboxMessage.objects.get(key=income_key(application.pk))


def test_a_disbursement_while_the_broker_is_away_lands_once_when_it_returns(disbursable, guilin, workers,
                                                                            broker_folder, tmp_path, settings):
    application, admin = disbursable
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    worker = workers()
    with filesystem_broker(tmp_path / "unreachable") as away:  # the web process cannot reach the broker
        away.joinpath("queue").rmdir()
        application_disburse(application=application, by=admin)

        application.refresh_from_db()
        assert application.status == Application.Status.DISBURSED  # the write succeeded
        row = outbox_row(application)
        assert (row.deliveries, row.attempts, row.completed_at) == (0, 1, None) and row.last_error
        assert outbox_relay() == {"sent": 0, "refused": 0}  # backing off, not hammering the broker

    with filesystem_broker(broker_folder):  # the broker is back
        wait_for(lambda: outbox_row(application).available_at <= timezone.now(), "the backoff to pass", timeout=5)
        assert outbox_relay() == {"sent": 1, "refused": 0}
        wait_for(lambda: outbox_row(application).completed_at, "the worker to complete the task", worker=worker)

    assert income_entries(guilin, application) == 1
    application.refresh_from_db()
    assert application.income_recorded_at is not None
    assert outbox_relay() == {"sent": 0, "refused": 0}  # completed: never sent again


def test_a_worker_killed_during_the_task_runs_it_again_and_writes_once(disbursable, guilin, workers, broker_folder,
                                                                      settings):
    application, admin = disbursable
    settings.OUTBOX_REDELIVER_AFTER_SECONDS = 1
    db = connection.settings_dict
    first = workers()
    # the task writes the entry, then its audit record in the school's schema: this connection
    # holds that table against writes, so the worker stops half-way with its entry uncommitted
    # (the disbursement itself writes only the provincial schema's audit table)
    holder = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db.get("PASSWORD") or None,
                              host=db.get("HOST") or None, port=db.get("PORT") or None)
    try:
        with holder.cursor() as cursor, filesystem_broker(broker_folder):
            cursor.execute(f'LOCK TABLE "{guilin.schema_name}".{AuditRecord._meta.db_table} IN SHARE MODE')
            application_disburse(application=application, by=admin)

            def worker_waits_for_the_lock():
                cursor.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                               "WHERE NOT l.granted AND a.datname = %s AND a.pid <> pg_backend_pid()", [db["NAME"]])
                return cursor.fetchone()[0]

            wait_for(worker_waits_for_the_lock, "the worker to be half-way through the task", worker=first)
            first.kill()
        holder.rollback()
    finally:
        holder.close()

    with filesystem_broker(broker_folder):
        assert income_entries(guilin, application) == 0  # the killed run left nothing
        assert outbox_row(application).completed_at is None
        # not sent again before OUTBOX_REDELIVER_AFTER_SECONDS, then sent by the relay
        if outbox_row(application).available_at > timezone.now():
            assert outbox_relay() == {"sent": 0, "refused": 0}
        wait_for(lambda: outbox_row(application).available_at <= timezone.now(), "the redelivery time", timeout=5)
        assert outbox_relay() == {"sent": 1, "refused": 0}
        second = workers()
        wait_for(lambda: outbox_row(application).completed_at, "the next worker to complete the task", worker=second)

    assert income_entries(guilin, application) == 1
    assert outbox_row(application).deliveries == 2
