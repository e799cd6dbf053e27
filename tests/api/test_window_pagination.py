"""Lists read a page and its total in one query (api.pagination.WindowPaginator): the same count,
pages, next/previous links and errors as Django's paginator, one statement fewer."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.accounts.models import Notification, User
from tenants.accounts.roles import Role
from tests.conftest import in_schema


def _get(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/notifications/", params)
    return response, [q["sql"] for q in captured]


def test_a_page_its_total_and_the_edges_answer_as_before(guilin, host_client, settings):
    settings.DEBUG = True
    client = host_client(guilin, [Role.MEMBER])
    with in_schema(guilin):
        user = User.objects.get(pk=client.user.pk)
        Notification.objects.bulk_create([Notification(user=user, message=f"第{i}条") for i in range(7)])

    response, sqls = _get(client, page_size=3, page=2)
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 7 and len(body["results"]) == 3
    assert "page=3" in body["next"] and body["previous"]
    # the total rode on the rows: no separate COUNT
    assert not any(sql.startswith("SELECT COUNT(*)") for sql in sqls)
    assert any("OVER ()" in sql for sql in sqls)

    last = _get(client, page_size=3, page=3)[0].json()
    assert last["count"] == 7 and [r["message"] for r in last["results"]] == ["第0条"] and last["next"] is None

    for page in ("4", "0", "x"):   # past the end, below 1, not a number: 404 as before
        response = _get(client, page_size=3, page=page)[0]
        assert response.status_code == 404


def test_an_empty_list_counts_zero(guilin, host_client):
    client = host_client(guilin, [Role.MEMBER])
    body = client.get("/api/v1/notifications/", {"page_size": 3}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
