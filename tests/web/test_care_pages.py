"""The care pages: who opens which, recording within and above the standard, a chair's report, the
office's queue, batches with a preview, standards and figures, the member page's care history."""
import datetime

from django.test import Client

from tenants.accounts.roles import Role
from tenants.care.models import CareBatch, CareVisit, LifeEvent
from tenants.finance.models import LedgerEntry
from tests.care.conftest import care  # noqa: F401  (the fixture)
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text

TODAY = datetime.date.today().isoformat()


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    client.user = user
    return client


def test_who_opens_which_page(care, huzhou):
    school = care["school"]
    officer, chair = page_client(school, care["officer"]), page_client(school, care["chair"])
    member = signed_in(school, [Role.MEMBER])
    office_pages = ["/care/", "/care/visits/new/", "/care/batches/", "/care/batches/new/", "/care/standards/",
                    "/care/figures/", "/care/events/", "/care/events/new/"]
    for url in office_pages:
        assert officer.get(url).status_code == 200, url
        assert member.get(url).status_code == 403, url
    for url in ["/care/", "/care/events/", "/care/events/new/"]:
        assert chair.get(url).status_code == 200, url
    for url in ["/care/visits/new/", "/care/batches/new/", "/care/standards/", "/care/figures/"]:
        assert chair.get(url).status_code == 403, url
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    with in_schema(school):
        event = LifeEvent.objects.create(member=care["members"][0], kind="hospital", occurred_on=datetime.date.today())
    assert outsider.get(f"/care/events/{event.pk}/").status_code == 404
    assert officer.get(f"/care/events/{event.pk}/").status_code == 200


def test_record_within_and_above_the_standard_and_approve(care):
    school = care["school"]
    officer, admin = page_client(school, care["officer"]), page_client(school, care["admin"])
    form = officer.get("/care/visits/new/")
    assert "现行慰问标准" in text(form) and "生病住院" in text(form)
    member = care["members"][0].pk
    done = officer.post("/care/visits/new/", {"member": member, "kind": "hospital", "visited_on": TODAY,
                                              "amount": "300", "visitors": "王主席"})
    assert done.status_code == 302
    with in_schema(school):
        visit = CareVisit.objects.get()
        assert visit.status == "recorded" and visit.ledger_entry_id
    asked = officer.post("/care/visits/new/", {"member": member, "kind": "hospital", "visited_on": TODAY,
                                               "amount": "900"})
    assert asked.status_code == 200 and "超标准原因" in text(asked) and "请填写超标准原因" in text(asked)
    sent = officer.post("/care/visits/new/", {"member": member, "kind": "hospital", "visited_on": TODAY,
                                              "amount": "900", "reason": "手术费用高"})
    with in_schema(school):
        over = CareVisit.objects.get(status="pending")
    assert sent["Location"] == f"/care/visits/{over.pk}/"
    page = admin.get(f"/care/visits/{over.pk}/")
    assert "不批准" in text(page) and "超标准报批" not in text(page)
    assert "待审批的超标准慰问" in text(admin.get("/"))
    admin.post(f"/care/visits/{over.pk}/approve/", {"reason": ""})
    with in_schema(school):
        over.refresh_from_db()
        assert over.status == "approved" and LedgerEntry.objects.filter(source_type="care_visit").count() == 2
    detail = officer.get(f"/care/visits/{over.pk}/")
    assert "已登记 → 待审批" in text(detail) and "待审批 → 已批准" in text(detail)
    history = officer.get(f"/members/{member}/")
    assert 'data-testid="care-history"' not in text(history) or "生病住院" in text(history)
    office_history = admin.get(f"/members/{member}/")
    assert "慰问记录" in text(office_history) and "生病住院" in text(office_history)


def test_refusals_keep_the_form_and_write_nothing(care):
    school = care["school"]
    officer = page_client(school, care["officer"])
    refused = officer.post("/care/visits/new/", {"member": care["members"][0].pk, "kind": "hospital",
                                                 "visited_on": TODAY, "amount": "12.345"})
    assert refused.status_code == 200 and "最多保留 2 位小数" in text(refused)
    with in_schema(school):
        assert not CareVisit.objects.exists()


def test_a_chair_reports_and_the_office_sees_the_todo_and_visits(care):
    school = care["school"]
    chair, officer = page_client(school, care["chair"]), page_client(school, care["officer"])
    form = chair.get("/care/events/new/")
    assert care["members"][0].name in text(form) and care["members"][4].name not in text(form)
    chair.post("/care/events/new/", {"member": care["members"][0].pk, "kind": "hospital", "occurred_on": TODAY,
                                     "note": "住院治疗"})
    with in_schema(school):
        event = LifeEvent.objects.get()
    assert "待慰问事项" in text(officer.get("/"))
    assert care["members"][0].name in text(officer.get("/care/events/"))
    prefilled = officer.get(f"/care/visits/new/?event={event.pk}")
    assert f'value="{event.pk}"' in text(prefilled)
    officer.post(f"/care/visits/new/?event={event.pk}", {"member": care["members"][0].pk, "kind": "hospital",
                                                         "visited_on": TODAY, "amount": "500",
                                                         "life_event": event.pk})
    with in_schema(school):
        event.refresh_from_db()
        assert event.status == "visited"


def test_batch_preview_then_record_and_standards_and_figures(care):
    school = care["school"]
    admin = page_client(school, care["admin"])
    data = {"kind": "holiday", "title": "端午慰问", "visited_on": TODAY, "per_head": "200", "scope": "branches",
            "branches": [care["own"].pk], "visitors": "校工会"}
    preview = admin.post("/care/batches/new/", {**data, "preview": "1"})
    assert "共 <strong>3</strong> 人" in text(preview)
    with in_schema(school):
        assert not CareBatch.objects.exists()
    assert admin.post("/care/batches/new/", data).status_code == 302
    with in_schema(school):
        assert CareBatch.objects.get().count == 3
    saved = admin.post("/care/standards/", {"form": "standard", "kind": "birthday", "effective_from": TODAY,
                                            "amount_min": "150"})
    assert saved.status_code == 302
    assert admin.post("/care/standards/", {"form": "settings", "reminder_days": "0"}).status_code == 200
    assert admin.post("/care/standards/", {"form": "settings", "reminder_days": "5"}).status_code == 302
    officer = page_client(school, care["officer"])
    assert officer.post("/care/standards/", {"form": "settings", "reminder_days": "9"}).status_code == 403
    figures = admin.get("/care/figures/")
    assert "¥600.00" in text(figures) and "文学院" in text(figures)


def test_the_care_officer_opens_a_member_s_page_with_their_care_history(guilin):
    from tests.members.factories import a_member

    member = a_member(guilin, name="韦平")
    officer = signed_in(guilin, [Role.CARE_OFFICER])
    page = officer.get(f"/members/{member.pk}/")
    assert page.status_code == 200 and "韦平" in text(page)
