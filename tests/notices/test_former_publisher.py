"""A branch's notice is managed by its publisher only while they chair that branch: a replaced chair no
longer reads the receipts (names, 工号), reminds, withdraws or downloads its files (they are no
recipient); a member who is no recipient never downloads a notice's attachment, on the page or the API."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.accounts.roles import Role
from tenants.errors import NotAllowed
from tenants.members.services import branch_update
from tenants.notices import selectors as q
from tenants.notices import services as s
from tenants.notices.models import Notice
from tests.conftest import ADMIN_PASSWORD, client_for, in_schema, make_user, text

PDF = b"%PDF-1.4 demo"


def page_client(school, user):
    from django.test import Client

    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def _branch_notice(n):
    with in_schema(n["school"]):
        return s.notice_create(by=n["chair"], title="文学院会员大会", body="周三开会", audience="branches",
                               branches=[n["own"]], publish=True, attachments=[SimpleUploadedFile("议程.pdf", PDF)])


def _replace_chair(n):
    with in_schema(n["school"]):
        successor = make_user(n["school"], [Role.BRANCH_CHAIR])
        branch_update(branch=n["own"], by=n["admin"], chair=successor)
        # the former chair keeps the role (they may chair elsewhere): only the branch's chair counts
        assert n["chair"].has_role(Role.BRANCH_CHAIR)
    return successor


def test_a_replaced_chair_no_longer_manages_their_branchs_notice(notices):
    n = notices
    notice = _branch_notice(n)
    with in_schema(n["school"]):
        assert s.manages(notice, n["chair"]) and q.may_read_receipts(notice, n["chair"])
    successor = _replace_chair(n)
    with in_schema(n["school"]):
        notice = Notice.objects.get(pk=notice.pk)
        assert not s.manages(notice, n["chair"]) and not q.may_read_receipts(notice, n["chair"])
        for act in (lambda: s.notice_remind(notice=notice, by=n["chair"]),
                    lambda: s.notice_withdraw(notice=notice, by=n["chair"], reason="不开了")):
            with pytest.raises(NotAllowed):
                act()
        assert Notice.objects.get(pk=notice.pk).reminded_at is None
        # the office still manages it; the branch's new chair reads its receipts
        assert s.manages(notice, n["admin"]) and q.receipt_branches(notice, successor) == [n["own"]]


def test_a_replaced_chair_is_refused_the_receipts_and_reminding_through_the_api_and_the_pages(notices):
    n, school = notices, notices["school"]
    notice = _branch_notice(n)
    with in_schema(school):
        file_id = notice.attachments.get().pk
    api, page = client_for(school, n["chair"]), page_client(school, n["chair"])
    assert api.get(f"/api/v1/notices/{notice.pk}/receipts/").status_code == 200
    before = text(page.get(f"/notices/{notice.pk}/"))
    assert "会员1" in before and "阅读时间" in before
    _replace_chair(n)
    for path in ("receipts/", "recipients/", f"attachments/{file_id}/"):
        assert api.get(f"/api/v1/notices/{notice.pk}/{path}").status_code == 404, path
    assert api.post(f"/api/v1/notices/{notice.pk}/remind/").status_code == 403
    refused = api.post(f"/api/v1/notices/{notice.pk}/withdraw/", {"reason": "不开了"}, format="json")
    assert refused.status_code == 403
    assert page.get(f"/notices/{notice.pk}/receipts.xlsx").status_code == 404
    assert page.get(f"/notices/{notice.pk}/attachments/{file_id}/").status_code == 404
    shown = page.get(f"/notices/{notice.pk}/")          # their own notice still opens, without receipts
    assert shown.status_code == 200 and "文学院会员大会" in text(shown)
    assert "会员1" not in text(shown) and "阅读时间" not in text(shown)     # no names, no receipts
    reminded = page.post(f"/notices/{notice.pk}/", {"do": "remind"}, follow=True)
    assert reminded.status_code == 200 and "只有发布人或校工会可以提醒未读人员" in text(reminded)
    with in_schema(school):
        assert Notice.objects.get(pk=notice.pk).reminded_at is None
        assert Notice.objects.get(pk=notice.pk).status == "published"


def test_a_member_who_is_no_recipient_never_downloads_the_attachment(notices):
    """The other branch's chair sees a 校工会 notice (their branch's receipts) without being a
    recipient: the notice opens, its file does not — on the page and through the API."""
    n, school = notices, notices["school"]
    with in_schema(school):
        notice = s.notice_create(by=n["admin"], title="体检安排", body="正文", audience="branches",
                                 branches=[n["other"]], attachments=[SimpleUploadedFile("安排.pdf", PDF)])
        file_id = notice.attachments.get().pk
        s.notice_publish(notice=notice, by=n["admin"])
    chair2_api, chair2_page = client_for(school, n["chair2"]), page_client(school, n["chair2"])
    assert chair2_api.get(f"/api/v1/notices/{notice.pk}/").status_code == 200
    assert chair2_page.get(f"/notices/{notice.pk}/").status_code == 200
    assert chair2_api.get(f"/api/v1/notices/{notice.pk}/attachments/{file_id}/").status_code == 404
    assert chair2_page.get(f"/notices/{notice.pk}/attachments/{file_id}/").status_code == 404
    # a member of the other branch (users[2] is 会员3, 理学院) is a recipient and downloads it;
    # a member of 文学院 is not and gets 404, as if it did not exist
    recipient, outsider = n["users"][2], n["users"][0]
    assert client_for(school, recipient).get(f"/api/v1/notices/{notice.pk}/attachments/{file_id}/").status_code == 200
    assert page_client(school, recipient).get(f"/notices/{notice.pk}/attachments/{file_id}/").status_code == 200
    assert client_for(school, outsider).get(f"/api/v1/notices/{notice.pk}/attachments/{file_id}/").status_code == 404
    assert page_client(school, outsider).get(f"/notices/{notice.pk}/attachments/{file_id}/").status_code == 404
