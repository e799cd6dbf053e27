"""A congress with delegates who can log in, a department with a handler, and the union office."""
from types import SimpleNamespace

import pytest

from tenants.accounts.roles import Role
from tenants.congress.services import committee_create, committee_member_add, congress_create, delegate_elect
from tenants.members.services import department_create
from tests.conftest import client_for, in_schema, make_user
from tests.members.factories import a_branch, a_member


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


# --- 二级教代会 and committees -------------------------------------------------------------------

def person(school, branch, name, roles=(Role.MEMBER,)):
    user = make_user(school, list(roles), full_name=name)
    member = a_member(school, branch=branch, user=user, name=name)
    return SimpleNamespace(user=user, member=member, client=client_for(school, user))


@pytest.fixture
def branches(guilin, congress_setting):
    """文学院 (chaired by chair_a) with three members, 理学院 (chaired by chair_b) with one; the school's
    congress of congress_setting; 文学院's 二级教代会 with its three members as delegates."""
    chair_a = make_user(guilin, [Role.BRANCH_CHAIR], full_name="文学院主席")
    chair_b = make_user(guilin, [Role.BRANCH_CHAIR], full_name="理学院主席")
    wenxue = a_branch(guilin, name="文学院", chair=chair_a)
    lixue = a_branch(guilin, name="理学院", chair=chair_b)
    with in_schema(guilin):
        wenxue.chair = chair_a
        wenxue.save(update_fields=["chair"])
        lixue.chair = chair_b
        lixue.save(update_fields=["chair"])
    a1, a2, a3 = (person(guilin, wenxue, name) for name in ("文甲", "文乙", "文丙"))
    b1 = person(guilin, lixue, "理甲")
    with in_schema(guilin):
        branch_congress = congress_create(by=chair_a, branch=wenxue, term=2, session=1, title="文学院二届一次教代会")
        for who in (a1, a2, a3):
            delegate_elect(by=chair_a, congress=branch_congress, member=who.member)
        delegate_elect(by=None, congress=congress_setting.congress, member=b1.member)
    return SimpleNamespace(
        school=congress_setting.congress, c=congress_setting, branch_congress=branch_congress,
        wenxue=wenxue, lixue=lixue, chair_a=client_for(guilin, chair_a), chair_b=client_for(guilin, chair_b),
        a1=a1, a2=a2, a3=a3, b1=b1)


def branch_proposal(b, title="关于改善文学院资料室条件的提案", state="seconded"):
    response = b.a1.client.post("/api/v1/proposals/", {"congress": b.branch_congress.pk, "title": title,
                                                       "reasons": "资料陈旧。", "measures": "增购图书。"},
                                format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert post(b.a1.client, pk, "submit").status_code == 200
    for seconder in (b.a2, b.a3):
        assert post(seconder.client, pk, "second").status_code == 200
    if state in ("under_review", "accepted"):
        assert post(b.chair_a, pk, "start-review").status_code == 200
    if state == "accepted":
        assert post(b.chair_a, pk, "accept", {"note": "符合立案条件"}).status_code == 200
    return pk


@pytest.fixture
def committee(guilin, branches):
    """The school congress's 提案工作委员会 with 理甲 (a delegate of the school's congress), and
    文学院's with 文乙; a proposal of the school's congress by the fixture's proposer, seconded."""
    b = branches
    with in_schema(guilin):
        school_committee = committee_create(by=None, congress=b.school, name="提案工作委员会", kind="proposal")
        committee_member_add(by=None, committee=school_committee, member=b.b1.member, role="chair")
        branch_committee = committee_create(by=None, congress=b.branch_congress, name="文学院提案工作委员会",
                                            kind="proposal")
        committee_member_add(by=None, committee=branch_committee, member=b.a2.member)
    c = b.c
    response = c.proposer.post("/api/v1/proposals/", {"congress": b.school.pk, "title": "关于增设教工子女托管班的提案",
                                                      "reasons": "暑期无人照看。", "measures": "开办托管班。"},
                               format="json")
    pk = response.json()["id"]
    for client, step in ((c.proposer, "submit"), (c.seconder1, "second"), (c.seconder2, "second")):
        assert post(client, pk, step).status_code == 200
    return SimpleNamespace(b=b, pk=pk)
