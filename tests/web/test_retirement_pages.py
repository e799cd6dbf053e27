"""The 荣休 pages: the office only; a ceremony gathers the year's retirees, the list changes with
reasons, is recorded; the member's page shows it; another school gets 404."""
from django.test import Client

from tenants.accounts.roles import Role
from tenants.retirement.models import Ceremony, Honouree
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text
from tests.retirement.conftest import YEAR, rt  # noqa: F401  (the fixture)


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def test_the_office_gathers_changes_and_records_a_ceremony(rt, huzhou):
    school = rt["school"]
    admin = page_client(school, rt["admin"])
    listing = text(admin.get("/retirement/"))
    assert "退休0" in listing and "未列入仪式" in listing
    assert "退休0" in text(admin.get("/retirement/new/"))
    refused = admin.post("/retirement/new/", {"year": YEAR, "held_on": ""})
    assert refused.status_code == 200 and "请填写仪式日期" in text(refused)
    made = admin.post("/retirement/new/", {"year": YEAR, "held_on": f"{YEAR}-12-20", "place": "学术报告厅"})
    assert made.status_code == 302
    with in_schema(school):
        ceremony = Ceremony.objects.get()
        one = Honouree.objects.get(member=rt["people"][1])
    url = f"/retirement/{ceremony.pk}/"
    no_reason = admin.post(url, {"form": "remove", "honouree": one.pk, "reason": ""}, follow=True)
    assert "请填写移出原因" in text(no_reason)
    admin.post(url, {"form": "remove", "honouree": one.pk, "reason": "本人不参加"})
    added = admin.post(url, {"form": "add", "member": rt["people"][3].pk, "reason": ""})
    assert added.status_code == 200 and "请填写添加原因" in text(added)
    admin.post(url, {"form": "add", "member": rt["people"][3].pk, "reason": "去年年底退休"})
    admin.post(url, {"form": "record"})
    page = text(admin.get(url))
    assert "已记录" in page and "3 人" in page and "本人不参加" in page
    member_page = text(admin.get(f"/members/{rt['people'][0].pk}/"))
    assert ceremony.title in member_page
    member = signed_in(school, [Role.MEMBER])
    for path in ["/retirement/", "/retirement/new/", url]:
        assert member.get(path).status_code == 403, path
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(url).status_code == 404
