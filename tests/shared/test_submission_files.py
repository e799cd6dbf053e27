"""Files schools attach to provincial submissions: stored per school, served to the owner and the province."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shared.honours.services import campaign_create
from shared.staffhomes.services import round_create, round_open
from tenants.accounts.roles import Role
from tests.conftest import make_user


def test_nomination_materials_are_the_schools_own_and_readable_by_the_province(guilin, huzhou, province,
                                                                              host_client, settings):
    campaign = campaign_create(by=None, kind="ethics_model", year=2026, title="师德标兵推荐",
                               deadline=timezone.now() + datetime.timedelta(days=5))
    guilin_admin = host_client(guilin, [Role.UNION_ADMIN])
    pk = guilin_admin.post("/api/v1/honours/nominations/", {
        "campaign": campaign.pk, "nominee_name": "黄老师", "gender": "male", "birth_date": "1980-01-01",
        "deeds": "……"}, format="json").json()["id"]
    refused = guilin_admin.post(f"/api/v1/honours/nominations/{pk}/attachments/",
                                {"file": SimpleUploadedFile("run.exe", b"MZ")}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()["errors"]
    disguised = guilin_admin.post(f"/api/v1/honours/nominations/{pk}/attachments/",
                                  {"file": SimpleUploadedFile("事迹.pdf", b"MZ\x90\x00 program")}, format="multipart")
    assert disguised.status_code == 400 and "不符" in disguised.json()["errors"]["file"][0]
    uploaded = guilin_admin.post(f"/api/v1/honours/nominations/{pk}/attachments/",
                                 {"file": SimpleUploadedFile("事迹.pdf", b"%PDF-1.4 deeds")}, format="multipart")
    assert uploaded.status_code == 201
    file_id = uploaded.json()["attachments"][0]["id"]
    assert list(settings.MEDIA_ROOT.glob(f"provincial/honours/guilin/{pk}/*事迹.pdf"))

    mine = guilin_admin.get(f"/api/v1/honours/nominations/{pk}/attachments/{file_id}/")
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == b"%PDF-1.4 deeds"
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/honours/nominations/{pk}/attachments/{file_id}/").status_code == 404
    assert outsider.post(f"/api/v1/honours/nominations/{pk}/attachments/",
                         {"file": SimpleUploadedFile("x.pdf", b"x")}, format="multipart").status_code == 404
    province_admin = host_client(province, [Role.PROVINCE_ADMIN])
    assert province_admin.get(f"/api/v1/honours/nominations/{pk}/attachments/{file_id}/").status_code == 200


def test_staff_home_materials(province, guilin, huzhou, host_client):
    now = timezone.now()
    admin = make_user(province, [Role.PROVINCE_ADMIN])
    round_ = round_open(round=round_create(by=admin, year=2026, title="建家", opens_at=now - datetime.timedelta(days=1),
                                           closes_at=now + datetime.timedelta(days=1)), by=admin)
    guilin_admin = host_client(guilin, [Role.UNION_ADMIN])
    pk = guilin_admin.post("/api/v1/staff-homes/applications/", {
        "round": round_.pk, "level": "home", "unit_name": "校工会", "self_assessment": "……",
        "self_scores": {str(c.pk): "15" for c in round_.criteria.all()}}, format="json").json()["id"]
    uploaded = guilin_admin.post(f"/api/v1/staff-homes/applications/{pk}/materials/",
                                 {"file": SimpleUploadedFile("台账.xlsx", b"PK")}, format="multipart")
    assert uploaded.status_code == 201 and uploaded.json()["materials"][0]["name"] == "台账.xlsx"
    no_file = guilin_admin.post(f"/api/v1/staff-homes/applications/{pk}/materials/", {}, format="multipart")
    assert no_file.status_code == 400
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.post(f"/api/v1/staff-homes/applications/{pk}/materials/",
                         {"file": SimpleUploadedFile("x.pdf", b"x")}, format="multipart").status_code == 404


def test_a_circular_written_directly(province, guilin, host_client):
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    bad = admin.post("/api/v1/circulars/", {"title": "", "items": []}, format="json")
    assert bad.status_code == 400 and {"title", "items"} <= set(bad.json()["errors"])
    created = admin.post("/api/v1/circulars/", {"title": "关于做好 2026 年送清凉工作的通知",
                                                "items": [{"title": "摸清一线岗位人数"}, {"title": "7 月底前完成慰问"}]},
                         format="json")
    assert created.status_code == 201 and [i["title"] for i in created.json()["items"]] == [
        "摸清一线岗位人数", "7 月底前完成慰问"]
    pk = created.json()["id"]
    assert host_client(guilin, [Role.UNION_ADMIN]).get(f"/api/v1/circulars/{pk}/").status_code == 404  # a draft
    admin.post(f"/api/v1/circulars/{pk}/publish/", {}, format="json")
    assert host_client(guilin, [Role.UNION_ADMIN]).get(f"/api/v1/circulars/{pk}/").status_code == 200
