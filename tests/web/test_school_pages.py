"""The proposal and member pages: the same workflow as the API, in Chinese, for people who click."""
from django.test import Client

from tenants.accounts.roles import Role
from tests.congress.fixtures import to_state
from tests.members.factories import a_member


def browser_for(school, client_with_user):
    """A logged-in browser for the user behind an API client (same password as every test user)."""
    from tests.conftest import ADMIN_PASSWORD

    browser = Client(HTTP_HOST=f"{school.slug}.localhost")
    response = browser.post("/login/", {"username": client_with_user.user.username, "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_delegate_drafts_and_submits_and_others_second_through_the_pages(guilin, congress_setting):
    c = congress_setting
    proposer = browser_for(guilin, c.proposer)
    new = proposer.post("/proposals/new/", {"congress": c.congress.pk, "title": "关于增设母婴室的提案",
                                            "reasons": "没有哺乳场所。", "measures": "在行政楼设一间。"})
    assert new.status_code == 302
    detail_url = new["Location"]
    detail = proposer.get(detail_url).content.decode()
    assert "关于增设母婴室的提案" in detail and "草稿" in detail and "提交提案" in detail
    submitted = proposer.post(detail_url + "submit/", follow=True).content.decode()
    assert "已完成：提交" in submitted and "征集中" in submitted

    own = proposer.post(detail_url + "second/", follow=True).content.decode()
    assert "提案人不能附议自己的提案" in own
    for seconder in (c.seconder1, c.seconder2):
        browser_for(guilin, seconder).post(detail_url + "second/")
    assert "附议已满" in proposer.get(detail_url).content.decode()


def test_the_office_sees_its_actions_and_a_missing_reason_is_explained(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "under_review")
    office = browser_for(guilin, c.office)
    page = office.get(f"/proposals/{pk}/").content.decode()
    assert "立案" in page and "不立案，转为意见建议" in page
    refused = office.post(f"/proposals/{pk}/reject/", {"reason": ""}, follow=True).content.decode()
    assert "必须填写原因" in refused and "初审中" in refused
    accepted = office.post(f"/proposals/{pk}/accept/", follow=True).content.decode()
    assert "六届四次-001" in accepted


def test_a_member_does_not_see_drafts_of_others_and_outsiders_get_404(guilin, huzhou, congress_setting,
                                                                      host_client):
    c = congress_setting
    pk = to_state(c, "submitted")
    member = browser_for(guilin, c.member)
    assert member.get(f"/proposals/{pk}/").status_code == 404
    outsider = browser_for(huzhou, host_client(huzhou, [Role.UNION_ADMIN]))
    assert outsider.get(f"/proposals/{pk}/").status_code == 404
    assert Client(HTTP_HOST="localhost").get("/proposals/").status_code == 404  # not a provincial page


def test_the_member_list_page_masks_personal_data_and_searches_by_initials(guilin, host_client):
    a_member(guilin, name="王小明", phone="13812345678")
    a_member(guilin, name="李四", phone="13912345678")
    admin = browser_for(guilin, host_client(guilin, [Role.UNION_ADMIN]))
    page = admin.get("/members/", {"q": "wxm"}).content.decode()
    assert "王小明" in page and "李四" not in page and "138****5678" in page and "13812345678" not in page
    plain = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    assert "王小明" not in plain.get("/members/").content.decode()


def test_any_member_can_send_a_suggestion_from_the_page(guilin, host_client):
    member = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    empty = member.post("/suggestions/", {"title": "", "content": ""}, follow=True).content.decode()
    assert "标题不能为空" in empty
    sent = member.post("/suggestions/", {"title": "建议延长食堂开放时间", "content": "晚上八点后没有饭。"},
                       follow=True).content.decode()
    assert "意见建议已提交" in sent and "建议延长食堂开放时间" in sent


def test_unknown_steps_are_404(guilin, congress_setting):
    pk = to_state(congress_setting, "submitted")
    assert browser_for(guilin, congress_setting.office).post(f"/proposals/{pk}/explode/").status_code == 404


def test_a_page_form_refuses_control_characters_beside_the_field_and_writes_nothing(guilin):
    from django.test import Client

    from tenants.congress.models import Suggestion
    from tests.conftest import in_schema, make_user

    make_user(guilin, ["member"], username="ctl-member", password="Ctl-pass-2026")
    client = Client(HTTP_HOST="guilin.localhost")
    assert client.post("/login/", {"username": "ctl-member", "password": "Ctl-pass-2026"}).status_code == 302
    page = client.post("/suggestions/", {"title": "食堂\x08晚餐", "content": "延长\r\n开放时间"})
    assert page.status_code == 200 and "控制字符" in page.content.decode()
    assert "延长" in page.content.decode()  # what was typed is kept
    with in_schema(guilin):
        assert not Suggestion.objects.filter(title__startswith="食堂").exists()
