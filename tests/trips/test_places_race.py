"""Places are never exceeded: the office's selections (and replacements) racing for the last place
each lock the batch row, so exactly one gets it and the others are told the places are full."""
import threading

from django.db import connection

from tenants.accounts.models import Notification
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict
from tenants.members.models import Branch, Member
from tenants.trips import services as s
from tenants.trips.models import TripApplication, TripBatch
from tests.conftest import delete_user_for_cleanup, in_schema, make_user
from tests.trips.conftest import a_batch, new_member


def test_simultaneous_selections_never_exceed_the_places(committed_db, guilin):
    admin = make_user(guilin, [Role.UNION_ADMIN], username="trip-race-admin")
    with in_schema(guilin):
        branch = Branch.objects.create(name="疗休养并发测试分工会")
        members = [new_member(branch, f"R{i}", name=f"并发{i}") for i in range(6)]
        batch = a_batch(admin, places=1, title="并发测试批次")
        applications = [s.application_submit(by=admin, batch=batch, member=m) for m in members]
        s.batch_close_applications(by=admin, batch=batch)

    def cleanup():
        with in_schema(guilin):
            TripApplication.objects.filter(batch=batch).delete()
            TripBatch.objects.filter(pk=batch.pk).delete()
            Notification.objects.filter(message__contains="并发测试批次").delete()
            ids = [str(m.pk) for m in members]
            Member.objects.filter(branch=branch).delete()
            Branch.objects.filter(pk=branch.pk).delete()
            AuditRecord.objects.filter(target_type="trips.tripbatch", target_id=str(batch.pk)).delete()
            AuditRecord.objects.filter(target_type="trips.tripapplication",
                                       target_id__in=[str(a.pk) for a in applications]).delete()
            AuditRecord.objects.filter(target_type="members.member", target_id__in=ids).delete()
            AuditRecord.objects.filter(target_type="accounts.user", target_id=str(admin.pk)).delete()
            delete_user_for_cleanup(guilin.schema_name, admin.pk)

    committed_db.append(cleanup)
    start, outcomes = threading.Barrier(len(applications)), []

    def select(application):
        start.wait(5)
        try:
            with in_schema(guilin):
                s.application_select(by=admin, application=application, reason="并发")
            outcomes.append("selected")
        except Conflict as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=select, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("selected") == 1
    assert all("名额已满" in o for o in outcomes if o != "selected")
    with in_schema(guilin):
        assert TripApplication.objects.filter(batch=batch, status="selected").count() == 1
