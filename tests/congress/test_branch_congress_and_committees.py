"""二级教代会 (a branch's own congress, run by its chair), committees of a congress, the 提案工作委员会
reviewing proposals, and forwarding a branch proposal to the school's congress — through the API."""
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.congress.models import CommitteeMembership, Delegate, Proposal
from tenants.congress.selectors import proposal_todos
from tenants.congress.services import delegate_elect
from tests.conftest import in_schema
from tests.congress.fixtures import branch_proposal, post


def count(school, model, **filters):
    with in_schema(school):
        return model.objects.filter(**filters).count()


# --- 二级教代会: who runs it ---------------------------------------------------------------------

def test_a_branch_chair_runs_the_congress_of_their_branch_and_no_other(guilin, branches):
    b = branches
    created = b.chair_a.post("/api/v1/congresses/", {"branch": b.wenxue.pk, "term": 2, "session": 2},
                             format="json")
    assert created.status_code == 201, created.content
    assert created.json()["branch"] == b.wenxue.pk and created.json()["level_label"] == "文学院"
    pk = created.json()["id"]
    assert b.chair_a.post(f"/api/v1/congresses/{pk}/open/", {}, format="json").json()["status"] == "in_session"
    # 理学院's chair cannot touch it, nor create a congress for 文学院 or for the whole school.
    assert b.chair_b.post(f"/api/v1/congresses/{pk}/close/", {}, format="json").status_code == 403
    assert b.chair_b.patch(f"/api/v1/congresses/{pk}/", {"title": "改名"}, format="json").status_code == 403
    assert b.chair_b.post("/api/v1/delegates/", {"congress": pk, "member": b.b1.member.pk},
                          format="json").status_code == 403
    assert b.chair_b.post("/api/v1/congresses/", {"branch": b.wenxue.pk, "term": 3, "session": 1},
                          format="json").status_code == 403
    assert b.chair_a.post("/api/v1/congresses/", {"term": 9, "session": 1}, format="json").status_code == 403
    assert b.chair_a.post(f"/api/v1/congresses/{b.school.pk}/open/", {}, format="json").status_code == 403
    assert b.chair_b.get(f"/api/v1/congresses/{pk}/figures/").status_code == 403
    assert b.chair_a.get(f"/api/v1/congresses/{pk}/figures/").status_code == 200
    # Same term and session in another branch is another congress; in the same branch a conflict.
    assert b.chair_b.post("/api/v1/congresses/", {"branch": b.lixue.pk, "term": 2, "session": 2},
                          format="json").status_code == 201
    assert b.chair_a.post("/api/v1/congresses/", {"branch": b.wenxue.pk, "term": 2, "session": 2},
                          format="json").status_code == 409
    assert b.c.office.get("/api/v1/congresses/", {"level": "branch"}).json()["count"] == 3
    assert b.c.office.get("/api/v1/congresses/", {"branch": b.lixue.pk}).json()["count"] == 1


def test_delegates_of_a_branch_congress_are_members_of_that_branch(guilin, branches):
    b = branches
    before = count(guilin, Delegate, congress=b.branch_congress)
    refused = b.chair_a.post("/api/v1/delegates/", {"congress": b.branch_congress.pk, "member": b.b1.member.pk},
                             format="json")
    assert refused.status_code == 400, refused.json()
    assert "不是文学院的会员" in refused.json()["errors"]["member"][0]
    assert "理甲" not in refused.json()["errors"]["member"][0]  # another branch's member: no name
    assert count(guilin, Delegate, congress=b.branch_congress) == before
    # The office is held to the same rule.
    assert b.c.office.post("/api/v1/delegates/", {"congress": b.branch_congress.pk, "member": b.b1.member.pk},
                           format="json").status_code == 400


# --- 二级教代会: its proposals stay inside the branch ---------------------------------------------

def titles(client, **params):
    return sorted(p["title"] for p in client.get("/api/v1/proposals/", params).json()["results"])


def test_a_branch_congress_proposals_stay_inside_the_branch(guilin, huzhou, host_client, branches):
    b = branches
    pk = branch_proposal(b, title="文学院提案", state="accepted")
    detail = f"/api/v1/proposals/{pk}/"
    proposal = b.a2.client.get(detail).json()
    assert proposal["status"] == "accepted" and proposal["number"].startswith("文学院二届一次-")
    assert proposal["congress_branch"] == b.wenxue.pk
    for insider in (b.a2.client, b.a3.client, b.chair_a, b.c.office):
        assert insider.get(detail).status_code == 200
        assert "文学院提案" in titles(insider, congress=b.branch_congress.pk)
    # Another branch's member (a school delegate), a plain member, another branch's chair: 404.
    for outsider in (b.b1.client, b.c.member, b.chair_b, b.c.proposer):
        assert outsider.get(detail).status_code == 404
        assert "文学院提案" not in titles(outsider)
    assert host_client(huzhou, [Role.UNION_ADMIN]).get(detail).status_code == 404
    # Figures per congress: the school's are unaffected by the branch's proposals.
    school_figures = b.c.office.get(f"/api/v1/congresses/{b.school.pk}/figures/").json()["congress"]
    assert school_figures["received"] == 0
    branch_figures = b.chair_a.get(f"/api/v1/congresses/{b.branch_congress.pk}/figures/").json()["congress"]
    assert branch_figures["received"] == 1 and branch_figures["accepted"] == 1


def test_the_branch_chair_reviews_the_branch_proposals_and_another_chair_cannot(guilin, branches):
    b = branches
    pk = branch_proposal(b)
    assert post(b.chair_b, pk, "start-review").status_code == 404  # not even visible
    assert post(b.a2.client, pk, "start-review").status_code == 403  # a delegate, not a reviewer
    assert "start_review" in b.chair_a.get(f"/api/v1/proposals/{pk}/").json()["my_actions"]
    assert post(b.chair_a, pk, "start-review").json()["status"] == "under_review"
    assert post(b.chair_a, pk, "reject", {"reason": "不属于分工会职权"}).json()["status"] == "not_accepted"


# --- 转报学校教代会 ----------------------------------------------------------------------------------

def test_forwarding_creates_one_linked_school_proposal(guilin, branches):
    b = branches
    pk = branch_proposal(b, title="关于全校教工食堂延时供餐的提案", state="accepted")
    total = count(guilin, Proposal)
    # Refused: no reason; a branch congress as the target; another branch's chair (404: not visible).
    no_reason = post(b.chair_a, pk, "forward", {"congress": b.school.pk})
    assert no_reason.status_code == 400 and "原因" in str(no_reason.json())
    to_branch = post(b.chair_a, pk, "forward", {"congress": b.branch_congress.pk, "reason": "涉及全校"})
    assert to_branch.status_code == 400 and "二级教代会" in to_branch.json()["errors"]["congress"][0]
    assert post(b.chair_b, pk, "forward", {"congress": b.school.pk, "reason": "涉及全校"}).status_code == 404
    assert count(guilin, Proposal) == total
    forwarded = post(b.chair_a, pk, "forward", {"congress": b.school.pk, "reason": "涉及全校，转报学校教代会"})
    assert forwarded.status_code == 201, forwarded.content
    school = forwarded.json()
    assert school["congress"] == b.school.pk and school["forwarded_from"] == pk
    assert school["status"] == "seconded" and school["proposer"] is None
    assert "文学院二届一次教代会" in school["proposer_name"] and "文甲" in school["proposer_name"]
    original = b.chair_a.get(f"/api/v1/proposals/{pk}/").json()
    assert original["status"] == "forwarded" and original["forwarded_to"] == school["id"]
    with in_schema(guilin):
        step = AuditRecord.objects.get(target_type="congress.proposal", target_id=str(pk), to_state="forwarded")
        assert step.from_state == "accepted" and "涉及全校" in step.reason
        assert step.actor.full_name == "文学院主席"
    # Once only.
    again = post(b.chair_a, pk, "forward", {"congress": b.school.pk, "reason": "再次"})
    assert again.status_code == 409 and "已转报" in again.json()["detail"]
    assert count(guilin, Proposal) == total + 1
    # The school's congress counts it once, as its own; the office reviews it there; the original
    # proposer follows it (and will rate the reply).
    assert b.c.office.get(f"/api/v1/congresses/{b.school.pk}/figures/").json()["congress"]["received"] == 1
    assert post(b.c.office, school["id"], "start-review").status_code == 200
    assert b.a1.client.get(f"/api/v1/proposals/{school['id']}/").status_code == 200
    # A school congress's proposal cannot be forwarded.
    assert post(b.c.office, school["id"], "forward", {"congress": b.school.pk, "reason": "x"}).status_code == 409


# --- committees and the 提案工作委员会's review --------------------------------------------------------

def test_committees_take_delegates_of_their_own_congress_only(guilin, branches):
    b = branches
    url = f"/api/v1/congresses/{b.school.pk}/committees/"
    created = b.c.office.post(url, {"name": "提案工作委员会", "kind": "proposal"}, format="json")
    assert created.status_code == 201, created.content
    committee = created.json()["id"]
    assert b.c.office.post(url, {"name": "第二个提案委员会", "kind": "proposal"}, format="json").status_code == 409
    assert b.c.office.post(url, {"name": "福利委员会", "kind": "other"}, format="json").status_code == 201
    assert b.chair_a.post(url, {"name": "民主管理委员会"}, format="json").status_code == 403
    records = count(guilin, AuditRecord)
    # 文甲 is a delegate of 文学院's congress, not of the school's: 400 naming member, nothing written.
    refused = b.c.office.post(f"{url}{committee}/members/", {"member": b.a1.member.pk, "role": "member"},
                              format="json")
    assert refused.status_code == 400 and "不是" in refused.json()["errors"]["member"][0] and "代表" in refused.json()["errors"]["member"][0]
    assert count(guilin, CommitteeMembership) == 0 and count(guilin, AuditRecord) == records
    added = b.c.office.post(f"{url}{committee}/members/", {"member": b.b1.member.pk, "role": "chair"}, format="json")
    assert added.status_code == 201 and added.json()["role_label"] == "主任"
    membership = added.json()["id"]
    with in_schema(guilin):
        assert AuditRecord.objects.filter(target_type="congress.committeemembership", target_id=str(membership),
                                          action="create").exists()
    assert b.c.office.post(f"{url}{committee}/members/", {"member": b.b1.member.pk},
                           format="json").status_code == 409
    listed = b.c.member.get(url).json()["results"]
    assert listed[0]["kind"] == "proposal" and listed[0]["memberships"][0]["name"] == "理甲"
    assert b.c.office.post(f"{url}{committee}/members/{membership}/role/", {"role": "vice_chair"},
                           format="json").json()["role"] == "vice_chair"
    assert b.c.office.post(f"{url}{committee}/members/{membership}/remove/", {"reason": "工作调动"},
                           format="json").status_code == 204
    with in_schema(guilin):
        assert AuditRecord.objects.filter(target_type="congress.committeemembership", target_id=str(membership),
                                          action__in=["update", "delete"]).count() == 2
    # A branch chair manages the committees of their own branch's congress.
    own = f"/api/v1/congresses/{b.branch_congress.pk}/committees/"
    assert b.chair_a.post(own, {"name": "文学院提案工作委员会", "kind": "proposal"}, format="json").status_code == 201
    assert b.chair_b.post(own, {"name": "福利委员会"}, format="json").status_code == 403
    # Seating a member of another branch there: refused without their name; one of the branch: named.
    with in_schema(guilin):
        branch_committee = b.branch_congress.committees.get()
    refused = b.chair_a.post(f"{own}{branch_committee.pk}/members/", {"member": b.b1.member.pk}, format="json")
    assert refused.status_code == 400 and "理甲" not in refused.json()["errors"]["member"][0]
    assert "该会员不是" in refused.json()["errors"]["member"][0]


def test_a_proposal_committee_member_reviews_and_the_audit_names_them(guilin, committee):
    b, pk = committee.b, committee.pk
    with in_schema(guilin):
        assert pk in [p.pk for p in proposal_todos(b.b1.user)["to_review"]]
    assert "start_review" in b.b1.client.get(f"/api/v1/proposals/{pk}/").json()["my_actions"]
    assert post(b.b1.client, pk, "start-review", {"note": "委员会初审"}).status_code == 200
    accepted = post(b.b1.client, pk, "accept", {"note": "符合立案条件"})
    assert accepted.status_code == 200 and accepted.json()["number"] == "六届四次-001"
    with in_schema(guilin):
        steps = AuditRecord.objects.filter(target_type="congress.proposal", target_id=str(pk), action="transition",
                                           to_state__in=["under_review", "accepted"])
        assert {(s.to_state, s.actor_id) for s in steps} == {("under_review", b.b1.user.pk),
                                                            ("accepted", b.b1.user.pk)}
        assert proposal_todos(b.b1.user)["to_review"].count() == 0


def test_no_review_by_a_delegate_off_the_committee_or_on_another_congress_committee(guilin, committee):
    b, pk = committee.b, committee.pk
    # A delegate of the school's congress who sits on no committee: 403.
    refused = post(b.c.seconder1, pk, "start-review")
    assert refused.status_code == 403 and "提案工作委员会" in refused.json()["detail"]
    # 文乙 sits on 文学院's 提案工作委员会, not the school's: 403 (and the proposal stays where it was).
    with in_schema(guilin):
        delegate_elect(by=None, congress=b.school, member=b.a2.member)  # a school delegate too, so it sees it
    assert post(b.a2.client, pk, "start-review").status_code == 403
    with in_schema(guilin):
        assert Proposal.objects.get(pk=pk).status == "seconded"


def test_a_committee_member_does_not_review_their_own_proposal(guilin, committee):
    b = committee.b
    response = b.b1.client.post("/api/v1/proposals/", {"congress": b.school.pk, "title": "理甲的提案",
                                                       "reasons": "理由。", "measures": "措施。"}, format="json")
    pk = response.json()["id"]
    for client, step in ((b.b1.client, "submit"), (b.c.seconder1, "second"), (b.c.seconder2, "second")):
        assert post(client, pk, step).status_code == 200
    refused = post(b.b1.client, pk, "start-review")
    assert refused.status_code == 403 and "自己" in refused.json()["detail"]
    assert "start_review" not in b.b1.client.get(f"/api/v1/proposals/{pk}/").json()["my_actions"]
    with in_schema(guilin):
        assert pk not in [p.pk for p in proposal_todos(b.b1.user)["to_review"]]


def test_the_branch_committee_reviews_branch_proposals(guilin, committee):
    b = committee.b
    pk = branch_proposal(b, title="文学院委员会审查的提案")
    assert post(b.a3.client, pk, "start-review").status_code == 403  # a delegate off the committee
    assert post(b.b1.client, pk, "start-review").status_code == 404  # the school's committee: not visible
    assert post(b.a2.client, pk, "start-review").json()["status"] == "under_review"  # 文乙 seconded, may review
    assert post(b.a2.client, pk, "accept").json()["status"] == "accepted"


# --- a forwarded proposal: no seconds, the original's attachments -------------------------------------

def forwarded(b, title="关于全校教工体检增加项目的提案", before_review=None):
    """A 文学院 proposal by 文甲, accepted and forwarded by 文学院's chair; returns (original, school) ids.
    ``before_review(pk)`` runs while the proposal is still seconded (the proposer may add attachments)."""
    pk = branch_proposal(b, title=title)
    if before_review is not None:
        before_review(pk)
    assert post(b.chair_a, pk, "start-review").status_code == 200
    assert post(b.chair_a, pk, "accept").status_code == 200
    response = post(b.chair_a, pk, "forward", {"congress": b.school.pk, "reason": "涉及全校"})
    assert response.status_code == 201, response.content
    return pk, response.json()["id"]


def test_a_forwarded_proposal_takes_no_seconds_and_stays_ready_for_review(guilin, branches):
    b = branches
    with in_schema(guilin):
        delegate_elect(by=None, congress=b.school, member=b.a1.member)  # the author sits in the school's too
    _, school = forwarded(b)
    assert "second" not in b.c.seconder1.get(f"/api/v1/proposals/{school}/").json()["my_actions"]
    records = count(guilin, AuditRecord)
    # Any school delegate, and the original author (proposer None on the school's copy): refused, 409.
    for client in (b.c.seconder1, b.a1.client):
        refused = post(client, school, "second")
        assert refused.status_code == 409 and refused.json()["detail"] == "转报的提案无需附议。", refused.content
        withdrawn = post(client, school, "withdraw-second")
        assert withdrawn.status_code == 409 and withdrawn.json()["detail"] == "转报的提案无需附议。"
    with in_schema(guilin):
        proposal = Proposal.objects.get(pk=school)
        assert proposal.status == "seconded" and not proposal.seconds.exists()
    assert count(guilin, AuditRecord) == records
    assert post(b.c.office, school, "start-review").json()["status"] == "under_review"


def test_the_school_sees_and_downloads_the_original_attachments_of_a_forwarded_proposal(
        guilin, huzhou, branches, host_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    b = branches
    uploaded = []

    def attach(pk):
        response = b.a1.client.post(f"/api/v1/proposals/{pk}/attachments/",
                                    {"file": SimpleUploadedFile("体检调研.txt", "调研数据".encode()),
                                     "kind": "proposal"}, format="multipart")
        assert response.status_code == 201, response.content
        uploaded.append(response.json()["id"])

    original, school = forwarded(b, before_review=attach)
    attachment = uploaded[0]
    detail = b.c.seconder1.get(f"/api/v1/proposals/{school}/").json()
    assert [a["id"] for a in detail["attachments"]] == [attachment]
    # Through the school proposal's own visibility: a school delegate and the office download it ...
    for client in (b.c.seconder1, b.c.office):
        download = client.get(f"/api/v1/proposals/{school}/attachments/{attachment}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == "调研数据".encode()
    # ... while the original stays inside its branch, and no other school finds either.
    assert b.c.seconder1.get(f"/api/v1/proposals/{original}/attachments/{attachment}/").status_code == 404
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/proposals/{school}/attachments/{attachment}/").status_code == 404
    # Another proposal's attachment is not served through the forwarded one.
    other_pk = branch_proposal(b, title="文学院内部的提案")
    attach(other_pk)
    assert b.c.office.get(f"/api/v1/proposals/{school}/attachments/{uploaded[1]}/").status_code == 404
    # Still no new proposal attachment on the forwarded copy.
    refused = b.c.office.post(f"/api/v1/proposals/{school}/attachments/",
                              {"file": SimpleUploadedFile("新.txt", b"x"), "kind": "proposal"}, format="multipart")
    assert refused.status_code == 403 and "沿用原提案的附件" in refused.json()["detail"]


def test_a_branch_congress_committees_are_read_inside_the_branch_only(guilin, huzhou, host_client, committee):
    b = committee.b
    url = f"/api/v1/congresses/{b.branch_congress.pk}/committees/"
    for insider in (b.c.office, b.chair_a, b.a1.client, b.a2.client):  # the office, its chair, its delegates
        listed = insider.get(url)
        assert listed.status_code == 200 and listed.json()["results"][0]["memberships"][0]["name"] == "文乙"
    for outsider in (b.chair_b, b.b1.client, b.c.member, b.c.seconder1):
        assert outsider.get(url).status_code == 404
    assert host_client(huzhou, [Role.UNION_ADMIN]).get(url).status_code == 404
    # The school's congress's committees stay readable by everyone of the school.
    school = b.c.member.get(f"/api/v1/congresses/{b.school.pk}/committees/")
    assert school.status_code == 200 and school.json()["results"][0]["memberships"][0]["name"] == "理甲"


# --- who runs a congress: one rule, in the services ------------------------------------------------

def test_who_runs_a_congress_is_decided_by_the_services_rule_alone(guilin, branches):
    """congresses_managed_by (the congress pages), the 交办 offer and the reviewers' congresses all follow
    services.may_manage_congress / chairs_branch; no other module re-codes "the branch's chair"."""
    import inspect

    import api.views.congress
    import tenants.congress.selectors
    import web.congress_admin_views
    from tenants.accounts.models import User
    from tenants.congress.models import Congress
    from tenants.congress.selectors import congresses_managed_by, proposal_actions_for, reviewed_congresses
    from tenants.congress.services import may_manage_congress

    for module in (tenants.congress.selectors, web.congress_admin_views, api.views.congress):
        source = inspect.getsource(module)
        for recoded in ("chair_id", "branch__chair", "chair=user", "chair=request.user"):
            assert recoded not in source, (module.__name__, recoded)
    b = branches
    pk = branch_proposal(b, state="accepted")
    with in_schema(guilin):
        wenxue_chair, lixue_chair = b.wenxue.chair, b.lixue.chair
        # 文乙 made 文学院's chair on the roll without the branch-chair role runs nothing.
        b.wenxue.chair = b.a2.user
        b.wenxue.save(update_fields=["chair"])
        office = User.objects.filter(roles__contains=[Role.UNION_ADMIN]).first()
        proposal = Proposal.objects.select_related("congress__branch").get(pk=pk)
        for user in (office, lixue_chair, b.a2.user, b.b1.user):
            managed = set(congresses_managed_by(user).values_list("pk", flat=True))
            assert managed == {c.pk for c in Congress.objects.all() if may_manage_congress(user, c)}
            assert ("assign" in proposal_actions_for(proposal, user)) == may_manage_congress(user, proposal.congress)
        assert not congresses_managed_by(b.a2.user).exists()
        assert b.branch_congress.pk not in reviewed_congresses(wenxue_chair).values_list("pk", flat=True)
        b.wenxue.chair = wenxue_chair
        b.wenxue.save(update_fields=["chair"])
        assert set(congresses_managed_by(wenxue_chair).values_list("pk", flat=True)) == {b.branch_congress.pk}
        assert "assign" in proposal_actions_for(proposal, wenxue_chair)


def test_the_proposal_list_costs_the_same_queries_however_many_rows_were_forwarded(guilin, branches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    b = branches

    def forward_one(title):
        pk = branch_proposal(b, title=title, state="accepted")
        assert post(b.chair_a, pk, "forward", {"congress": b.school.pk, "reason": "涉及全校"}).status_code == 201

    def listed():
        with CaptureQueriesContext(connection) as queries:
            response = b.c.office.get("/api/v1/proposals/", {"page_size": 100})
        assert response.status_code == 200
        rows = response.json()["results"]
        return len(queries), sorted(r["forwarded_to"] for r in rows if r["status"] == "forwarded")

    forward_one("转报之一")
    few, forwarded_few = listed()
    for title in ("转报之二", "转报之三", "转报之四"):
        forward_one(title)
    many, forwarded_many = listed()
    assert len(forwarded_few) == 1 and len(forwarded_many) == 4 and None not in forwarded_many
    assert many == few, f"{few} queries for one forwarded proposal, {many} for four"
