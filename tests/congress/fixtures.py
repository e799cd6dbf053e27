"""A congress with delegates who can log in, a department with a handler, and the union office."""
from types import SimpleNamespace

import pytest

from tenants.accounts.roles import Role
from tenants.congress.services import congress_create, delegate_elect
from tenants.members.services import department_create
from tests.conftest import client_for, in_schema, make_user
from tests.members.factories import a_member


def delegate_client(school, congress, name):
    user = make_user(school, [Role.MEMBER], full_name=name)
    member = a_member(school, user=user, name=name)
    with in_schema(school):
        delegate_elect(by=None, congress=congress, member=member)
    return client_for(school, user)


@pytest.fixture
def congress_setting(guilin):
    with in_schema(guilin):
        congress = congress_create(by=None, term=6, session=4, title="六届四次教代会")
    handler_user = make_user(guilin, [], full_name="教务处经办人")
    other_handler_user = make_user(guilin, [], full_name="人事处经办人")
    with in_schema(guilin):
        jiaowu = department_create(by=None, name="教务处", handlers=[handler_user])
        renshi = department_create(by=None, name="人事处", handlers=[other_handler_user])
    return SimpleNamespace(
        congress=congress, jiaowu=jiaowu, renshi=renshi,
        proposer=delegate_client(guilin, congress, "提案人甲"),
        seconder1=delegate_client(guilin, congress, "代表乙"),
        seconder2=delegate_client(guilin, congress, "代表丙"),
        office=client_for(guilin, make_user(guilin, [Role.UNION_ADMIN])),
        handler=client_for(guilin, handler_user),
        other_handler=client_for(guilin, other_handler_user),
        member=client_for(guilin, make_user(guilin, [Role.MEMBER])),
    )


def draft(c, title="关于改善教职工停车难问题的提案", **extra):
    body = {"congress": c.congress.pk, "title": title, "reasons": "车位不足。", "measures": "新建停车场。", **extra}
    response = c.proposer.post("/api/v1/proposals/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def post(client, pk, step, body=None):
    return client.post(f"/api/v1/proposals/{pk}/{step}/", body or {}, format="json")


def to_state(c, state, pk=None, **kwargs):
    """Drive a fresh proposal through the real API up to ``state``."""
    pk = pk or draft(c, **kwargs)
    steps = [("submitted", c.proposer, "submit", None), ("seconded", c.seconder1, "second", None),
             ("seconded", c.seconder2, "second", None), ("under_review", c.office, "start-review", None),
             ("accepted", c.office, "accept", None),
             ("assigned", c.office, "assign", {"lead_department": c.jiaowu.pk, "due_date": "2099-12-31"}),
             ("replied", c.handler, "reply", {"text": "已安排专项经费解决。"})]
    for reached, client, step, body in steps:
        response = post(client, pk, step, body)
        assert response.status_code == 200, (step, response.content)
        if response.json()["status"] == state:
            return pk
    raise AssertionError(f"never reached {state}")
