"""The congress, proposal, 意见建议 and member-portal pages: who may open each, what a person sees
after each step, and that wrong input is answered beside the field and writes nothing."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.accounts.roles import Role
from tenants.congress.models import Congress, Delegate, Delegation, Proposal, Suggestion
from tests.conftest import in_schema
from tests.congress.fixtures import draft, to_state
from tests.members.factories import a_member
from tests.web.test_school_pages import browser_for


def page(browser, url, **data):
    response = browser.post(url, data, follow=True) if data else browser.get(url)
    return response.status_code, response.content.decode()


@pytest.fixture
def office(guilin, congress_setting):
    return browser_for(guilin, congress_setting.office)


# --- congresses ---------------------------------------------------------------------------------

OFFICE_PAGES = ["/congresses/", "/congresses/new/", "/congresses/{pk}/", "/congresses/{pk}/edit/",
                "/congresses/{pk}/figures/", "/congresses/{pk}/figures.xlsx"]


def test_only_the_union_office_opens_the_school_congress_pages(guilin, huzhou, congress_setting, host_client):
    c = congress_setting
    office = browser_for(guilin, c.office)
    member = browser_for(guilin, c.member)
    chair = browser_for(guilin, host_client(guilin, [Role.BRANCH_CHAIR]))
    outsider = browser_for(huzhou, host_client(huzhou, [Role.UNION_ADMIN]))
    for url in OFFICE_PAGES:
        url = url.format(pk=c.congress.pk)
        assert office.get(url).status_code == 200, url
        refused = member.get(url)
        assert refused.status_code == 403 and "没有权限" in refused.content.decode(), url
        # A branch chair has the list and the form of their own 二级教代会; the school's congress
        # is not theirs to open (404, as if it did not exist for them).
        assert chair.get(url).status_code == (404 if str(c.congress.pk) in url else 200), url
        if str(c.congress.pk) in url:
            # another school's admin asking for guilin's congress id on their own host
            assert outsider.get(url).status_code == 404, url


def test_the_office_creates_a_congress_and_a_wrong_field_is_explained_beside_it(office, guilin):
    status, body = page(office, "/congresses/new/", term="7", session="1", title="七届一次",
                        opens_on="2026-03-20", closes_on="2026-03-10", seconder_minimum="2")
    assert "闭幕日期不能早于开幕日期" in body and 'value="七届一次"' in body
    with in_schema(guilin):
        assert not Congress.objects.filter(term=7).exists()
    status, body = page(office, "/congresses/new/", term="", session="1")
    assert "请填写届次" in body
    status, body = page(office, "/congresses/new/", term="7", session="1", title="七届一次",
                        opens_on="2026-03-20", seconder_minimum="3")
    assert "教代会已建立" in body and "筹备中" in body and "七届一次" in body
    # the same congress again (a double submission) is refused beside the session, one row stays
    status, body = page(office, "/congresses/new/", term="7", session="1")
    assert "七届一次教代会已存在" in body
    with in_schema(guilin):
        assert Congress.objects.filter(term=7, session=1).count() == 1


def test_the_office_opens_and_closes_a_congress_and_sees_the_history(office, guilin, congress_setting):
    pk = congress_setting.congress.pk
    status, body = page(office, f"/congresses/{pk}/open/", note="大会开幕")
    assert "大会已开幕" in body and "召开中" in body and "筹备中 → 召开中" in body
    status, body = page(office, f"/congresses/{pk}/open/", note="again")
    assert "其他人已先处理" in body or "召开中" in body
    status, body = page(office, f"/congresses/{pk}/close/", note="闭幕")
    assert "大会已闭幕" in body and "召开中 → 已闭幕" in body
    with in_schema(guilin):
        assert Congress.objects.get(pk=pk).status == "closed"
    assert office.post(f"/congresses/{pk}/explode/").status_code == 404


def test_delegations_and_delegates_are_formed_from_active_members(office, guilin, congress_setting):
    c = congress_setting
    pk = c.congress.pk
    status, body = page(office, f"/congresses/{pk}/", **{"delegation-name": "第二代表团"})
    assert "代表团已建立" in body and "第二代表团" in body
    status, body = page(office, f"/congresses/{pk}/", **{"delegation-name": "第二代表团"})
    assert "已存在" in body
    with in_schema(guilin):
        assert Delegation.objects.filter(congress=c.congress, name="第二代表团").count() == 1
        delegation = Delegation.objects.get(congress=c.congress, name="第二代表团")
    member = a_member(guilin, name="韦小宝")
    status, body = page(office, f"/congresses/{pk}/", **{"delegate-member": "NOPE",
                                                          "delegate-delegation": delegation.pk})
    assert "没有工号为“NOPE”的会员" in body and 'value="NOPE"' in body
    status, body = page(office, f"/congresses/{pk}/", **{"delegate-member": member.employee_number,
                                                          "delegate-delegation": delegation.pk})
    assert "韦小宝已登记为代表" in body
    status, body = page(office, f"/congresses/{pk}/", **{"delegate-member": member.employee_number})
    assert "韦小宝已是本次教代会代表" in body
    with in_schema(guilin):
        assert Delegate.objects.filter(congress=c.congress, member=member).count() == 1


def test_the_figures_page_shows_the_rates_and_the_workbook_downloads(office, congress_setting):
    c = congress_setting
    to_state(c, "replied")
    status, body = page(office, f"/congresses/{c.congress.pk}/figures/")
    assert "收到提案" in body and "立案率" in body and "100.0%" in body and "教务处" in body
    assert 'id="figures-data"' in body and "echarts-6.1.0.min.js" in body and "<script>" not in body
    download = office.get(f"/congresses/{c.congress.pk}/figures.xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download.content))["提案工作统计"]
    assert sheet["A1"].value == "届次" and sheet["B2"].value == 1


# --- proposals ----------------------------------------------------------------------------------

def test_the_office_reviews_assigns_and_the_handler_replies_and_the_proposer_rates(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "under_review")
    office, handler, proposer = (browser_for(guilin, x) for x in (c.office, c.handler, c.proposer))
    status, body = page(office, f"/proposals/{pk}/accept/", note="符合条件")
    assert "已立案" in body
    status, body = page(office, f"/proposals/{pk}/assign/", lead_department=c.jiaowu.pk,
                        co_departments=[c.renshi.pk], due_date="2099-12-31", note="请认真办理")
    assert "协办部门：人事处" in body and "2099年12月31日" in body and "已立案 → 已交办" in body
    assert "提交答复" not in body  # the office cannot reply for the department
    status, body = page(handler, f"/proposals/{pk}/")
    assert "提交答复" in body and "上传答复附件" in body
    status, body = page(handler, f"/proposals/{pk}/reply/", text="")
    assert "答复内容不能为空" in body
    status, body = page(handler, f"/proposals/{pk}/reply/", text="已安排经费。")
    assert "已安排经费" in body and "已答复" in body
    status, body = page(proposer, f"/proposals/{pk}/rate/", rating="basically", comment="希望尽快落实")
    assert "提案人意见：" in body and "希望尽快落实" in body and "基本满意" in body
    status, body = page(office, f"/proposals/{pk}/close/", note="")
    assert "已结案" in body
    assert "办理过程" in body and "已评价 → 已结案" in body


def test_a_refused_step_says_why_beside_its_field_and_keeps_what_was_typed(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "accepted")
    office = browser_for(guilin, c.office)
    status, body = page(office, f"/proposals/{pk}/assign/", lead_department=c.renshi.pk,
                        co_departments=[c.jiaowu.pk], due_date="2001-01-01", note="请抓紧")
    assert "办理期限不能早于今天" in body and 'value="2001-01-01"' in body and 'value="请抓紧"' in body
    # The departments chosen stay chosen, so a corrected date is not sent to the wrong department.
    assert f'<option value="{c.renshi.pk}" selected>' in body
    assert f'name="co_departments" value="{c.jiaowu.pk}" checked' in body
    with in_schema(guilin):
        assert Proposal.objects.get(pk=pk).status == "accepted"
    handler_pk = to_state(c, "assigned")
    status, body = page(browser_for(guilin, c.handler), f"/proposals/{handler_pk}/reply/", text="   ")
    assert '<p class="field-error">答复内容不能为空。</p>' in body


def test_closing_after_two_unsatisfied_rounds_needs_the_committee_note(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "replied")
    office, handler, proposer = (browser_for(guilin, x) for x in (c.office, c.handler, c.proposer))
    page(proposer, f"/proposals/{pk}/rate/", rating="unsatisfied", comment="没有解决")
    page(handler, f"/proposals/{pk}/reply/", text="第二次答复。")
    page(proposer, f"/proposals/{pk}/rate/", rating="unsatisfied", comment="仍未解决")
    status, body = page(office, f"/proposals/{pk}/")
    assert "提案人不满意，必填" in body
    status, body = page(office, f"/proposals/{pk}/close/", note="")
    assert "须填写提案委员会意见" in body
    with in_schema(guilin):
        assert Proposal.objects.get(pk=pk).status == "rated"
    status, body = page(office, f"/proposals/{pk}/close/", note="已尽力，下年度继续跟进")
    assert "已结案" in body and "已尽力" in body


def test_the_office_merges_similar_proposals_into_one(guilin, congress_setting):
    c = congress_setting
    target = to_state(c, "under_review", title="关于停车的提案")
    source = to_state(c, "seconded", title="关于车位的提案")
    office = browser_for(guilin, c.office)
    status, body = page(office, f"/proposals/{target}/")
    assert "关于车位的提案" in body and 'data-step="merge"' in body
    status, body = page(office, f"/proposals/{target}/merge/", note="内容相近")
    assert "请选择要并入的提案" in body and "初审中" in body
    status, body = page(office, f"/proposals/{target}/merge/", sources=[source], note="内容相近")
    assert "已并案：1 件" in body and "已立案" in body
    with in_schema(guilin):
        assert Proposal.objects.get(pk=source).merged_into_id == target
    # a member sees no merge offer
    status, body = page(browser_for(guilin, c.seconder1), f"/proposals/{target}/")
    assert 'data-step="merge"' not in body


def test_attachments_follow_the_service_rules_and_download_only_for_those_who_see(guilin, huzhou, congress_setting,
                                                                                   host_client):
    c = congress_setting
    pk = draft(c)
    proposer = browser_for(guilin, c.proposer)
    status, body = page(proposer, f"/proposals/{pk}/")
    assert "上传提案附件" in body
    bad = proposer.post(f"/proposals/{pk}/attachments/", {"file": SimpleUploadedFile("a.exe", b"MZ...")})
    assert "只能上传" in bad.content.decode()
    ok = proposer.post(f"/proposals/{pk}/attachments/",
                       {"file": SimpleUploadedFile("说明.txt", "停车数据".encode())}, follow=True)
    body = ok.content.decode()
    assert "附件已上传" in body and "说明.txt" in body
    with in_schema(guilin):
        attachment = Proposal.objects.get(pk=pk).attachments.get()
    url = f"/proposals/{pk}/attachments/{attachment.pk}/"
    download = proposer.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == "停车数据".encode()
    assert browser_for(guilin, c.member).get(url).status_code == 404   # a draft is the proposer's
    assert browser_for(huzhou, host_client(huzhou, [Role.UNION_ADMIN])).get(url).status_code == 404
    # others are offered no upload
    assert "上传提案附件" not in browser_for(guilin, c.seconder1).get(f"/proposals/{pk}/").content.decode()


def test_the_proposer_edits_a_draft_and_nobody_else_can(guilin, huzhou, congress_setting, host_client):
    c = congress_setting
    pk = draft(c, title="关于食堂的提案")
    proposer = browser_for(guilin, c.proposer)
    assert "修改草稿" in page(proposer, f"/proposals/{pk}/")[1]
    status, body = page(proposer, f"/proposals/{pk}/edit/", title="", reasons="新的理由", measures="措施")
    assert "案由不能为空" in body and "新的理由" in body
    status, body = page(proposer, f"/proposals/{pk}/edit/", title="关于食堂菜价的提案", reasons="新的理由",
                        measures="措施")
    assert "草稿已保存" in body and "关于食堂菜价的提案" in body
    assert browser_for(guilin, c.office).get(f"/proposals/{pk}/edit/").status_code == 404
    assert browser_for(huzhou, host_client(huzhou, [Role.UNION_ADMIN])).get(f"/proposals/{pk}/edit/").status_code == 404
    proposer.post(f"/proposals/{pk}/submit/")
    assert proposer.get(f"/proposals/{pk}/edit/").status_code == 404  # submitted: no longer a draft


def test_the_office_lists_only_overdue_proposals_from_the_workbench_link(guilin, congress_setting):
    c = congress_setting
    late = to_state(c, "assigned", title="关于逾期未复的提案")
    to_state(c, "assigned", title="关于按期办理的提案")
    with in_schema(guilin):
        from tenants.congress.services import flag_overdue_proposals

        Proposal.objects.filter(pk=late).update(due_date="2000-01-01")
        flag_overdue_proposals()
    office = browser_for(guilin, c.office)
    assert 'href="/proposals/?overdue=1"' in page(office, "/")[1]
    body = page(office, "/proposals/?overdue=1")[1]
    assert "关于逾期未复的提案" in body and "关于按期办理的提案" not in body


def test_steps_are_offered_only_to_who_can_take_them(guilin, congress_setting):
    c = congress_setting
    pk = to_state(c, "submitted")
    seconder = page(browser_for(guilin, c.seconder1), f"/proposals/{pk}/")[1]
    proposer = page(browser_for(guilin, c.proposer), f"/proposals/{pk}/")[1]
    assert 'data-step="second"' in seconder and 'data-step="second"' not in proposer
    assert 'data-step="start_review"' not in seconder


# --- 意见建议 -----------------------------------------------------------------------------------

def test_the_office_acknowledges_forwards_and_the_department_answers_and_the_submitter_reads(
        guilin, huzhou, congress_setting, host_client):
    c = congress_setting
    member = browser_for(guilin, c.member)
    member.post("/suggestions/", {"title": "建议增加班车", "content": "东区到西区没有班车。"})
    with in_schema(guilin):
        pk = Suggestion.objects.get(title="建议增加班车").pk
    office, handler = browser_for(guilin, c.office), browser_for(guilin, c.handler)
    assert browser_for(guilin, c.seconder1).get(f"/suggestions/{pk}/").status_code == 404
    assert browser_for(huzhou, host_client(huzhou, [Role.UNION_ADMIN])).get(f"/suggestions/{pk}/").status_code == 404
    assert 'data-step="acknowledge"' not in page(member, f"/suggestions/{pk}/")[1]
    assert "您没有权限执行“受理”操作" in page(member, f"/suggestions/{pk}/", step="acknowledge")[1]
    status, body = page(office, f"/suggestions/{pk}/", step="acknowledge")
    assert "已受理" in body
    status, body = page(office, f"/suggestions/{pk}/", step="forward", department="")
    assert "请选择转交的部门" in body
    status, body = page(office, f"/suggestions/{pk}/", step="forward", department=c.jiaowu.pk)
    assert "已转交部门" in body and "教务处" in body
    status, body = page(handler, f"/suggestions/{pk}/", step="answer", answer=" ")
    assert '<p class="field-error">答复内容不能为空。</p>' in body
    status, body = page(handler, f"/suggestions/{pk}/", step="answer", answer="下学期开通班车。")
    assert "答复已发送" in body
    status, body = page(member, f"/suggestions/{pk}/")
    assert "下学期开通班车" in body and "已答复" in body


# --- member portal ------------------------------------------------------------------------------

def test_my_page_shows_the_masked_card_the_delegateship_and_my_proposals(guilin, congress_setting, host_client):
    c = congress_setting
    pk = draft(c, title="关于食堂的提案")
    status, body = page(browser_for(guilin, c.proposer), "/me/")
    assert status == 200 and "会员证" in body and "138****5678" in body and "13812345678" not in body
    assert "教代会代表" in body and "六届四次" in body and "关于食堂的提案" in body
    status, body = page(browser_for(guilin, c.seconder1), "/me/")
    assert "关于食堂的提案" not in body  # a draft is not open for seconding
    status, body = page(browser_for(guilin, host_client(guilin, [Role.MEMBER])), "/me/")
    assert status == 200 and "教代会代表" not in body and "还没有关联会员档案" in body


def test_more_lists_every_entry_of_this_person(guilin, congress_setting):
    office = browser_for(guilin, congress_setting.office)
    body = office.get("/more/").content.decode()
    assert "教代会" in body and "会员" in body and "通知" in body
    member = browser_for(guilin, congress_setting.member).get("/more/").content.decode()
    assert "/congresses/" not in member


def test_the_portal_pages_need_a_login_and_a_school_host(guilin):
    from django.test import Client

    for url in ("/me/", "/more/", "/congresses/", "/suggestions/1/"):
        assert Client(HTTP_HOST="guilin.localhost").get(url)["Location"].startswith("/login/?next=")
        if url != "/more/":  # the provincial site has a 更多 of its own
            assert Client(HTTP_HOST="localhost").get(url).status_code == 404


def test_a_double_click_on_the_new_proposal_form_saves_one_draft(guilin, congress_setting):
    c = congress_setting
    proposer = browser_for(guilin, c.proposer)
    form = proposer.get("/proposals/new/").content.decode()
    token = form.split('name="submission" value="')[1].split('"')[0]
    data = {"submission": token, "congress": c.congress.pk, "title": "关于增设自行车棚的提案",
            "reasons": "车棚不足", "measures": "增设两处"}
    first = proposer.post("/proposals/new/", data)
    again = proposer.post("/proposals/new/", data, follow=True)
    assert first.status_code == 302 and "已经提交过" in again.content.decode()
    with in_schema(guilin):
        assert Proposal.objects.filter(title="关于增设自行车棚的提案").count() == 1


def test_a_form_the_service_refused_can_be_sent_again_once_corrected(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import ValidationError

    from web.base import call_service
    from web.forms import SuggestionForm

    request = rf.post("/", {"submission": "same-token"})
    request.session = {}
    request._messages = FallbackStorage(request)
    form = SuggestionForm({"title": "x", "content": "y"})
    assert form.is_valid()
    calls = []

    def refuse():
        calls.append("refused")
        raise ValidationError({"title": "标题太短。"})

    assert not call_service(request, refuse, form=form)
    assert "标题太短。" in form.errors["title"]
    assert call_service(request, lambda: calls.append("saved") or "ok", form=form).value == "ok"
    assert not call_service(request, lambda: calls.append("saved twice"), form=form)  # the same post again
    assert calls == ["refused", "saved"]


# --- 二级教代会, committees, the 提案工作委员会's review, 转报 (issue #12) ----------------------------

def test_a_branch_chair_runs_their_branch_congress_on_the_pages_and_no_other(guilin, branches):
    from tenants.congress import services as s
    from tenants.congress.models import Congress as C

    b = branches
    chair_a, chair_b = browser_for(guilin, b.chair_a), browser_for(guilin, b.chair_b)
    status, body = page(chair_a, "/congresses/")
    assert status == 200 and "二级教代会" in body and "文学院" in body and "六届四次" not in body
    status, body = page(chair_b, "/congresses/")
    assert "文学院" not in body
    detail = f"/congresses/{b.branch_congress.pk}/"
    status, body = page(chair_a, detail)
    assert status == 200 and "文学院二级教代会" in body
    for url in (detail, f"{detail}edit/", f"{detail}figures/"):
        assert chair_b.get(url).status_code == 404, url
    # 理学院's member is no delegate of 文学院's congress: the 工号 is looked up within 文学院 only, so
    # the reason beside the field names nobody (a chair cannot turn another branch's 工号 into a name).
    number = b.b1.member.employee_number
    status, body = page(chair_a, detail, **{"delegate-member": number})
    assert f"本分工会没有工号为“{number}”的会员。" in body and "理甲" not in body
    with in_schema(guilin):
        committee = s.committee_create(by=None, congress=b.branch_congress, name="文学院提案工作委员会",
                                       kind="proposal")
    status, body = page(chair_a, detail, **{"seat-committee": str(committee.pk), "seat-member": number,
                                            "seat-role": "member"})
    assert f"本分工会没有工号为“{number}”的会员。" in body and "理甲" not in body
    with in_schema(guilin):
        assert not Delegate.objects.filter(congress=b.branch_congress, member=b.b1.member).exists()
        assert not committee.memberships.exists()
    # A 工号 of its own branch still finds the member.
    status, body = page(chair_a, detail, **{"seat-committee": str(committee.pk),
                                            "seat-member": b.a2.member.employee_number, "seat-role": "member"})
    assert "文乙已加入文学院提案工作委员会" in body
    # A new 二级教代会: only the branches this chair chairs are offered.
    status, body = page(chair_a, "/congresses/new/")
    assert "文学院" in body and "理学院" not in body and "全校（学校教代会）" not in body
    status, body = page(chair_a, "/congresses/new/", branch=str(b.wenxue.pk), term="2", session="3",
                        seconder_minimum="1")
    assert "教代会已建立" in body
    with in_schema(guilin):
        assert C.objects.get(branch=b.wenxue, term=2, session=3)


def test_committees_on_the_congress_page(guilin, branches):
    from tenants.congress.models import CommitteeMembership

    b = branches
    office = browser_for(guilin, b.c.office)
    url = f"/congresses/{b.school.pk}/"
    status, body = page(office, url, **{"committee-name": "提案工作委员会", "committee-kind": "proposal"})
    assert "委员会已设立" in body and "提案工作委员会" in body
    status, body = page(office, url, **{"committee-name": "另一个", "committee-kind": "proposal"})
    assert "已有提案工作委员会" in body
    with in_schema(guilin):
        committee = b.school.committees.get(kind="proposal")
    # 文甲 is not a delegate of the school's congress: beside the field, nothing written.
    status, body = page(office, url, **{"seat-committee": str(committee.pk), "seat-member": b.a1.member.employee_number,
                                        "seat-role": "member"})
    assert "委员会成员须是本次教代会的代表" in body
    with in_schema(guilin):
        assert not CommitteeMembership.objects.exists()
    status, body = page(office, url, **{"seat-committee": str(committee.pk), "seat-member": b.b1.member.employee_number,
                                        "seat-role": "chair"})
    assert "理甲已加入提案工作委员会" in body and "主任 · 理甲" in body
    with in_schema(guilin):
        membership = CommitteeMembership.objects.get()
    status, body = page(office, f"{url}committee-member-remove/", membership=str(membership.pk))
    assert "理甲已移出提案工作委员会" in body
    with in_schema(guilin):
        assert not CommitteeMembership.objects.exists()


def test_a_committee_member_reviews_on_the_proposal_page(guilin, committee):
    from tenants.congress.models import Proposal as P

    b, pk = committee.b, committee.pk
    member = browser_for(guilin, b.b1.client)
    status, body = page(member, "/")
    assert "待初审的提案" in body
    status, body = page(member, f"/proposals/{pk}/")
    assert status == 200 and "进入初审" in body
    status, body = page(member, f"/proposals/{pk}/start_review/", note="委员会初审")
    assert "已完成：初审" in body and "立案" in body
    status, body = page(member, f"/proposals/{pk}/accept/", note="符合立案条件")
    assert "已完成：立案" in body
    with in_schema(guilin):
        assert P.objects.get(pk=pk).status == "accepted"
    # A delegate off the committee is told why, and nothing moves.
    other = browser_for(guilin, b.c.seconder1)
    to_review = committee_proposal(b, "另一件提案")
    status, body = page(other, f"/proposals/{to_review}/")
    assert "进入初审" not in body
    status, body = page(other, f"/proposals/{to_review}/start_review/", note="")
    assert "提案工作委员会" in body
    with in_schema(guilin):
        assert P.objects.get(pk=to_review).status == "seconded"


def committee_proposal(b, title):
    from tests.congress.fixtures import post

    response = b.c.proposer.post("/api/v1/proposals/", {"congress": b.school.pk, "title": title,
                                                        "reasons": "理由。", "measures": "措施。"}, format="json")
    pk = response.json()["id"]
    for client, step in ((b.c.proposer, "submit"), (b.c.seconder1, "second"), (b.c.seconder2, "second")):
        assert post(client, pk, step).status_code == 200
    return pk


def test_a_branch_chair_forwards_on_the_proposal_page_and_outsiders_find_nothing(guilin, branches):
    from tests.congress.fixtures import branch_proposal

    b = branches
    pk = branch_proposal(b, title="文学院转报的提案", state="accepted")
    # Its delegates see it in the list of their congress; another branch's member does not find it.
    status, body = page(browser_for(guilin, b.a2.client), f"/proposals/?congress={b.branch_congress.pk}")
    assert "文学院转报的提案" in body
    outsider = browser_for(guilin, b.b1.client)
    assert outsider.get(f"/proposals/{pk}/").status_code == 404
    assert "文学院转报的提案" not in page(outsider, "/proposals/")[1]
    chair = browser_for(guilin, b.chair_a)
    status, body = page(chair, f"/proposals/{pk}/")
    assert "转报学校教代会" in body
    status, body = page(chair, f"/proposals/{pk}/forward/", congress=str(b.school.pk), reason="")
    assert "必须填写原因" in body
    status, body = page(chair, f"/proposals/{pk}/forward/", congress=str(b.school.pk), reason="涉及全校")
    assert "已完成：转报学校教代会" in body and "已转报为学校教代会提案" in body
    with in_schema(guilin):
        assert Proposal.objects.filter(forwarded_from_id=pk, congress=b.school).count() == 1
    assert browser_for(guilin, b.chair_b).get(f"/proposals/{pk}/").status_code == 404


def test_a_forwarded_proposal_page_offers_no_seconding_and_shows_the_original_attachments(guilin, branches):
    from tests.congress.fixtures import branch_proposal, post

    b = branches
    pk = branch_proposal(b, title="文学院附带调研的提案")
    upload = b.a1.client.post(f"/api/v1/proposals/{pk}/attachments/",
                              {"file": SimpleUploadedFile("调研.txt", "原提案附件".encode()), "kind": "proposal"},
                              format="multipart")
    attachment = upload.json()["id"]
    assert post(b.chair_a, pk, "start-review").status_code == 200
    school = post(b.chair_a, pk, "forward", {"congress": b.school.pk, "reason": "涉及全校"}).json()["id"]
    delegate = browser_for(guilin, b.c.seconder1)
    status, body = page(delegate, f"/proposals/{school}/")
    assert status == 200 and 'data-step="second"' not in body and "转报的提案无需附议" in body
    assert "调研.txt" in body and f"/proposals/{school}/attachments/{attachment}/" in body
    download = delegate.get(f"/proposals/{school}/attachments/{attachment}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == "原提案附件".encode()
    assert delegate.get(f"/proposals/{pk}/attachments/{attachment}/").status_code == 404
    # Sent anyway: refused beside the step, nothing moves.
    status, body = page(delegate, f"/proposals/{school}/second/", note="")
    assert "<p>转报的提案无需附议。</p>" in body
    with in_schema(guilin):
        assert Proposal.objects.get(pk=school).status == "seconded"
