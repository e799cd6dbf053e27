"""The notice pages: who opens which, publishing from the form (a chair's foreign branch refused beside
the field), opening marks read, receipts and their .xlsx, remind once an hour, withdraw, the portal
card with its unread badge and the workbench."""
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tenants import xlsx
from tenants.accounts.roles import Role
from tenants.notices import services as s
from tenants.notices.models import Notice, NoticeRecipient
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text
from tests.notices.conftest import notices  # noqa: F401  (the fixture)


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    client.user = user
    return client


def test_who_opens_which_page(notices, huzhou):
    n, school = notices, notices["school"]
    admin, chair, reader, stranger = (page_client(school, u) for u in
                                      (n["admin"], n["chair"], n["users"][0], n["users"][2]))
    with in_schema(school):
        notice = s.notice_create(by=n["chair"], title="分工会通知", body="正文", audience="branches",
                                 branches=[n["own"]], publish=True,
                                 attachments=[SimpleUploadedFile("表.pdf", b"%PDF-1.4 x")])
        file_id = notice.attachments.get().pk
    for client in (admin, chair, reader, stranger):
        assert client.get("/notices/").status_code == 200
    assert admin.get("/notices/new/").status_code == 200 and chair.get("/notices/new/").status_code == 200
    assert reader.get("/notices/new/").status_code == 403
    for client in (admin, chair, reader):
        assert client.get(f"/notices/{notice.pk}/").status_code == 200
    assert stranger.get(f"/notices/{notice.pk}/").status_code == 404
    assert stranger.get(f"/notices/{notice.pk}/attachments/{file_id}/").status_code == 404
    assert reader.get(f"/notices/{notice.pk}/attachments/{file_id}/").status_code == 200
    assert reader.get(f"/notices/{notice.pk}/receipts.xlsx").status_code == 404
    assert stranger.post(f"/notices/{notice.pk}/", {"do": "remind"}).status_code == 404
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(f"/notices/{notice.pk}/").status_code == 404
    assert "receipts" not in text(reader.get(f"/notices/{notice.pk}/"))


def test_a_chair_publishes_and_follows_the_receipts(notices):
    n, school = notices, notices["school"]
    chair, reader = page_client(school, n["chair"]), page_client(school, n["users"][0])
    form = {"title": "文学院会员大会通知", "body": "周三下午开会", "audience": "branches", "publish": "1"}
    foreign = chair.post("/notices/new/", {**form, "branches": [n["other"].pk]})
    assert foreign.status_code == 200 and "请选择您可以发布的分工会" in text(foreign)
    with in_schema(school):
        assert not Notice.objects.exists()
    made = chair.post("/notices/new/", {**form, "branches": [n["own"].pk],
                                        "file": SimpleUploadedFile("议程.pdf", b"%PDF-1.4 x")})
    assert made.status_code == 302
    with in_schema(school):
        notice = Notice.objects.get()
        assert notice.status == "published" and notice.attachments.count() == 1
    page = text(reader.get("/me/"))  # 我的: the card with its badge
    assert "1 条未读" in page and "文学院会员大会通知" in page
    assert "1 条未读" in text(reader.get("/notices/"))
    # the menu's 通知公告 entry (desktop top bar, the phone's 更多) carries the count until it is read
    assert 'data-testid="nav-count">1<' in reader.get("/more/").content.decode()
    opened = text(reader.get(f"/notices/{notice.pk}/"))
    assert "周三下午开会" in opened and "议程.pdf" in opened
    assert "条未读" not in text(reader.get("/notices/"))
    assert "nav-count" not in reader.get("/more/").content.decode()
    with in_schema(school):
        first = NoticeRecipient.objects.get(notice=notice, member=n["members"][0]).read_at
    reader.get(f"/notices/{notice.pk}/")
    with in_schema(school):
        assert NoticeRecipient.objects.get(notice=notice, member=n["members"][0]).read_at == first

    page = text(chair.get(f"/notices/{notice.pk}/"))
    assert "已读 1 / 3" in page and "138****0001" in page and "13800000001" not in page
    unread = text(chair.get(f"/notices/{notice.pk}/", {"state": "unread"}))
    assert "会员1" in unread and "会员0" not in unread
    export = chair.get(f"/notices/{notice.pk}/receipts.xlsx")
    book = xlsx.open_for_reading(io.BytesIO(export.content))
    per_branch = [list(r) for r in book["按分工会"].iter_rows(values_only=True)]
    assert per_branch[1] == ["文学院", 3, 1, 2, "33%"]
    people = [list(r) for r in book["按人员"].iter_rows(values_only=True)]
    assert people[0][:6] == ["姓名", "工号", "分工会", "工会小组", "手机号", "阅读情况"]
    assert {row[0]: row[5] for row in people[1:]} == {"会员0": "已读", "会员1": "未读", "会员2": "未读"}
    assert all("****" in row[4] for row in people[1:])

    assert chair.post(f"/notices/{notice.pk}/", {"do": "remind"}, follow=True).status_code == 200
    again = chair.post(f"/notices/{notice.pk}/", {"do": "remind"}, follow=True)
    assert "一小时内已提醒过" in text(again)
    refused = chair.post(f"/notices/{notice.pk}/", {"do": "withdraw", "reason": ""})
    assert refused.status_code == 200 and "必须填写原因" in text(refused)
    assert chair.post(f"/notices/{notice.pk}/", {"do": "withdraw", "reason": "改期"}).status_code == 302
    assert reader.get(f"/notices/{notice.pk}/").status_code == 404


def test_the_workbench_tells_the_unread_and_the_publisher(notices):
    n, school = notices, notices["school"]
    with in_schema(school):
        notice = s.notice_create(by=n["admin"], title="请阅读的通知", body="正文", publish=True,
                                 read_by=timezone.localdate())
        Notice.objects.filter(pk=notice.pk).update(read_by=timezone.localdate() - datetime.timedelta(days=1))
    from web.school.notices import workbench_todos

    with in_schema(school):
        todo = workbench_todos(n["users"][0])[0]
        assert (todo.key, todo.count, todo.urgent) == ("notices-unread", 1, True)
        office = {t.key: t for t in workbench_todos(n["admin"])}
        assert office["notices-overdue"].count == 1
        assert office["notices-overdue"].items[0]["text"] == "请阅读的通知（6 人未读）"


def test_the_office_publishes_to_a_group_from_the_form(notices):
    n, school = notices, notices["school"]
    admin = page_client(school, n["admin"])
    page = text(admin.get("/notices/new/"))
    assert "文学院·第一小组" in page and "全体会员" in page
    made = admin.post("/notices/new/", {"title": "小组活动通知", "body": "周五活动", "audience": "groups",
                                        "groups": [n["group"].pk], "publish": "1"})
    assert made.status_code == 302
    with in_schema(school):
        notice = Notice.objects.get()
        assert list(notice.recipients.values_list("member_id", flat=True)) == [n["members"][0].pk]
    empty = admin.post("/notices/new/", {"title": "空", "body": "正文", "audience": "groups", "publish": "1"})
    assert "请至少选择一个工会小组。" in text(empty)
