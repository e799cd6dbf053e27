"""The task outbox in one process: what is written, what is sent and when, what runs once."""
import datetime
from decimal import Decimal

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from shared.subsidies.models import Application
from shared.subsidies.services import application_disburse, income_key
from tenants.accounts.roles import Role
from tenants.finance.models import LedgerEntry
from tenants.outbox.models import OutboxMessage
from tenants.outbox.selectors import outbox_figures
from tenants.outbox.services import outbox_enqueue, outbox_publish, outbox_relay
from tests.conftest import in_schema, make_user
from tests.outbox.broker import filesystem_broker
from tests.shared.test_subsidies import a_programme


def allocated_application(school, amount="30000.00"):
    return Application.objects.create(programme=a_programme(), school=school, project="教工之家活动室改造",
                                      amount_requested=Decimal(amount), submitted_by="t",
                                      status=Application.Status.ALLOCATED, allocated_amount=Decimal(amount))


def queued_files(folder):
    return sorted(p.name for p in (folder / "queue").glob("*.msg"))


def test_a_rolled_back_change_sends_nothing(tmp_path, django_capture_on_commit_callbacks):
    with filesystem_broker(tmp_path) as folder, django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue(task="shared.stats.tasks.rollup_all", args=[2026], key="rolled-back")
            raise RuntimeError("the change fails")
    assert callbacks == []
    assert not OutboxMessage.objects.filter(key="rolled-back").exists()
    assert queued_files(folder) == []


def test_a_committed_message_goes_out_once_with_its_key_as_task_id(tmp_path, django_capture_on_commit_callbacks):
    with filesystem_broker(tmp_path) as folder, django_capture_on_commit_callbacks(execute=True):
        first = outbox_enqueue(task="shared.stats.tasks.rollup_all", args=[2026], key="rollup-once")
        again = outbox_enqueue(task="shared.stats.tasks.rollup_all", args=[2026], key="rollup-once")
    assert first.pk == again.pk
    row = OutboxMessage.objects.get(key="rollup-once")
    assert (row.deliveries, row.schema_name, row.completed_at) == (1, "public", None)
    assert len(queued_files(folder)) == 1  # the second enqueue found the first one's row sent
    assert outbox_relay() == {"sent": 0, "refused": 0}  # not due again before OUTBOX_REDELIVER_AFTER_SECONDS


def test_a_refusing_broker_backs_off_then_the_relay_sends(tmp_path, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 10, 25
    with filesystem_broker(tmp_path) as folder:
        (folder / "queue").rename(folder / "away")
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(task="shared.stats.tasks.rollup_all", args=[2026], key="backoff")
        waits = []
        for _ in range(3):  # each refusal doubles the wait, up to the cap
            row = OutboxMessage.objects.get(key="backoff")
            waits.append(round((row.available_at - timezone.now()).total_seconds()))
            assert outbox_relay() == {"sent": 0, "refused": 0}  # not due yet
            OutboxMessage.objects.filter(key="backoff").update(available_at=timezone.now())
            assert outbox_relay() == {"sent": 0, "refused": 1}
        row = OutboxMessage.objects.get(key="backoff")
        waits.append(round((row.available_at - timezone.now()).total_seconds()))
        assert waits == [10, 20, 25, 25]
        assert "FileNotFoundError" in row.last_error and row.sent_at is None and row.attempts == 4
        assert outbox_figures()["pending"] >= 1
        (folder / "away").rename(folder / "queue")
        OutboxMessage.objects.filter(key="backoff").update(available_at=timezone.now())
        assert outbox_relay() == {"sent": 1, "refused": 0}
        assert len(queued_files(folder)) == 1


def test_the_same_message_run_twice_writes_one_income_entry(guilin, province, django_capture_on_commit_callbacks):
    application = allocated_application(guilin)
    admin = make_user(province, [Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):  # eager: the task runs in the fast path
        application_disburse(application=application, by=admin)
    key = income_key(application.pk)
    assert OutboxMessage.objects.get(key=key).completed_at is not None
    # the message arrives again (a redelivery): its row says done, the task does nothing
    task = current_app.tasks["shared.subsidies.tasks.record_subsidy_income"]
    assert task.apply(args=[application.pk], task_id=key, headers={"_schema_name": guilin.schema_name}).get() is None
    # and the relay never sends a completed row
    OutboxMessage.objects.filter(key=key).update(available_at=timezone.now() - datetime.timedelta(hours=1))
    assert outbox_publish(keys=[key]) == {"sent": 0, "refused": 0}
    with in_schema(guilin):
        assert LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").count() == 1


def test_the_relay_forgets_completed_messages_after_a_week(settings):
    old = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS, hours=1)
    OutboxMessage.objects.create(key="old", task="shared.stats.tasks.rollup_all", schema_name="public",
                                 completed_at=old)
    OutboxMessage.objects.create(key="recent", task="shared.stats.tasks.rollup_all", schema_name="public",
                                 completed_at=timezone.now())
    outbox_relay()
    assert set(OutboxMessage.objects.filter(key__in=["old", "recent"]).values_list("key", flat=True)) == {"recent"}


def test_the_relay_runs_on_beat_and_outbox_status_reports(settings, capsys):
    from django.core.management import call_command

    assert settings.CELERY_BEAT_SCHEDULE["outbox-relay"]["task"] == "tenants.outbox.tasks.relay"
    OutboxMessage.objects.create(key="stuck", task="shared.stats.tasks.rollup_all", schema_name="public",
                                 deliveries=settings.OUTBOX_MAX_DELIVERIES)
    call_command("outbox_status")
    assert '"failed": 1' in capsys.readouterr().out
    call_command("outbox_status", "--retry-failed")
    captured = capsys.readouterr()
    assert "已安排 1 条" in captured.err and '"failed": 0' in captured.out


def test_an_operators_resend_of_a_completed_row_runs_the_task_again_and_books_once(
        guilin, province, django_capture_on_commit_callbacks):
    from shared.subsidies.services import application_resend_income

    application = allocated_application(guilin)
    admin = make_user(province, [Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        application_disburse(application=application, by=admin)
    key = income_key(application.pk)
    first = OutboxMessage.objects.get(key=key)
    assert first.completed_at is not None and first.deliveries == 1
    # 重新发送入账任务 on a completed row: re-armed, sent, run (completed anew), still one entry
    application_resend_income(application=Application.objects.get(pk=application.pk), by=admin)
    row = OutboxMessage.objects.get(key=key)
    assert row.completed_at is not None and row.completed_at > first.completed_at and row.deliveries == 1
    with in_schema(guilin):
        assert LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").count() == 1


def test_a_re_disbursement_after_a_restore_books_the_missing_entry(guilin, province,
                                                                   django_capture_on_commit_callbacks):
    application = allocated_application(guilin)
    admin = make_user(province, [Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        application_disburse(application=application, by=admin)
    key = income_key(application.pk)
    assert OutboxMessage.objects.get(key=key).completed_at is not None
    # a restore rewound both: the school's books lost the entry, the application is allocated again
    with in_schema(guilin):
        LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").delete()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ALLOCATED, disbursed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        application_disburse(application=Application.objects.get(pk=application.pk), by=admin)
    with in_schema(guilin):
        entry = LedgerEntry.objects.get(source_ref=f"subsidy:{application.pk}")
    assert OutboxMessage.objects.get(key=key).completed_at is not None
    assert Application.objects.get(pk=application.pk).income_entry_id == entry.pk  # the receipt names it


def test_a_roll_up_sends_its_chunks_through_the_outbox(guilin, huzhou, settings, tmp_path,
                                                       django_capture_on_commit_callbacks):
    from shared.stats.tasks import rollup_all as task  # imported: registered whatever ran before
    from tenants.selectors import active_school_schemas

    settings.STATS_ROLLUP_SCHOOLS_PER_TASK = 1
    schemas = active_school_schemas()
    with filesystem_broker(tmp_path) as folder, django_capture_on_commit_callbacks(execute=True):
        task.apply(args=[2026], task_id="rollup-parent")
    chunks = OutboxMessage.objects.filter(key__startswith="rollup-parent:chunk:").order_by("pk")
    # one row per school, sent once; a worker killed after fetching one leaves it for the relay
    assert [row.key for row in chunks] == [f"rollup-parent:chunk:{i}" for i in range(len(schemas))]
    assert [row.args for row in chunks] == [[[schema], [2026]] for schema in schemas]
    assert all(row.deliveries == 1 and row.completed_at is None for row in chunks)
    assert len(queued_files(folder)) == len(schemas)
