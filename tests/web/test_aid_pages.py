"""Mutual-aid pages: the office runs schemes and claims; a member enrols and files their own; the
rest of the school gets 403 or 404; another school finds nothing."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tenants.accounts.roles import Role
from tenants.mutualaid import services as s
from tenants.mutualaid.models import Claim, ClaimDocument, Enrolment, Scheme
from tests.conftest import in_schema, make_user, signed_in, text
from tests.members.factories import a_member
from tests.mutualaid.factories import a_scheme, category

PDF = b"%PDF-1.4 diagnosis"


@pytest.fixture
def office(guilin):
    return signed_in(guilin, [Role.CARE_OFFICER])


@pytest.fixture
def member_client(guilin):
    client = signed_in(guilin, [Role.MEMBER])
    client.member = a_member(guilin, user=client.user)
    return client


def test_the_pages_are_for_the_office(guilin, huzhou, office, member_client):
    scheme = a_scheme(guilin, office.user)
    assert office.get("/mutual-aid/").status_code == 200
    assert scheme.name in text(office.get("/mutual-aid/"))
    page = office.get(f"/mutual-aid/{scheme.pk}/")
    assert page.status_code == 200 and "住院" in text(page) and "合规费用的 50%" in text(page)
    for path in ("/mutual-aid/", f"/mutual-aid/{scheme.pk}/", f"/mutual-aid/{scheme.pk}/import/", "/mutual-aid/new/"):
        assert member_client.get(path).status_code == 403, path
        # the treasurer reads a scheme (its fees entry leads there) but runs none of it
        expected = 200 if path == f"/mutual-aid/{scheme.pk}/" else 403
        assert signed_in(guilin, [Role.TREASURER]).get(path).status_code == expected, path
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/mutual-aid/{scheme.pk}/").status_code == 404


def test_the_office_creates_a_scheme_adds_categories_and_opens_it(guilin, office):
    created = office.post("/mutual-aid/new/", {"name": "医疗互助", "year": "2026", "enrol_opens_on": "2026-01-01",
                                               "enrol_closes_on": "2026-12-31", "fee": "40", "yearly_cap": "8000"})
    assert created.status_code == 302
    with in_schema(guilin):
        scheme = Scheme.objects.get(name="医疗互助")
    bad = office.post(f"/mutual-aid/{scheme.pk}/categories/", {"name": "住院", "mode": "percent", "rate": "12.345"})
    assert bad.status_code == 200 and "比例最多保留 2 位小数" in text(bad)
    office.post(f"/mutual-aid/{scheme.pk}/categories/", {"name": "住院", "mode": "fixed", "amount": "1000"})
    office.post(f"/mutual-aid/{scheme.pk}/step/open/")
    with in_schema(guilin):
        scheme.refresh_from_db()
        assert scheme.status == "enrolling" and scheme.categories.count() == 1
    bad_fee = office.post("/mutual-aid/new/", {"name": "坏", "year": "2026", "enrol_opens_on": "2026-01-01",
                                               "enrol_closes_on": "2026-12-31", "fee": "-3", "yearly_cap": "8000"})
    assert bad_fee.status_code == 200 and "每人缴费应在" in text(bad_fee)


def test_enrolment_by_number_import_and_fees(guilin, office):
    scheme = a_scheme(guilin, office.user)
    one, two = a_member(guilin), a_member(guilin)
    office.post(f"/mutual-aid/{scheme.pk}/enrol/", {"employee_number": one.employee_number})
    again = office.post(f"/mutual-aid/{scheme.pk}/enrol/", {"employee_number": one.employee_number})
    assert "只能参保一次" in text(again)
    book = Workbook()
    book.active.append(["工号"])
    book.active.append([two.employee_number])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = office.post(f"/mutual-aid/{scheme.pk}/import/",
                          {"file": SimpleUploadedFile("名单.xlsx", buffer.getvalue())})
    assert "检查通过" in text(preview)
    with in_schema(guilin):
        assert Enrolment.objects.filter(scheme=scheme).count() == 1
    office.post(f"/mutual-aid/{scheme.pk}/import/", {"file": SimpleUploadedFile("名单.xlsx", buffer.getvalue()),
                                                     "confirm": "1"})
    office.post(f"/mutual-aid/{scheme.pk}/book-fees/")
    office.post(f"/mutual-aid/{scheme.pk}/book-fees/")
    with in_schema(guilin):
        assert Enrolment.objects.filter(scheme=scheme).count() == 2
        assert Enrolment.objects.filter(scheme=scheme, fees_entry__isnull=True).count() == 0
        assert len({e.fees_entry_id for e in Enrolment.objects.filter(scheme=scheme)}) == 1


def test_a_member_enrols_files_a_claim_with_a_document_and_sees_only_their_own(guilin, huzhou, office,
                                                                              member_client):
    enrolling = a_scheme(guilin, office.user, state="enrolling")
    me = member_client.get("/me/")
    assert "我要参保" in text(me)
    member_client.post(f"/mutual-aid/{enrolling.pk}/enrol/")
    with in_schema(guilin):
        assert Enrolment.objects.filter(scheme=enrolling, member=member_client.member, via="self").exists()
    active = a_scheme(guilin, office.user)
    with in_schema(guilin):
        s.enrol(scheme=active, by=office.user, member=member_client.member)
    form = member_client.get(f"/mutual-aid/{active.pk}/claims/new/")
    assert form.status_code == 200 and "会员工号" not in text(form)
    posted = member_client.post(f"/mutual-aid/{active.pk}/claims/new/", {
        "category": category(guilin, active, "住院").pk, "eligible_costs": "3000", "description": "住院",
        "document": SimpleUploadedFile("诊断证明.pdf", PDF)})
    assert posted.status_code == 302
    with in_schema(guilin):
        claim = Claim.objects.get(enrolment__member=member_client.member)
        document = ClaimDocument.objects.get(claim=claim)
    detail = member_client.get(f"/mutual-aid/claims/{claim.pk}/")
    assert detail.status_code == 200 and "诊断证明.pdf" in text(detail) and "初审通过" not in text(detail)
    url = f"/mutual-aid/claims/{claim.pk}/documents/{document.pk}/"
    assert b"".join(member_client.get(url).streaming_content) == PDF
    assert member_client.post(f"/mutual-aid/claims/{claim.pk}/review/").status_code == 403
    stranger = signed_in(guilin, [Role.MEMBER])
    assert stranger.get(f"/mutual-aid/claims/{claim.pk}/").status_code == 404
    assert stranger.get(url).status_code == 404
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(url).status_code == 404
    assert "申请" in text(member_client.get("/me/"))


def test_the_office_reviews_approves_pays_and_the_cap_is_explained(guilin, office):
    scheme = a_scheme(guilin, office.user, cap="10000.00")
    member = a_member(guilin)
    with in_schema(guilin):
        s.enrol(scheme=scheme, by=office.user, member=member)
        first = s.claim_file(by=office.user, scheme=scheme, member=member,
                             category=category(guilin, scheme, "重大疾病"), eligible_costs="1", description="x")
        s.claim_review(claim=first, by=office.user)
        s.claim_approve(claim=first, by=office.user)
    posted = office.post(f"/mutual-aid/{scheme.pk}/claims/new/", {
        "employee_number": member.employee_number, "category": category(guilin, scheme, "重大疾病").pk,
        "eligible_costs": "50000", "description": "复发"})
    assert posted.status_code == 302
    pk = int(posted["Location"].rstrip("/").split("/")[-1])
    office.post(f"/mutual-aid/claims/{pk}/review/")
    page = text(office.get(f"/mutual-aid/claims/{pk}/"))
    assert "核准时将核减为 ¥2,000.00" in page
    approved = office.post(f"/mutual-aid/claims/{pk}/approve/", follow=True)
    assert "受年度上限核减为 ¥2,000.00" in text(approved)
    office.post(f"/mutual-aid/claims/{pk}/pay/")
    with in_schema(guilin):
        claim = Claim.objects.get(pk=pk)
        assert claim.status == "paid" and claim.payout_entry.category == "rights"
    third = office.post(f"/mutual-aid/{scheme.pk}/claims/new/", {
        "employee_number": member.employee_number, "category": category(guilin, scheme, "住院").pk,
        "eligible_costs": "100", "description": "复查"})
    pk3 = int(third["Location"].rstrip("/").split("/")[-1])
    office.post(f"/mutual-aid/claims/{pk3}/review/")
    refused = office.post(f"/mutual-aid/claims/{pk3}/approve/", follow=True)
    assert "已达上限" in text(refused)
    no_reason = office.post(f"/mutual-aid/claims/{pk3}/reject/", {"reason": ""}, follow=True)
    assert "必须填写原因" in text(no_reason)
    with in_schema(guilin):
        assert Claim.objects.get(pk=pk3).status == "reviewed"


def test_the_workbench_lists_claims_to_review_and_to_pay(guilin, office):
    from web.school.aid import workbench_todos

    scheme = a_scheme(guilin, office.user)
    member = a_member(guilin)
    with in_schema(guilin):
        s.enrol(scheme=scheme, by=office.user, member=member)
        s.claim_file(by=office.user, scheme=scheme, member=member, category=category(guilin, scheme, "住院"),
                     eligible_costs="100", description="x")
        todos = {t.key: t.count for t in workbench_todos(office.user)}
        assert todos.get("aid-review", 0) >= 1
        assert workbench_todos(make_user(guilin, [Role.MEMBER])) == []
