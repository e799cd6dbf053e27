"""The mutual-aid API: who gets in, who sees what, the refusals in Chinese, documents, import."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tenants.accounts.roles import Role
from tenants.finance.models import LedgerEntry
from tenants.mutualaid.models import Claim, Enrolment
from tests.conftest import client_for, in_schema, make_user
from tests.members.factories import a_member
from tests.mutualaid.factories import a_scheme, category

PDF = b"%PDF-1.4 test document"


@pytest.fixture
def setup(guilin):
    admin = make_user(guilin, [Role.UNION_ADMIN])
    scheme = a_scheme(guilin, admin, cap="10000.00")
    user = make_user(guilin, [Role.MEMBER])
    member = a_member(guilin, user=user)
    other = a_member(guilin)
    return {"admin": client_for(guilin, admin), "care": client_for(guilin, make_user(guilin, [Role.CARE_OFFICER])),
            "member": client_for(guilin, user), "scheme": scheme, "me": member, "other": other,
            "hospital": category(guilin, scheme, "住院"), "serious": category(guilin, scheme, "重大疾病")}


def enrol(client, scheme, member=None):
    body = {"scheme": scheme.pk} | ({"member": member.pk} if member else {})
    return client.post("/api/v1/mutual-aid/enrolments/", body, format="json")


def file_claim(client, setup, member=None, costs="4000.00", cat="hospital"):
    body = {"scheme": setup["scheme"].pk, "category": setup[cat].pk, "eligible_costs": costs,
            "description": "住院治疗"} | ({"member": member.pk} if member else {})
    return client.post("/api/v1/mutual-aid/claims/", body, format="json")


def test_the_care_officer_runs_a_claim_from_enrolment_to_payout(setup):
    care = setup["care"]
    assert enrol(care, setup["scheme"], setup["me"]).status_code == 201
    created = file_claim(care, setup, setup["me"])
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert care.post(f"/api/v1/mutual-aid/claims/{pk}/review/", {}, format="json").status_code == 200
    approved = care.post(f"/api/v1/mutual-aid/claims/{pk}/approve/", {}, format="json").json()
    assert (approved["approved_amount"], approved["capped"], approved["remaining"]) == ("2000.00", False, "8000.00")
    paid = care.post(f"/api/v1/mutual-aid/claims/{pk}/pay/", format="json").json()
    assert paid["status"] == "paid" and paid["payout_entry"]
    history = care.get(f"/api/v1/mutual-aid/claims/{pk}/history/").json()["results"]
    assert [h["to_state"] for h in history] == ["reviewed", "approved", "paid"]
    booked = care.post(f"/api/v1/mutual-aid/schemes/{setup['scheme'].pk}/book-fees/", format="json").json()
    assert booked["amount"] == "50.00"
    again = care.post(f"/api/v1/mutual-aid/schemes/{setup['scheme'].pk}/book-fees/", format="json").json()
    assert again["entry"] is None


def test_a_member_sees_and_files_only_their_own(guilin, setup):
    admin, member = setup["admin"], setup["member"]
    enrol(admin, setup["scheme"], setup["other"])
    enrol(admin, setup["scheme"], setup["me"])
    theirs = file_claim(admin, setup, setup["other"]).json()["id"]
    mine = file_claim(member, setup)
    assert mine.status_code == 201 and mine.json()["member"] == setup["me"].pk
    listed = [c["id"] for c in member.get("/api/v1/mutual-aid/claims/").json()["results"]]
    assert listed == [mine.json()["id"]]
    assert member.get(f"/api/v1/mutual-aid/claims/{theirs}/").status_code == 404
    assert [e["member"] for e in member.get("/api/v1/mutual-aid/enrolments/").json()["results"]] == [setup["me"].pk]
    for_other = file_claim(member, setup, setup["other"])
    assert for_other.status_code == 403
    review = member.post(f"/api/v1/mutual-aid/claims/{mine.json()['id']}/review/", {}, format="json")
    assert review.status_code == 403
    assert member.post("/api/v1/mutual-aid/enrolments/enrol-all/", {"scheme": setup["scheme"].pk},
                       format="json").status_code == 403
    assert member.get(f"/api/v1/mutual-aid/schemes/{setup['scheme'].pk}/figures/").status_code == 403


def test_another_school_finds_nothing(guilin, huzhou, setup):
    enrol(setup["admin"], setup["scheme"], setup["me"])
    pk = file_claim(setup["admin"], setup, setup["me"]).json()["id"]
    outsider = client_for(huzhou, make_user(huzhou, [Role.UNION_ADMIN]))
    for path in (f"/api/v1/mutual-aid/claims/{pk}/", f"/api/v1/mutual-aid/schemes/{setup['scheme'].pk}/",
                 f"/api/v1/mutual-aid/claims/{pk}/history/"):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"/api/v1/mutual-aid/claims/{pk}/approve/", {}, format="json").status_code == 404


def test_documents_are_served_only_to_who_may_see_the_claim(guilin, huzhou, setup):
    admin, member = setup["admin"], setup["member"]
    enrol(admin, setup["scheme"], setup["me"])
    pk = file_claim(member, setup).json()["id"]
    upload = member.post(f"/api/v1/mutual-aid/claims/{pk}/documents/",
                         {"file": SimpleUploadedFile("诊断证明.pdf", PDF)}, format="multipart")
    assert upload.status_code == 201, upload.content
    doc = upload.json()["id"]
    path = f"/api/v1/mutual-aid/claims/{pk}/documents/{doc}/"
    assert b"".join(admin.get(path).streaming_content) == PDF
    assert b"".join(member.get(path).streaming_content) == PDF
    stranger = client_for(guilin, make_user(guilin, [Role.MEMBER]))
    assert stranger.get(path).status_code == 404
    outsider = client_for(huzhou, make_user(huzhou, [Role.UNION_ADMIN]))
    assert outsider.get(path).status_code == 404
    fake = member.post(f"/api/v1/mutual-aid/claims/{pk}/documents/",
                       {"file": SimpleUploadedFile("证明.pdf", b"MZ not a pdf")}, format="multipart")
    assert fake.status_code == 400 and "文件内容与扩展名 .pdf 不符" in fake.content.decode()


def test_bad_amounts_and_a_claim_past_the_cap_are_refused_in_chinese(guilin, setup):
    admin = setup["admin"]
    enrol(admin, setup["scheme"], setup["me"])
    for costs in ("12.345", "-1", "1e5", "99999999999"):
        refused = file_claim(admin, setup, setup["me"], costs=costs)
        assert refused.status_code == 400 and "合规费用" in refused.content.decode(), costs
    ids = [file_claim(admin, setup, setup["me"], cat="serious").json()["id"] for _ in range(3)]
    answers = []
    for pk in ids:
        admin.post(f"/api/v1/mutual-aid/claims/{pk}/review/", {}, format="json")
        answers.append(admin.post(f"/api/v1/mutual-aid/claims/{pk}/approve/", {}, format="json"))
    assert [a.status_code for a in answers] == [200, 200, 409]
    assert answers[1].json()["capped"] is True and answers[1].json()["approved_amount"] == "2000.00"
    assert "已达上限" in answers[2].content.decode()
    with in_schema(guilin):
        assert Enrolment.objects.get(scheme=setup["scheme"], member=setup["me"]).used == Decimal("10000.00")
        assert Claim.objects.get(pk=ids[2]).status == "reviewed"
    twice = enrol(admin, setup["scheme"], setup["me"])
    assert twice.status_code == 409 and "只能参保一次" in twice.content.decode()


def sheet(numbers):
    book = Workbook()
    book.active.append(["工号", "姓名"])
    for number in numbers:
        book.active.append([number, "某某"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("参保名单.xlsx", buffer.getvalue())


def test_import_previews_and_enrols_all_or_nothing(guilin, setup):
    admin, scheme = setup["admin"], setup["scheme"]
    numbers = [setup["me"].employee_number, setup["other"].employee_number]
    bad = admin.post("/api/v1/mutual-aid/enrolments/import/",
                     {"scheme": scheme.pk, "file": sheet(numbers + ["NOPE-1"])}, format="multipart")
    assert bad.status_code == 400
    assert bad.json()["problems"] == [{"row": 4, "column": "工号", "message": "本校没有工号为 NOPE-1 的会员。"}]
    preview = admin.post("/api/v1/mutual-aid/enrolments/import/",
                         {"scheme": scheme.pk, "file": sheet(numbers), "preview": "true"}, format="multipart")
    assert preview.status_code == 200 and preview.json()["rows"] == 2
    with in_schema(guilin):
        assert not Enrolment.objects.filter(scheme=scheme).exists()
    done = admin.post("/api/v1/mutual-aid/enrolments/import/", {"scheme": scheme.pk, "file": sheet(numbers)},
                      format="multipart")
    assert done.status_code == 200 and done.json()["rows"] == 2
    with in_schema(guilin):
        assert Enrolment.objects.filter(scheme=scheme, via="import").count() == 2


def test_schemes_and_categories_are_set_up_by_the_office(guilin, setup):
    admin, member = setup["admin"], setup["member"]
    body = {"name": "医疗互助", "year": 2026, "enrol_opens_on": "2026-01-01", "enrol_closes_on": "2026-01-31",
            "fee": "30.00", "yearly_cap": "5000.00"}
    assert member.post("/api/v1/mutual-aid/schemes/", body, format="json").status_code == 403
    created = admin.post("/api/v1/mutual-aid/schemes/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    assert pk not in [x["id"] for x in member.get("/api/v1/mutual-aid/schemes/").json()["results"]]
    bad = admin.post("/api/v1/mutual-aid/schemes/", body | {"name": "x", "fee": "1.001"}, format="json")
    assert bad.status_code == 400 and "每人缴费" in bad.content.decode()
    early = admin.post(f"/api/v1/mutual-aid/schemes/{pk}/open/", {}, format="json")
    assert early.status_code == 409 and "给付类别" in early.content.decode()
    cat = admin.post("/api/v1/mutual-aid/categories/", {"scheme": pk, "name": "门诊特殊病种", "mode": "percent",
                                                         "rate": "30", "max_per_claim": "2000"}, format="json")
    assert cat.status_code == 201 and cat.json()["rule"] == "合规费用的 30%，每次最高 ¥2,000.00"
    assert admin.post(f"/api/v1/mutual-aid/schemes/{pk}/open/", {}, format="json").json()["status"] == "enrolling"
    late = admin.post("/api/v1/mutual-aid/categories/", {"scheme": pk, "name": "住院", "mode": "fixed",
                                                          "amount": "100"}, format="json")
    assert late.status_code == 409
    assert admin.get("/api/v1/mutual-aid/claims/", {"status": "nonsense"}).status_code == 400
    with in_schema(guilin):
        assert not LedgerEntry.objects.filter(source_type="aid_fees", source_id=pk).exists()
