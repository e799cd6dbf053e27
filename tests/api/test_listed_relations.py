"""A list that reads a row's relations in its own query (issue #14: arrays and JSON in the page's
statement instead of prefetches, api.listed / tenants.counting.RelatedIds) answers what the
relation itself answers: the same ids and names, in the relation's order. The demo has none of
these relations filled, so each test fills one in an order that differs from the ids'."""
from __future__ import annotations

import pytest

from tenants.accounts.models import User
from tests.conftest import client_for, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo_region, guilin):
    with in_schema(guilin):
        return client_for(guilin, User.objects.get(username="admin"))


def _listed(client, path, pk):
    response = client.get(path, {"page_size": 100})
    assert response.status_code == 200
    return next(row for row in response.json()["results"] if row["id"] == pk)


def _branches_against_their_ids():
    """Two branches whose sort order is the reverse of their ids."""
    from tenants.members.models import Branch

    first, second = Branch.objects.order_by("id")[:2]
    first.sort_order, second.sort_order = 2, 1
    Branch.objects.bulk_update([first, second], ["sort_order"])
    return first, second


def test_care_batches_list_the_branches_and_groups_their_relations_hold(office, guilin):
    from api.serializers.care import CareBatchSerializer
    from tenants.care.models import CareBatch
    from tenants.members.models import Group

    with in_schema(guilin):
        batch = CareBatch.objects.first()
        first, second = _branches_against_their_ids()
        batch.branches.set([first, second])
        late = Group.objects.create(branch=second, name="甲组")  # created first, listed second (by branch)
        early = Group.objects.create(branch=first, name="乙组")
        batch.groups.set([late, early])
        expected = CareBatchSerializer(CareBatch.objects.get(pk=batch.pk)).data
    row = _listed(office, "/api/v1/care/batches/", batch.pk)
    assert row["branches"] == expected["branches"] == [second.pk, first.pk]
    assert row["groups"] == expected["groups"] == [early.pk, late.pk]


def test_activities_list_the_quotas_the_detail_shows(office, guilin):
    from tenants.activities.models import Activity, BranchQuota

    with in_schema(guilin):
        activity = Activity.objects.first()
        first, second = _branches_against_their_ids()
        BranchQuota.objects.bulk_create([BranchQuota(activity=activity, branch=first, places=3),
                                         BranchQuota(activity=activity, branch=second, places=5)])
    row = _listed(office, "/api/v1/activities/", activity.pk)
    detail = office.get(f"/api/v1/activities/{activity.pk}/").json()
    assert row["quotas"] == detail["quotas"] == [
        {"branch": second.pk, "branch_name": second.name, "places": 5},
        {"branch": first.pk, "branch_name": first.name, "places": 3}]


def test_proposals_list_the_co_departments_and_co_proposers_the_detail_shows(office, guilin):
    from tenants.congress.models import Delegate, Proposal
    from tenants.members.models import Department

    with in_schema(guilin):
        proposal = Proposal.objects.exclude(status=Proposal.Status.DRAFT).filter(congress__branch__isnull=True).first()
        proposal.co_departments.set(Department.objects.order_by("-id")[:2])
        proposal.co_proposers.set(Delegate.objects.filter(congress=proposal.congress).order_by("-id")[:2])
    row = _listed(office, "/api/v1/proposals/", proposal.pk)
    detail = office.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert row["co_departments"] == detail["co_departments"] and len(row["co_departments"]) == 2
    assert row["co_departments"] == sorted(row["co_departments"])
    assert row["co_proposer_names"] == detail["co_proposer_names"] and len(row["co_proposer_names"]) == 2



@pytest.mark.parametrize("untitled_source_congress", [False, True])
def test_proposals_list_the_merged_and_forwarded_relations_the_detail_shows(office, guilin, untitled_source_congress):
    """A merged or forwarded proposal's relations are read as one JSON object each (Proposal.listed_*):
    the list and the 提案 page answer what the relations answer, for the demo's merged proposal, its
    forwarded branch proposal and the school proposal it became; and, with the branch congress
    untitled, the source's congress named by its branch."""
    from tenants.congress.models import Proposal
    from tests.conftest import signed_in, text

    with in_schema(guilin):
        if untitled_source_congress:
            Proposal.objects.get(forwarded_to__isnull=False).congress.__class__.objects.filter(
                branch__isnull=False).update(title="")
        forwarded = Proposal.objects.select_related("forwarded_from").get(forwarded_from__isnull=False)
        shown = forwarded.proposer_display
        assert forwarded.forwarded_from.congress.title == ("" if untitled_source_congress else
                                                          forwarded.forwarded_from.congress.title)
    keys = ["proposer_name", "forwarded_from", "forwarded_to", "merged_into", "merged_into_number",
            "congress", "congress_label", "congress_branch"]
    rows = office.get("/api/v1/proposals/", {"page_size": 100}).json()["results"]
    assert any(row["merged_into"] for row in rows) and any(row["forwarded_to"] for row in rows)
    assert any(row["forwarded_from"] for row in rows), "the demo has a merged and a forwarded proposal"
    for row in rows:
        detail = office.get(f"/api/v1/proposals/{row['id']}/").json()
        assert {key: row[key] for key in keys} == {key: detail[key] for key in keys}, row["id"]
    assert next(row for row in rows if row["id"] == forwarded.pk)["proposer_name"] == shown
    assert "（转报，原提案人 " in shown and (untitled_source_congress is ("二级教代会" in shown))
    page = signed_in(guilin, ["union_admin"]).get("/proposals/")
    assert shown in text(page)


def test_departments_list_the_handlers_the_detail_shows(office, guilin):
    from tenants.members.models import Department

    with in_schema(guilin):
        department = Department.objects.first()
        # usernames in the reverse order of the ids: the relation lists them by username
        late, early = (User.objects.create_user(username=name) for name in ("handler-b", "handler-a"))
        department.handlers.set([late, early])
    row = _listed(office, "/api/v1/departments/", department.pk)
    detail = office.get(f"/api/v1/departments/{department.pk}/").json()
    assert row["handlers"] == detail["handlers"] == [early.pk, late.pk]


def _every_listed_row_is_its_detail(client, path, key):
    rows = client.get(path, {"page_size": 100}).json()["results"]
    assert rows and any(row[key] for row in rows), "the demo fills this relation"
    for row in rows:
        detail = client.get(f"{path}{row['id']}/")
        assert detail.status_code == 200
        assert row[key] == detail.json()[key], row["id"]


def test_retirement_ceremonies_list_the_honourees_their_detail_shows(office, guilin):
    from tenants.retirement.models import Honouree

    with in_schema(guilin):
        # one taken off the list, with a reason: sorted after those on it, its fields all shown
        first = Honouree.objects.order_by("id").first()
        Honouree.objects.filter(pk=first.pk).update(excluded=True, exclude_reason="本人谢绝")
    _every_listed_row_is_its_detail(office, "/api/v1/retirement/ceremonies/", "honourees")
    rows = office.get("/api/v1/retirement/ceremonies/").json()["results"]
    listed = next(person for row in rows for person in row["honourees"] if person["id"] == first.pk)
    assert listed["excluded"] is True and listed["exclude_reason"] == "本人谢绝"


def test_award_publicity_lists_the_nominees_its_detail_shows(office, guilin):
    _every_listed_row_is_its_detail(office, "/api/v1/awards/publicity/", "nominees")


def test_mutual_aid_claims_list_the_documents_the_detail_shows(office, guilin):
    import datetime

    from tenants.mutualaid.models import Claim, ClaimDocument

    with in_schema(guilin):
        claim = Claim.objects.order_by("id").first()
        at = datetime.datetime(2026, 3, 4, 5, 6, 7, 5, tzinfo=datetime.timezone.utc)
        first = ClaimDocument.objects.create(claim=claim, file="mutualaid/b.pdf", name="乙.pdf", size=20,
                                             uploaded_at=at - datetime.timedelta(days=1))
        ClaimDocument.objects.create(claim=claim, file="mutualaid/a.pdf", name="甲.pdf", size=10, uploaded_at=at)
    row = _listed(office, "/api/v1/mutual-aid/claims/", claim.pk)
    assert row == office.get(f"/api/v1/mutual-aid/claims/{claim.pk}/").json()
    assert [document["name"] for document in row["documents"]] == ["乙.pdf", "甲.pdf"]  # by id, as the relation
    assert row["documents"][0]["id"] == first.pk
    assert row["documents"][1]["uploaded_at"] == "2026-03-04T13:06:07.000005+08:00"


# ---- the provincial tables' lists, read from both hosts (tenants.counting.RelatedRows) ------------

@pytest.fixture
def province_office(demo_region, province):
    return client_for(province, User.objects.get(username="admin"))


def _same_on_list_and_detail(client, path, pk):
    row = _listed(client, path, pk)
    assert row == client.get(f"{path}{pk}/").json()
    return row


def test_staff_home_applications_list_the_reviews_inspections_and_materials_the_detail_shows(
        office, province_office, guilin):
    import datetime
    from decimal import Decimal

    from shared.staffhomes.models import HomeApplication, HomeMaterial, Inspection, ReviewScore

    application = HomeApplication.objects.get(school=guilin)
    at = datetime.datetime(2026, 3, 4, 5, 6, 7, 120000, tzinfo=datetime.timezone.utc)
    ReviewScore.objects.create(application=application, reviewer="乙", scores={"9": "18.5", "10": 7},
                               total=Decimal("85.50"), comment="好", scored_at=at)
    ReviewScore.objects.create(application=application, reviewer="甲", scores={}, total=Decimal("90"),
                               scored_at=at.replace(microsecond=0))
    Inspection.objects.create(application=application, inspected_on=datetime.date(2026, 1, 2), inspectors="丙",
                              notes="早")
    Inspection.objects.create(application=application, inspected_on=datetime.date(2026, 5, 6), inspectors="丁",
                              notes="晚")  # created second, listed first (newest inspection first)
    HomeMaterial.objects.create(application=application, file="staffhomes/x.pdf", name="台账.pdf", size=1234,
                                uploaded_at=at)
    row = _same_on_list_and_detail(province_office, "/api/v1/staff-homes/applications/", application.pk)
    assert [review["total"] for review in row["reviews"]][-2:] == ["85.50", "90.00"]
    assert [inspection["notes"] for inspection in row["inspections"]] == ["晚", "早"]
    assert row["materials"][0]["uploaded_at"] == "2026-03-04T13:06:07.120000+08:00"
    school_row = _same_on_list_and_detail(office, "/api/v1/staff-homes/applications/", application.pk)
    assert "reviews" not in school_row and school_row["inspections"] == row["inspections"]


def test_nominations_list_the_objections_and_attachments_the_detail_shows(office, province_office, guilin):
    import datetime

    from shared.honours.models import Nomination, NominationAttachment, Objection

    nomination = Nomination.objects.get(school=guilin)
    at = datetime.datetime(2026, 3, 4, 5, 6, 7, 5, tzinfo=datetime.timezone.utc)
    Objection.objects.create(nomination=nomination, content="后", recorded_by="甲", recorded_at=at)
    Objection.objects.create(nomination=nomination, content="先", recorded_by="乙",
                             recorded_at=at - datetime.timedelta(days=1))
    NominationAttachment.objects.create(nomination=nomination, file="honours/x.pdf", name="事迹.pdf", size=9,
                                        uploaded_at=at)
    for client in (office, province_office):
        row = _same_on_list_and_detail(client, "/api/v1/honours/nominations/", nomination.pk)
        assert [objection["content"] for objection in row["objections"]] == ["先", "后"]
        assert row["attachments"][0]["uploaded_at"] == "2026-03-04T13:06:07.000005+08:00"


def test_circulars_and_competitions_list_the_points_and_groups_the_detail_shows(office, province_office):
    import datetime

    from shared.circulars.models import Circular
    from shared.competitions.models import Competition

    circular = Circular.objects.filter(status=Circular.Status.PUBLISHED).first()
    first = circular.items.order_by("id").first()
    first.order, first.due_on = 999, datetime.date(2026, 6, 30)  # the first point by id listed last
    first.save()
    for client in (office, province_office):
        row = _same_on_list_and_detail(client, "/api/v1/circulars/", circular.pk)
        assert len(row["items"]) == circular.items.count() > 1
        assert row["items"][-1]["id"] == first.pk and row["items"][-1]["due_on"] == "2026-06-30"
    competition = Competition.objects.first()
    for client in (office, province_office):
        row = _same_on_list_and_detail(client, "/api/v1/competitions/", competition.pk)
        assert len(row["groups"]) == competition.groups.count() > 1


def test_notices_list_the_audience_branches_groups_and_attachments_the_detail_shows(office, guilin):
    import datetime

    from tenants.members.models import Group
    from tenants.notices.models import Notice, NoticeAttachment

    with in_schema(guilin):
        to_branches, to_groups, to_no_group = Notice.objects.order_by("id")[:3]
        first, second = _branches_against_their_ids()
        Notice.objects.filter(pk=to_branches.pk).update(audience=Notice.Audience.BRANCHES)
        to_branches.branches.set([first, second])
        late = Group.objects.create(branch=second, name="甲组")  # created first, listed second (by branch)
        early = Group.objects.create(branch=first, name="乙组")
        Notice.objects.filter(pk__in=[to_groups.pk, to_no_group.pk]).update(audience=Notice.Audience.GROUPS)
        to_groups.groups.set([late, early])
        to_no_group.groups.clear()
        at = datetime.datetime(2026, 3, 4, 5, 6, 7, 5, tzinfo=datetime.timezone.utc)
        for name in ("乙.pdf", "甲.pdf"):
            NoticeAttachment.objects.create(notice=to_groups, file="notices/x.pdf", name=name, size=9, uploaded_at=at)
    rows = {pk: _same_on_list_and_detail(office, "/api/v1/notices/", pk)
            for pk in (to_branches.pk, to_groups.pk, to_no_group.pk)}
    assert rows[to_branches.pk]["branches"] == [second.pk, first.pk]
    assert rows[to_branches.pk]["audience_label"] == f"{second.name}、{first.name}"
    assert rows[to_groups.pk]["groups"] == [early.pk, late.pk]
    assert rows[to_groups.pk]["audience_label"] == f"{first.name}·乙组、{second.name}·甲组"
    assert [a["name"] for a in rows[to_groups.pk]["attachments"]] == ["乙.pdf", "甲.pdf"]
    assert rows[to_groups.pk]["attachments"][0]["uploaded_at"] == "2026-03-04T13:06:07.000005+08:00"
    assert rows[to_no_group.pk]["audience_label"] == "指定工会小组"
