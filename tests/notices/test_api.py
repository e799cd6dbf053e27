"""The notices API: who sees and does what; refusals in Chinese naming the field, nothing written."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.notices.models import Notice, NoticeAttachment
from tests.conftest import client_for, in_schema


def test_a_chair_publishes_to_their_branch_and_the_member_reads_it(notices, huzhou, host_client):
    n, school = notices, notices["school"]
    chair, admin = client_for(school, n["chair"]), client_for(school, n["admin"])
    reader, stranger = client_for(school, n["users"][0]), client_for(school, n["users"][2])
    body = {"title": "分工会会议通知", "body": "周三开会", "audience": "branches", "branches": [n["own"].pk]}
    foreign = chair.post("/api/v1/notices/", {**body, "branches": [n["other"].pk]}, format="json")
    assert foreign.status_code == 400 and "理学院" in foreign.json()["errors"]["branches"][0]
    assert reader.post("/api/v1/notices/", body, format="json").status_code == 403
    with in_schema(school):
        assert not Notice.objects.exists()
    draft = chair.post("/api/v1/notices/", body, format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    pk = draft.json()["id"]
    assert reader.get(f"/api/v1/notices/{pk}/").status_code == 404
    upload = chair.post(f"/api/v1/notices/{pk}/attachments/",
                        {"file": SimpleUploadedFile("议程.pdf", b"%PDF-1.4 x")}, format="multipart")
    assert upload.status_code == 201
    bad = chair.post(f"/api/v1/notices/{pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", b"MZ")},
                     format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    assert chair.post(f"/api/v1/notices/{pk}/publish/").json()["status"] == "published"
    file_id = upload.json()["id"]

    listed = reader.get("/api/v1/notices/", {"unread": "true"}).json()["results"]
    assert [row["id"] for row in listed] == [pk] and listed[0]["my_read_at"] is None
    assert reader.get(f"/api/v1/notices/{pk}/").json()["my_read_at"] is None  # reading is explicit
    first = reader.post(f"/api/v1/notices/{pk}/read/").json()["my_read_at"]
    assert first and reader.post(f"/api/v1/notices/{pk}/read/").json()["my_read_at"] == first
    assert reader.get("/api/v1/notices/", {"unread": "true"}).json()["results"] == []
    assert reader.get(f"/api/v1/notices/{pk}/attachments/{file_id}/").status_code == 200
    assert admin.post(f"/api/v1/notices/{pk}/read/").status_code == 400

    assert stranger.get(f"/api/v1/notices/{pk}/").status_code == 404
    assert stranger.get(f"/api/v1/notices/{pk}/attachments/{file_id}/").status_code == 404
    assert stranger.get("/api/v1/notices/").json()["results"] == []
    other_school = host_client(huzhou, ["union_admin"])
    assert other_school.get(f"/api/v1/notices/{pk}/").status_code == 404
    assert other_school.get(f"/api/v1/notices/{pk}/receipts/").status_code == 404

    receipts = chair.get(f"/api/v1/notices/{pk}/receipts/").json()
    assert (receipts["recipients"], receipts["read"], receipts["unread"], receipts["rate"]) == (3, 1, 2, "33%")
    assert receipts["branches"][0]["branch_name"] == "文学院"
    unread = chair.get(f"/api/v1/notices/{pk}/recipients/", {"unread": "true"}).json()["results"]
    assert [r["name"] for r in unread] == ["会员1", "会员2"] and unread[0]["phone"] == "138****0001"
    assert reader.get(f"/api/v1/notices/{pk}/receipts/").status_code == 404
    assert chair.post(f"/api/v1/notices/{pk}/remind/").json() == {"reminded": 1}
    again = chair.post(f"/api/v1/notices/{pk}/remind/")
    assert again.status_code == 409 and "一小时内" in again.json()["detail"]

    refused = chair.post(f"/api/v1/notices/{pk}/withdraw/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    assert chair.post(f"/api/v1/notices/{pk}/withdraw/", {"reason": "时间改了"}, format="json").status_code == 200
    assert reader.get(f"/api/v1/notices/{pk}/").status_code == 404
    assert admin.get(f"/api/v1/notices/{pk}/").json()["status"] == "withdrawn"
    with in_schema(school):
        assert NoticeAttachment.objects.count() == 1


def test_the_office_sees_every_notice_and_a_past_reading_date_is_refused(notices):
    n, school = notices, notices["school"]
    admin, chair2 = client_for(school, n["admin"]), client_for(school, n["chair2"])
    past = str(timezone.localdate() - datetime.timedelta(days=1))
    refused = admin.post("/api/v1/notices/", {"title": "体检", "body": "正文", "read_by": past, "publish": True},
                         format="json")
    assert refused.status_code == 400 and "read_by" in refused.json()["errors"]
    made = admin.post("/api/v1/notices/", {"title": "体检", "body": "正文", "publish": True}, format="json").json()
    assert made["publisher_label"] == "校工会" and made["audience_label"] == "全体会员"
    # a chair reads the school's notice and its receipts for their branch only
    receipts = chair2.get(f"/api/v1/notices/{made['id']}/receipts/").json()
    assert [b["branch_name"] for b in receipts["branches"]] == ["理学院"] and receipts["recipients"] == 3
    assert chair2.post(f"/api/v1/notices/{made['id']}/remind/").status_code == 403
    assert [row["id"] for row in admin.get("/api/v1/notices/").json()["results"]] == [made["id"]]
