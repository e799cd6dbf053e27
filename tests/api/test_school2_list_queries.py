"""The school host's congress, activity, trip, award, health-check, retirement, work-plan, calendar
and notice lists cost the same number of queries for one row as for a page of 100 (issue #14):
per-row figures (counts, waiting places, who may act, the public nominees, a ceremony's list) come
from the list's own query, not from a query per row."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.accounts.models import User
from tests.api.school2_amplify import amplify
from tests.conftest import client_for, in_schema

#: list → the smallest number of rows the amplified demo must give the union admin
LISTS = {
    "congresses": 3, "delegations": 3, "delegates": 3, "proposals": 3, "suggestions": 3,
    "activities": 3, "activities/registrations": 3, "trips/batches": 3, "trips/applications": 3,
    "awards/campaigns": 3, "awards/nominations": 3, "awards/objections": 3, "awards/publicity": 3,
    "awards/honours": 3, "health-checks/batches": 3, "health-checks/assignments": 3, "health-checks": 3,
    "retirement/ceremonies": 3, "workplan/plans": 3, "workplan/tasks": 3, "calendar": 3,
    "calendar-report": 1, "pledges": 3, "notices": 3, "summary": 1,
}


@pytest.fixture
def busy_school(settings, guilin):
    settings.DEBUG = True
    call_command("seed_demo")
    amplify(guilin, copies=2)
    with in_schema(guilin):
        users = {name: User.objects.get(username=name) for name in ("admin", "member1", "chair1")}
    return {name: client_for(guilin, user) for name, user in users.items()}


def _queries(client, path, page_size):
    connection.queries_log.clear()  # the demo seeding filled the log to its cap; count from empty
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    return response, len(captured)


def test_school_lists_cost_the_same_for_one_row_and_a_page(busy_school):
    grows, checked = {}, []
    for name, minimum in LISTS.items():
        path = f"/api/v1/{name}/"
        for who, client in busy_school.items():
            one_response, one = _queries(client, path, 1)
            many_response, many = _queries(client, path, 100)
            assert one_response.status_code == many_response.status_code, (path, who)
            if many_response.status_code == 403:
                continue  # not this person's list
            assert many_response.status_code == 200, (path, who, many_response.content[:300])
            rows = many_response.json()["count"]
            if who == "admin":
                assert rows >= minimum, f"{path} has too few rows to tell ({rows})"
            checked.append((path, who))
            if one != many:
                grows[f"{path} as {who}"] = (one, many)
    assert not grows, f"queries grow with the page (1 row, 100 rows): {grows}"
    assert len(checked) > len(LISTS)
