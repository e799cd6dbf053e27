"""The health-check pages: who opens which, setting up a year's check, the roll call, a move with a
reason, the coverage and its export, a member's own batch and change request, another school's 404."""
import datetime
import io

from django.test import Client

from tenants import xlsx
from tenants.accounts.roles import Role
from tenants.healthchecks.models import HealthCheck, HealthCheckAssignment
from tests.conftest import ADMIN_PASSWORD, in_schema, make_user, signed_in, text
from tests.healthchecks.conftest import YEAR, hc  # noqa: F401  (the fixture)


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def test_who_opens_which_page(hc, huzhou):
    school, pk = hc["school"], hc["check"].pk
    admin, chair = page_client(school, hc["admin"]), page_client(school, hc["chair"])
    member = signed_in(school, [Role.MEMBER])
    with in_schema(school):
        from tenants.healthchecks import services as s

        s.assign_members(by=hc["admin"], check=hc["check"])
        row = HealthCheckAssignment.objects.first().pk
    office = ["/health-checks/", "/health-checks/new/", f"/health-checks/{pk}/", f"/health-checks/{pk}/edit/",
              f"/health-checks/{pk}/people/", f"/health-checks/{pk}/batches/new/",
              f"/health-checks/batches/{hc['women'].pk}/", f"/health-checks/batches/{hc['women'].pk}/roll-call/",
              f"/health-checks/people/{row}/", "/health-checks/attendance-template/"]
    for url in office:
        assert admin.get(url).status_code == 200, url
        assert member.get(url).status_code == 403, url
        assert chair.get(url).status_code == 403, url
    for url in ["/health-checks/coverage/", "/health-checks/coverage/export/"]:
        assert admin.get(url).status_code == 200 and chair.get(url).status_code == 200, url
        assert member.get(url).status_code == 403, url
    assert "文学院" in text(chair.get("/health-checks/coverage/")) and "理学院" not in text(
        chair.get("/health-checks/coverage/"))
    assert member.get(f"/health-checks/people/{row}/change/").status_code == 404  # not theirs
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/health-checks/{pk}/").status_code == 404
    assert outsider.get(f"/health-checks/people/{row}/").status_code == 404


def test_the_office_sets_up_assigns_moves_and_records(hc):
    school, pk = hc["school"], hc["check"].pk
    admin = page_client(school, hc["admin"])
    refused = admin.post(f"/health-checks/{pk}/batches/new/", {"name": "补检", "date": f"{YEAR - 1}-12-30",
                                                               "place": "", "gender": "any", "places": "0"})
    assert refused.status_code == 200 and "体检日期须在" in text(refused) and "请填写体检地点" in text(refused)
    assert admin.post(f"/health-checks/{pk}/batches/new/", {"name": "补检", "date": f"{YEAR}-12-30",
                                                            "place": "校医院", "gender": "any",
                                                            "places": "5"}).status_code == 302
    assert admin.post(f"/health-checks/{pk}/do/assign/").status_code == 302
    assert admin.post(f"/health-checks/{pk}/do/open/").status_code == 302
    page = text(admin.get(f"/health-checks/{pk}/"))
    assert "已安排 5 人" in page and "进行中" in page
    with in_schema(school):
        h1 = HealthCheckAssignment.objects.get(member__employee_number="H1")
        h4 = HealthCheckAssignment.objects.get(member__employee_number="H4")
        late = hc["check"].batches.get(name="补检")
    no_reason = admin.post(f"/health-checks/people/{h1.pk}/", {"form": "move", "batch": late.pk, "reason": ""})
    assert no_reason.status_code == 200 and "请填写调整原因" in text(no_reason)
    assert admin.post(f"/health-checks/people/{h1.pk}/", {"form": "move", "batch": late.pk,
                                                          "reason": "出差"}).status_code == 302
    rolled = admin.post(f"/health-checks/batches/{hc['women'].pk}/roll-call/", {"checked": [str(h4.pk)],
                                                                              "special": [str(h4.pk)]})
    assert rolled.status_code == 302
    with in_schema(school):
        h4.refresh_from_db()
        h1.refresh_from_db()
        assert h4.attendance == "checked" and h4.special_done and h1.batch == late
    coverage = text(admin.get("/health-checks/coverage/"))
    assert "1 人（20.0%）" in coverage and "文学院</strong>：应检 2，已检 0" in coverage
    export = admin.get("/health-checks/coverage/export/", {"year": YEAR})
    book = xlsx.open_for_reading(io.BytesIO(export.content))
    assert len(list(book["未体检名单"].iter_rows())) == 5
    book_cost = admin.post(f"/health-checks/{pk}/do/cost/", {"amount": "1.234", "occurred_on": str(datetime.date.today())},
                           follow=True)
    assert "最多保留 2 位小数" in text(book_cost)


def test_a_member_sees_their_batch_and_asks_to_change(hc):
    school = hc["school"]
    with in_schema(school):
        from tenants.healthchecks import services as s

        user = make_user(school, [Role.MEMBER])
        member = hc["members"][2]
        member.user = user
        member.save(update_fields=["user"])
        s.batch_create(by=hc["admin"], check=hc["check"], name="补检", date=datetime.date(YEAR, 12, 31),
                       place="校医院", places=5)
        s.assign_members(by=hc["admin"], check=hc["check"])
        mine = HealthCheckAssignment.objects.get(member=member)
    client = page_client(school, user)
    assert b"health-check-portal" not in client.get("/me/").content  # still planning: nothing to show
    with in_schema(school):
        s.health_check_move(by=hc["admin"], check=hc["check"], action="open")
        late = hc["check"].batches.get(name="补检")
    me = text(client.get("/me/"))
    assert f"{YEAR}年体检" in me and "50岁以上" in me and "申请调整批次" in me
    refused = client.post(f"/health-checks/people/{mine.pk}/change/", {"batch": late.pk, "reason": ""})
    assert refused.status_code == 200 and "请填写申请原因" in text(refused)
    assert client.post(f"/health-checks/people/{mine.pk}/change/", {"batch": late.pk,
                                                                    "reason": "出差"}).status_code == 302
    assert "等待校工会处理" in text(client.get("/me/"))
    admin = page_client(school, hc["admin"])
    assert admin.post(f"/health-checks/people/{mine.pk}/", {"form": "approve"}).status_code == 302
    with in_schema(school):
        assert HealthCheckAssignment.objects.get(pk=mine.pk).batch == late
        assert HealthCheck.objects.count() == 1
