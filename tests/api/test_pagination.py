"""A list's page answers the same whether it was counted with COUNT or by reading its first page."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _ask(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/members/", params)
    assert response.status_code == 200, response.content[:300]
    counts = [query["sql"] for query in captured if query["sql"].lstrip().upper().startswith("SELECT COUNT(*)")]
    return response.json(), counts


def test_a_list_that_fits_on_its_first_page_is_counted_without_a_count_statement(guilin, host_client):
    from django_tenants.utils import schema_context

    from tenants.members.models import Branch
    from tests.activities.conftest import new_member

    with schema_context(guilin.schema_name):
        branch = Branch.objects.create(name="分页测试分工会")
        for _ in range(3):
            new_member(branch)
    admin = host_client(guilin, [Role.UNION_ADMIN])
    total = admin.get("/api/v1/members/", {"page_size": 200}).json()["count"]
    assert total >= 3

    fits, counts = _ask(admin, page_size=total)  # exactly one page: read, not counted
    assert counts == [] and fits["count"] == total and len(fits["results"]) == total
    assert fits["next"] is None and fits["previous"] is None

    longer, counts = _ask(admin, page_size=total - 1)  # one row more than a page: counted as before
    assert len(counts) == 1 and longer["count"] == total and len(longer["results"]) == total - 1
    assert "page=2" in longer["next"] and longer["previous"] is None
    assert [row["id"] for row in longer["results"]] == [row["id"] for row in fits["results"]][:total - 1]

    last, _ = _ask(admin, page_size=total - 1, page=2)  # later pages: as before
    assert last["count"] == total and [row["id"] for row in last["results"]] == [fits["results"][-1]["id"]]
    assert last["next"] is None and "page_size" in last["previous"]

    assert admin.get("/api/v1/members/", {"page": 9}).status_code == 404  # 页码无效, as before
