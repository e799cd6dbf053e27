"""A branch chair's view of the school lists costs the same queries for one row as for a page of
100 (the chair's scoping reads the chaired branches once, not per row). The office's and a member's
view of every list is covered by tests/api/test_school_list_queries.py, generated from the router."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.accounts.roles import Role
from tenants.members.models import Branch
from tests.conftest import in_schema


def _queries(client, path, page_size):
    connection.queries_log.clear()  # the demo seeding filled the log to its cap; count from empty
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured), len(response.json()["results"])


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    connection.set_schema_to_public()


def test_a_branch_chair_reads_the_lists_at_a_constant_cost(demo, guilin, host_client):
    chair = host_client(guilin, [Role.BRANCH_CHAIR, Role.MEMBER])
    with in_schema(guilin):
        branch = Branch.objects.order_by("id").first()
        branch.chair = chair.user
        branch.save(update_fields=["chair"])
    rows = {}
    for prefix in ("members", "branches", "care/visits", "mutual-aid/enrolments", "membership-applications",
                   "notifications"):
        path = f"/api/v1/{prefix}/"
        one, _ = _queries(chair, path, 1)
        many, rows[prefix] = _queries(chair, path, 100)
        assert one - 1 <= many <= one, (path, one, many)  # a page holding the whole list skips its COUNT (tenants/paging.py)
    assert rows["members"] >= 3 and rows["branches"] >= 3  # the chair's branch has rows to tell
