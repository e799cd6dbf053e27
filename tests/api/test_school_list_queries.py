"""Every list of a school's host costs the same number of queries for one row as for a full page.

Generated from the school host's router (api.urls_tenant.router): a list registered later is
requested here without anyone writing a test for it. Each list is asked for as the school's union
admin, and the lists a member reads (their own rows) as a demo member, with page_size=1 and
page_size=100; the counts must be equal and the page must hold at least three rows, so a query per
row cannot hide behind a list of one. Rows the demo has fewer than three of are copied in
``_fill``; a list that cannot be filled is named in SKIPPED with the reason.

The demo (tenants.demo.seed_demo) is seeded once per module inside a transaction that is rolled
back at the end; each test runs in a savepoint inside it.

``LIST_QUERIES_REPORT=<file>`` writes the counts (and the in-process time of a 20-row page, median
of three) as a Markdown table — figures for bench/RESULTS.md and for whoever is fixing a list.
"""
from __future__ import annotations

import os
import statistics
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from api.urls_tenant import router
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.models import School
from tests.conftest import client_for, make_user

#: lists that cannot be asked here, with the reason (named, never skipped silently)
SKIPPED: dict[str, str] = {}

#: lists a member reads (their own rows or what is published to them), asked again as demo member1
MEMBER_LISTS: set[str] = set()

ROUTES = [(prefix, basename) for prefix, viewset, basename in router.registry
          if "list" in {action for route in router.get_routes(viewset) for action in route.mapping.values()}]
_report: dict[tuple[str, str], tuple] = {}


def _fill(school: School) -> None:
    """Copy rows of the lists the demo fills fewer than three times."""


@pytest.fixture(scope="module")
def seeded_school(django_db_setup, django_db_blocker):
    """The demo region seeded once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=open(os.devnull, "w"))
            connection.set_schema_to_public()
            school = School.objects.get(slug="guilin")
            with schema_context(school.schema_name):
                _fill(school)
            connection.set_schema_to_public()
            yield school
        finally:
            connection.set_schema_to_public()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            _write_report()


@pytest.fixture(scope="module")
def clients(seeded_school):
    with schema_context(seeded_school.schema_name):
        member = User.objects.get(username="member1")
    admin = make_user(seeded_school, [Role.UNION_ADMIN])
    return {"admin": client_for(seeded_school, admin), "member": client_for(seeded_school, member)}


def _queries(client, path, page_size):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(captured), response.json()


def _ms_for_twenty(client, path) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        client.get(path, {"page_size": 20})
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def _check(client, who, prefix):
    if prefix in SKIPPED:
        pytest.skip(SKIPPED[prefix])
    path = f"/api/v1/{prefix}/"
    one, _ = _queries(client, path, 1)
    many, page = _queries(client, path, 100)
    rows = len(page["results"]) if isinstance(page, dict) and "results" in page else None
    if os.environ.get("LIST_QUERIES_REPORT"):
        _report[(prefix, who)] = (one, many, rows, _ms_for_twenty(client, path))
    assert rows is not None, f"{path} is not a paginated list"
    assert rows >= 3, f"{path} as {who} has too few rows to tell ({rows})"
    assert one == many, f"{path} as {who}: {one} queries for 1 row, {many} for {rows} rows"


@pytest.mark.parametrize("prefix", [prefix for prefix, _ in ROUTES])
def test_a_school_list_costs_the_same_for_one_row_and_a_page(seeded_school, clients, prefix):
    _check(clients["admin"], "admin", prefix)


@pytest.mark.parametrize("prefix", sorted(MEMBER_LISTS))
def test_a_members_list_costs_the_same_for_one_row_and_a_page(seeded_school, clients, prefix):
    _check(clients["member"], "member", prefix)


def _write_report() -> None:
    target = os.environ.get("LIST_QUERIES_REPORT")
    if not target or not _report:
        return
    lines = ["| list (school host) | as | queries, 1 row | queries, 100 rows | rows | ms for 20 rows (in-process) |",
             "|---|---|--:|--:|--:|--:|"]
    for (prefix, who), (one, many, rows, ms) in sorted(_report.items()):
        mark = "" if one == many else " ✗"
        lines.append(f"| {prefix}/ | {who} | {one} | {many}{mark} | {rows} | {ms:.1f} |")
    with open(target, "w") as out:
        out.write("\n".join(lines) + "\n")
