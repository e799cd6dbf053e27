"""An entry in the books counts once approved — by someone other than the person who recorded it."""
import datetime
from decimal import Decimal

import pytest

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.finance.models import LedgerEntry
from tests.conftest import in_schema


@pytest.fixture
def office(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN]), host_client(guilin, [Role.UNION_ADMIN])


def recorded_by(school, client, description="运动会奖品"):
    # Recording entries by hand has no service yet: the entry is written as the treasurer would.
    with in_schema(school):
        return LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal("860.00"),
                                          occurred_on=datetime.date(2026, 5, 1), description=description,
                                          recorded_by=client.user.username).pk


def test_another_admin_approves_and_the_step_is_recorded(guilin, office):
    treasurer, chair = office
    pk = recorded_by(guilin, treasurer)
    approved = chair.post(f"/api/v1/ledger/{pk}/approve/", format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    with in_schema(guilin):
        record = AuditRecord.objects.get(target_type="finance.ledgerentry", target_id=str(pk), action="transition")
    assert (record.actor_name, record.from_state, record.to_state) == (chair.user.username, "pending", "approved")


def test_the_recorder_never_approves_their_own_entry(guilin, office):
    treasurer, _ = office
    pk = recorded_by(guilin, treasurer)
    own = treasurer.post(f"/api/v1/ledger/{pk}/approve/", format="json")
    assert own.status_code == 403
    with in_schema(guilin):
        assert LedgerEntry.objects.get(pk=pk).status == "pending"


def test_sending_back_needs_a_reason_and_a_decided_entry_stays_decided(guilin, office):
    treasurer, chair = office
    pk = recorded_by(guilin, treasurer)
    no_reason = chair.post(f"/api/v1/ledger/{pk}/reject/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert chair.post(f"/api/v1/ledger/{pk}/reject/", {"reason": "缺少发票"}, format="json").json()["status"] == \
        "rejected"
    late = chair.post(f"/api/v1/ledger/{pk}/approve/", format="json")
    assert late.status_code == 409 and "已退回" in late.json()["detail"]


def test_only_the_union_office_approves_and_another_school_cannot(guilin, huzhou, office, host_client):
    treasurer, _ = office
    pk = recorded_by(guilin, treasurer)
    member = host_client(guilin, [Role.MEMBER])
    assert member.post(f"/api/v1/ledger/{pk}/approve/", format="json").status_code == 403
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.post(f"/api/v1/ledger/{pk}/approve/", format="json").status_code == 404
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.post(f"/api/v1/ledger/{pk}/approve/", format="json").status_code == 401
    with in_schema(guilin):
        assert LedgerEntry.objects.get(pk=pk).status == "pending"
