"""School-host lists (members and organisation, notifications, audit, the books, care, hardship,
mutual aid, and the school's side of provincial items) cost the same queries for one row as for a
page of 100: nothing is read row by row. With the demo, plus copies of the rows it has only once."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.urls_tenant import router
from shared.circulars.models import Circular, CircularRecipient
from shared.competitions.models import Competition
from shared.honours.models import HonourCampaign, HonourRecord, Nomination
from shared.staffhomes.models import HomeApplication, Round
from shared.subsidies.models import Application, Programme
from tenants.accounts.roles import Role
from tests.conftest import in_schema

LISTS = ("members", "branches", "departments", "audit", "ledger", "books/budgets", "care/standards",
         "care/visits", "care/life-events", "hardship/levels", "mutual-aid/categories", "mutual-aid/enrolments",
         "mutual-aid/claims", "staff-homes/criteria", "honours/campaigns", "honours/nominations", "honours/records",
         "competitions", "circulars", "staff-homes/rounds", "staff-homes/applications", "subsidies/programmes",
         "subsidies/applications")
# Provincial rows the demo gives guilin once: copied so each list has several.
COPIED = [HonourCampaign, Nomination, HonourRecord, Competition, Circular, Round, HomeApplication, Programme,
          Application]


def _queries(client, path, page_size):
    connection.queries_log.clear()  # the demo seeding filled the log to its cap; count from empty
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured), response.json()


@pytest.fixture
def demo(settings, guilin):
    settings.DEBUG = True
    call_command("seed_demo")
    connection.set_schema_to_public()
    copies = {}
    for model in COPIED:
        rows = model.objects.all()
        if hasattr(model, "school_id"):
            rows = rows.filter(school=guilin)
        original = rows.order_by("id").first()
        if original is None:
            continue
        for index in range(3):
            row = model.objects.get(pk=original.pk)
            row.pk = row.id = None
            if model is HomeApplication:
                row.unit_name = f"第{index}分会"
            if model is Nomination:
                row.nominee_name = f"候选人{index}"
            if model is HonourRecord:
                row.person_name = f"劳模{index}"
            if model is Application:  # one application per school and programme
                row.programme = copies[Programme][index]
            row.save()
            copies.setdefault(model, []).append(row)
            if model is Circular:  # a school lists the circulars sent to it
                CircularRecipient.objects.create(circular=row, school=guilin)


def test_school_lists_cost_the_same_for_one_row_and_a_page(demo, guilin, host_client):
    office = host_client(guilin, [Role.UNION_ADMIN, Role.TREASURER, Role.CARE_OFFICER])
    prefixes = {prefix for prefix, _, _ in router.registry}
    assert set(LISTS) <= prefixes
    costs, thin = {}, []
    for prefix in LISTS:
        path = f"/api/v1/{prefix}/"
        one, _ = _queries(office, path, 1)
        many, page = _queries(office, path, 100)
        if len(page["results"]) < 3:
            thin.append((path, len(page["results"])))
        costs[path] = (one, many)
    grows = {path: cost for path, cost in costs.items() if cost[0] != cost[1]}
    assert not grows, f"queries grow with the page (1 row, 100 rows): {grows}"
    assert not thin, f"too few rows to tell: {thin}"


def test_a_branch_chair_and_a_member_read_their_lists_at_a_constant_cost(demo, guilin, host_client):
    from tenants.members.models import Branch

    chair = host_client(guilin, [Role.BRANCH_CHAIR, Role.MEMBER])
    with in_schema(guilin):
        branch = Branch.objects.order_by("id").first()
        branch.chair = chair.user
        branch.save(update_fields=["chair"])
    for prefix in ("members", "branches", "care/visits", "mutual-aid/enrolments", "notifications"):
        path = f"/api/v1/{prefix}/"
        one, _ = _queries(chair, path, 1)
        many, _ = _queries(chair, path, 100)
        assert one == many, (path, one, many)
