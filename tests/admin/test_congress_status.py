"""A congress's status is not a field anyone edits: neither the admin nor `PATCH congresses/<id>/`."""
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.congress.models import Congress
from tenants.congress.services import congress_close, congress_create, congress_open
from tests.admin.helpers import admin_browser, errors_beside
from tests.conftest import in_schema, make_user


def closed_congress(school):
    office = make_user(school, [Role.UNION_ADMIN])
    with in_schema(school):
        congress = congress_create(by=office, term=5, session=3)
        congress_open(congress=congress, by=office)
        return congress_close(congress=congress, by=office)


def congress_form(**overrides):
    return {"term": 5, "session": 3, "title": "", "opens_on": "", "closes_on": "", "seconder_minimum": 2,
            "submission_opens_at_0": "", "submission_opens_at_1": "", "submission_closes_at_0": "",
            "submission_closes_at_1": "", "seconding_closes_at_0": "", "seconding_closes_at_1": ""} | overrides


def test_patching_a_closed_congress_back_to_preparing_leaves_it_closed(guilin, host_client):
    congress = closed_congress(guilin)
    office = host_client(guilin, roles=[Role.UNION_ADMIN])
    answer = office.patch(f"/api/v1/congresses/{congress.pk}/", {"status": "preparing", "title": "五届三次"},
                          format="json")
    assert answer.json()["status"] == "closed"
    with in_schema(guilin):
        congress.refresh_from_db()
    assert congress.status == Congress.Status.CLOSED and congress.title == "五届三次"


def test_a_new_congress_from_the_api_starts_in_preparation_whatever_status_is_sent(guilin, host_client):
    office = host_client(guilin, roles=[Role.UNION_ADMIN])
    answer = office.post("/api/v1/congresses/", {"term": 7, "session": 1, "status": "closed"}, format="json")
    assert answer.status_code == 201 and answer.json()["status"] == "preparing"


def test_the_admin_shows_the_congress_status_but_does_not_change_it(guilin):
    congress = closed_congress(guilin)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "congress-office")
    page = client.get(f"/admin/congress/congress/{congress.pk}/change/")
    assert 'name="status"' not in page.content.decode() and "已闭幕" in page.content.decode()
    saved = client.post(f"/admin/congress/congress/{congress.pk}/change/",
                        congress_form(status="preparing", title="五届三次教代会", opens_on=congress.opens_on,
                                      closes_on=congress.closes_on))
    assert saved.status_code == 302
    with in_schema(guilin):
        congress.refresh_from_db()
        [update] = AuditRecord.objects.filter(target_type="congress.congress", target_id=str(congress.pk),
                                              action="update")
    assert congress.status == Congress.Status.CLOSED and congress.title == "五届三次教代会"
    assert update.changes == {"title": ["", "五届三次教代会"]}


def test_the_congress_checks_of_the_service_show_beside_the_field_in_the_admin(guilin):
    client = admin_browser(guilin, [Role.UNION_ADMIN], "congress-office2")
    page = client.post("/admin/congress/congress/add/",
                       congress_form(term=8, session=1, opens_on="2026-03-20", closes_on="2026-03-01"))
    assert page.status_code == 200 and "闭幕日期" in errors_beside(page, "closes_on")
    with in_schema(guilin):
        assert not Congress.objects.filter(term=8).exists()


def test_electing_a_member_who_has_left_is_refused_beside_the_field_in_the_admin(guilin):
    from tenants.members.models import Member
    from tests.members.factories import a_member

    member = a_member(guilin)
    with in_schema(guilin):
        Member.objects.filter(pk=member.pk).update(status=Member.Status.LEFT)
        congress = congress_create(by=None, term=9, session=1)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "congress-office3")
    page = client.post("/admin/congress/delegate/add/", {"congress": congress.pk, "member": member.pk,
                                                         "delegation": ""})
    assert page.status_code == 200 and "在会会员" in errors_beside(page, "member")
