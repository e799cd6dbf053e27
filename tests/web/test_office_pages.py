"""The union office's pages: members, roster, 入会申请, organisation, 操作日志 and notifications.

Each page is opened by the person it is for, refused in Chinese to the one it is not for, and
answers 404 on another school's host for a record of this one. Bad input is answered beside the
field with what was typed kept, and nothing is written; a second click writes nothing twice.
"""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tenants.accounts.models import Notification, User
from tenants.accounts.roles import Role
from tenants.accounts.services import notify
from tenants.audit.models import AuditRecord
from tenants.members.models import Branch, Department, Group, Member, MembershipApplication
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member, valid_id_number, workbook
from tests.web.test_school_pages import browser_for



def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def office(guilin, host_client):
    a_branch(guilin, "文学院")
    return browser_for(guilin, host_client(guilin, [Role.UNION_ADMIN], full_name="工会办公室"))


@pytest.fixture
def chair(guilin, host_client):
    """The chair of 文学院, with a browser."""
    api = host_client(guilin, [Role.BRANCH_CHAIR], full_name="文学院主席")
    with in_schema(guilin):
        branch = a_branch(guilin, "文学院")
        branch.chair = api.user
        branch.save()
    client = browser_for(guilin, api)
    client.user = api.user
    return client


@pytest.fixture
def outsider(huzhou, host_client):
    """huzhou's union office, signed in on huzhou's own host."""
    return browser_for(huzhou, host_client(huzhou, [Role.UNION_ADMIN]))


def members_count(school, **filters):
    with in_schema(school):
        return Member.objects.filter(**filters).count()


# --- member detail, reveal, status --------------------------------------------------------------

def test_the_office_sees_a_member_with_masked_phone_and_id_number(guilin, office):
    member = a_member(guilin, name="王芳", phone="13812345678", id_number=valid_id_number())
    html = page(office.get(f"/members/{member.pk}/"))
    assert "王芳" in html and "文学院" in html and "138****5678" in html and "13812345678" not in html
    assert member.id_number_masked in html and valid_id_number() not in html
    assert "查看完整号码" in html and "退休" in html and "入会以来没有状态变更" in html


def test_the_full_id_number_is_shown_once_to_the_office_uncached_and_logged(guilin, office, chair):
    member = a_member(guilin, id_number=valid_id_number())
    shown = office.post(f"/members/{member.pk}/id-number/")
    assert shown.status_code == 200 and valid_id_number() in page(shown)
    assert "no-store" in shown["Cache-Control"]
    with in_schema(guilin):
        assert AuditRecord.objects.filter(action="read", target_id=str(member.pk)).count() == 1
    assert valid_id_number() not in page(office.get(f"/members/{member.pk}/"))

    refused = chair.post(f"/members/{member.pk}/id-number/", follow=True)
    assert "只有校工会管理员可以查看完整身份证号" in page(refused) and valid_id_number() not in page(refused)
    assert "查看完整号码" not in page(chair.get(f"/members/{member.pk}/"))
    with in_schema(guilin):
        assert AuditRecord.objects.filter(action="read", target_id=str(member.pk)).count() == 1


def test_who_may_open_a_member(guilin, huzhou, office, chair, outsider, host_client):
    own_branch = a_member(guilin, name="本院会员")
    other_branch = a_member(guilin, branch=a_branch(guilin, "理学院"), name="理学院会员")
    assert chair.get(f"/members/{own_branch.pk}/").status_code == 200
    assert chair.get(f"/members/{other_branch.pk}/").status_code == 404
    assert "本院会员" in page(chair.get("/members/")) and "理学院会员" not in page(chair.get("/members/"))
    plain = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    missing = plain.get(f"/members/{own_branch.pk}/")
    assert missing.status_code == 404 and "页面不存在" in page(missing)
    assert outsider.get(f"/members/{own_branch.pk}/").status_code == 404
    assert Client(HTTP_HOST=f"{guilin.slug}.localhost").get(f"/members/{own_branch.pk}/").status_code == 302


def test_retiring_a_member_records_the_date_and_a_second_click_changes_nothing(guilin, office):
    member = a_member(guilin, name="李老师")
    done = office.post(f"/members/{member.pk}/status/retire/", {"effective_on": "2026-03-05"}, follow=True)
    html = page(done)
    assert "已办理退休" in html and "2026年3月5日" in html and "在会 → 退休" in html
    again = page(office.post(f"/members/{member.pk}/status/retire/", {"effective_on": "2026-03-06"}, follow=True))
    assert "当前状态为“退休”" in again and "其他人已先处理了这条记录" in again
    with in_schema(guilin):
        assert member.status_changes.count() == 1 and Member.objects.get(pk=member.pk).status == "retired"


def test_leaving_needs_a_reason_and_a_bad_date_is_explained(guilin, office, chair):
    member = a_member(guilin)
    no_reason = page(office.post(f"/members/{member.pk}/status/leave/", {"reason": ""}, follow=True))
    assert "必须填写原因" in no_reason
    bad_date = page(office.post(f"/members/{member.pk}/status/transfer_out/", {"effective_on": "明天"},
                                follow=True))
    assert "生效日期：请填写有效的日期" in bad_date
    control = page(office.post(f"/members/{member.pk}/status/leave/", {"reason": "调\x08离"}, follow=True))
    assert "原因：" in control and "控制字符" in control
    ancient = page(office.post(f"/members/{member.pk}/status/retire/", {"effective_on": "1850-01-01"}, follow=True))
    assert "日期应在 1900 年至 2100 年之间" in ancient
    by_chair = page(chair.post(f"/members/{member.pk}/status/retire/", follow=True))
    assert "您没有权限执行“退休”操作" in by_chair
    assert office.post(f"/members/{member.pk}/status/explode/").status_code == 404
    assert members_count(guilin, pk=member.pk, status="active") == 1


# --- add and edit ------------------------------------------------------------------------------

def test_adding_a_member_answers_beside_the_fields_and_keeps_what_was_typed(guilin, office):
    with in_schema(guilin):
        branch = Branch.objects.get(name="文学院")
    before = members_count(guilin)
    bad = office.post("/members/new/", {"name": "赵六", "gender": "", "employee_number": "N0001",
                                        "branch": branch.pk, "employment_type": "staff", "join_date": "2020-09-01",
                                        "id_number": "450305198503121230"})
    html = page(bad)
    assert bad.status_code == 200 and "性别只能是：男、女。" in html and 'value="赵六"' in html
    assert "身份证号" in html and "校验" in html
    assert members_count(guilin) == before

    good = {"name": "赵六", "gender": "male", "employee_number": "N0001", "branch": branch.pk,
            "employment_type": "contract", "join_date": "2020-09-01", "phone": "13900001111"}
    created = office.post("/members/new/", good)
    assert created.status_code == 302
    twice = page(office.post("/members/new/", good))
    assert "工号“N0001”已被其他会员使用" in twice
    assert "其他人已先处理" not in twice  # a taken 工号 is not someone else acting first
    assert members_count(guilin, employee_number="N0001") == 1
    assert "赵六" in page(office.get(created["Location"]))


def test_no_branch_chosen_is_answered_beside_the_branch(guilin, office):
    html = page(office.post("/members/new/", {"name": "无分工会", "branch": ""}))
    assert "请选择分工会。" in html and "性别只能是：男、女。" in html and "工号不能为空。" in html
    assert members_count(guilin, name="无分工会") == 0


def test_editing_keeps_the_stored_id_number_when_left_empty(guilin, office, chair):
    member = a_member(guilin, name="钱七", id_number=valid_id_number())
    form = page(office.get(f"/members/{member.pk}/edit/"))
    assert 'value="钱七"' in form and valid_id_number() not in form
    saved = office.post(f"/members/{member.pk}/edit/", {
        "name": "钱七七", "gender": "female", "employee_number": member.employee_number, "branch": member.branch_id,
        "employment_type": "staff", "join_date": "2020-09-01", "phone": "13812345678", "id_number": ""})
    assert saved.status_code == 302
    with in_schema(guilin):
        after = Member.objects.get(pk=member.pk)
    assert after.name == "钱七七" and after.id_number_masked == member.id_number_masked
    assert chair.get(f"/members/{member.pk}/edit/").status_code == 403
    assert "没有权限" in page(chair.get("/members/new/"))


# --- roster ---------------------------------------------------------------------------------------

def test_a_roster_with_a_mistake_imports_nothing_and_lists_row_column_and_reason(guilin, office):
    before = members_count(guilin)
    rows = [["甲", "男", "R0001", "文学院", "", "在编", "2020-09-01", "", ""],
            ["乙", "女", "R0002", "不存在学院", "", "在编", "2020-09-01", "", ""]]
    rejected = page(office.post("/members/import/", {"file": workbook(rows)}))
    assert "有 1 处错误，未导入任何一行" in rejected
    assert "第 3 行" in rejected and "分工会" in rejected and "分工会“不存在学院”不存在。" in rejected
    assert members_count(guilin) == before

    rows[1][3] = "文学院"
    accepted = page(office.post("/members/import/", {"file": workbook(rows)}, follow=True))
    assert "已导入 2 名会员" in accepted and members_count(guilin) == before + 2


def test_no_file_and_not_a_spreadsheet_are_explained(guilin, office):
    assert "请选择要导入的 .xlsx 文件" in page(office.post("/members/import/", {}))
    junk = io.BytesIO(b"not a workbook")
    junk.name = "名册.xlsx"
    assert "文件不是有效的 .xlsx 表格" in page(office.post("/members/import/", {"file": junk}))


def test_template_and_export_honour_the_list_filters(guilin, office, chair):
    template = office.get("/members/import/template/")
    assert template.status_code == 200 and "attachment" in template["Content-Disposition"]
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value == "*姓名"

    a_member(guilin, name="文学院甲", phone="13812345678")
    a_member(guilin, branch=a_branch(guilin, "理学院"), name="理学院乙")
    with in_schema(guilin):
        science = Branch.objects.get(name="理学院")
    listing = page(office.get("/members/", {"branch": science.pk}))
    assert f"/members/export/?branch={science.pk}" in listing
    exported = office.get("/members/export/", {"branch": science.pk})
    names = [row[0] for row in load_workbook(io.BytesIO(exported.content)).active.iter_rows(min_row=2,
                                                                                          values_only=True)]
    assert names == ["理学院乙"]
    for url in ("/members/import/", "/members/import/template/", "/members/export/"):
        assert chair.get(url).status_code == 403


# --- 入会申请 -------------------------------------------------------------------------------------

def applicant_form(branch, **extra):
    return {"name": "新教师", "gender": "female", "employee_number": "A0001", "branch": branch.pk,
            "employment_type": "contract", "phone": "13700001111", "id_number": "", "statement": "申请入会"} | extra


def test_an_application_goes_from_the_applicant_through_the_chair_to_the_office(guilin, office, chair, host_client):
    with in_schema(guilin):
        branch = Branch.objects.get(name="文学院")
    applicant = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    bad = page(applicant.post("/applications/new/", applicant_form(branch, gender="", name="")))
    assert "姓名不能为空。" in bad and "性别只能是：男、女。" in bad and 'value="A0001"' in bad
    sent = applicant.post("/applications/new/", applicant_form(branch))
    assert sent.status_code == 302
    detail = sent["Location"]
    twice = page(applicant.post("/applications/new/", applicant_form(branch)))
    assert "该工号已有待处理的入会申请" in twice
    with in_schema(guilin):
        assert MembershipApplication.objects.filter(employee_number="A0001").count() == 1

    assert "确认（提交校工会审批）" not in page(applicant.get(detail))
    assert "新教师" in page(chair.get("/applications/?status=submitted"))
    assert "已确认，等待校工会审批" in page(chair.post(detail + "confirm/", follow=True))
    assert "批准入会" not in page(chair.get(detail))

    approved = page(office.post(detail + "approve/", {"join_date": "2026-03-01"}, follow=True))
    assert "已批准入会" in approved and "会员档案" in approved
    again = page(office.post(detail + "approve/", follow=True))
    assert "其他人已先处理了这条记录" in again
    assert members_count(guilin, employee_number="A0001") == 1


def test_rejecting_needs_a_reason_and_strangers_see_no_application(guilin, office, huzhou, outsider, host_client):
    with in_schema(guilin):
        application = MembershipApplication.objects.create(
            name="待审", gender="male", employee_number="A0100", branch=Branch.objects.get(name="文学院"),
            employment_type="staff", status="branch_confirmed")
    url = f"/applications/{application.pk}/"
    assert "必须填写原因" in page(office.post(url + "reject/", {"reason": ""}, follow=True))
    assert "已不予批准" in page(office.post(url + "reject/", {"reason": "非本校教职工"}, follow=True))
    someone = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    assert someone.get(url).status_code == 404
    assert outsider.get(url).status_code == 404
    assert office.post(url + "explode/").status_code == 404


def test_a_chair_submits_only_for_their_own_branch(guilin, chair):
    science = a_branch(guilin, "理学院")
    form = page(chair.get("/applications/new/"))
    assert "文学院" in form and "理学院" not in form
    refused = page(chair.post("/applications/new/", applicant_form(science, employee_number="A0300")))
    assert "请选择分工会。" in refused
    with in_schema(guilin):
        assert not MembershipApplication.objects.filter(employee_number="A0300").exists()


def test_the_workbench_links_applications_to_their_pages(guilin, office, chair):
    with in_schema(guilin):
        branch = Branch.objects.get(name="文学院")
        waiting = MembershipApplication.objects.create(name="待确认", gender="male", employee_number="A0200",
                                                       branch=branch, employment_type="staff")
    assert f"/applications/{waiting.pk}/" in page(chair.get("/"))
    assert "/applications/?status=submitted" in page(chair.get("/"))
    assert "/applications/?status=branch_confirmed" in page(office.get("/"))


# --- organisation -------------------------------------------------------------------------------

def test_the_office_creates_and_edits_branches_with_a_chair(guilin, office, host_client):
    future_chair = host_client(guilin, [Role.MEMBER], full_name="未来主席").user
    empty = page(office.post("/org/branches/new/", {"name": " ", "sort_order": "1"}))
    assert "分工会名称不能为空。" in empty
    duplicate = page(office.post("/org/branches/new/", {"name": "文学院", "sort_order": "abc"}))
    assert "排序须为整数。" in duplicate
    duplicate = page(office.post("/org/branches/new/", {"name": "文学院"}))
    assert "分工会“文学院”已存在。" in duplicate and 'value="文学院"' in duplicate
    created = office.post("/org/branches/new/", {"name": "外国语学院", "chair": future_chair.pk, "sort_order": "3"})
    assert created.status_code == 302
    with in_schema(guilin):
        branch = Branch.objects.get(name="外国语学院")
        assert Role.BRANCH_CHAIR in User.objects.get(pk=future_chair.pk).roles
    edited = office.post(f"/org/branches/{branch.pk}/", {"name": "外国语学院（新）", "chair": "", "sort_order": "3",
                                                         "is_active": "on"})
    assert edited.status_code == 302 and "外国语学院（新）" in page(office.get("/org/branches/"))
    assert office.get("/org/branches/999999/").status_code == 404


def test_groups_and_departments_with_handlers(guilin, office, host_client):
    handler = host_client(guilin, [Role.MEMBER], full_name="后勤经办人").user
    with in_schema(guilin):
        branch = Branch.objects.get(name="文学院")
    assert "请选择分工会。" in page(office.post("/org/groups/new/", {"name": "一组"}))
    assert office.post("/org/groups/new/", {"branch": branch.pk, "name": "一组"}).status_code == 302
    assert "已有小组“一组”" in page(office.post("/org/groups/new/", {"branch": branch.pk, "name": "一组"}))
    with in_schema(guilin):
        group = Group.objects.get(branch=branch, name="一组")
    assert office.post(f"/org/groups/{group.pk}/", {"name": "第一组"}).status_code == 302

    assert "部门名称不能为空。" in page(office.post("/org/departments/new/", {"name": ""}))
    assert office.post("/org/departments/new/", {"name": "后勤处", "handlers": [handler.pk]}).status_code == 302
    with in_schema(guilin):
        department = Department.objects.get(name="后勤处")
        assert list(department.handlers.all()) == [User.objects.get(pk=handler.pk)]
        assert Role.DEPARTMENT_HANDLER in User.objects.get(pk=handler.pk).roles
    assert "后勤经办人" in page(office.get("/org/departments/"))
    off = office.post(f"/org/departments/{department.pk}/", {"name": "后勤处", "handlers": [handler.pk]})
    assert off.status_code == 302 and "停用" in page(office.get("/org/departments/"))
    assert "请选择本校的账号" in page(office.post("/org/departments/new/", {"name": "X", "handlers": ["999999"]}))


def test_everyone_reads_the_organisation_only_the_office_changes_it(guilin, outsider, host_client):
    branch = a_branch(guilin, "文学院")
    plain = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    for url in ("/org/branches/", "/org/groups/", "/org/departments/"):
        html = page(plain.get(url))
        assert "组织机构" in html and "新建" not in html
    assert "文学院" in page(plain.get("/org/branches/"))
    assert plain.get("/org/")["Location"] == "/org/branches/"
    assert 'href="/org/" aria-current="page"' in page(plain.get("/org/departments/"))
    for url in ("/org/branches/new/", f"/org/branches/{branch.pk}/", "/org/groups/new/", "/org/departments/new/"):
        assert plain.get(url).status_code == 403
    assert plain.post("/org/branches/new/", {"name": "偷建"}).status_code == 403
    with in_schema(guilin):
        assert not Branch.objects.filter(name="偷建").exists()
    assert outsider.get(f"/org/branches/{branch.pk}/").status_code == 404


# --- 操作日志 -------------------------------------------------------------------------------------

def test_the_operation_log_filters_by_action_type_and_search(guilin, office, host_client):
    member = a_member(guilin, name="日志会员")
    office.post(f"/members/{member.pk}/status/retire/", {"effective_on": "2026-03-05"})
    html = page(office.get("/operation-log/", {"action": "transition", "q": "日志会员"}))
    assert "日志会员" in html and "状态变更" in html and "在会 → 退休" in html and "审计" not in html
    assert "日志会员" not in page(office.get("/operation-log/", {"action": "read"}))
    by_type = page(office.get("/operation-log/", {"target_type": "members.branch"}))
    assert "文学院" in by_type and "日志会员" not in by_type
    plain = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    assert plain.get("/operation-log/").status_code == 403


# --- notifications -------------------------------------------------------------------------------

def test_notifications_unread_first_open_the_page_not_the_api(guilin, office, host_client):
    someone = host_client(guilin, [Role.MEMBER])
    with in_schema(guilin):
        notify(users=[office_user(guilin)], message="旧消息", link="/api/v1/proposals/7/")
        notify(users=[office_user(guilin)], message="新消息", link="/proposals/8/")
        notify(users=[someone.user], message="别人的消息")
        old = Notification.objects.get(message="旧消息")
        Notification.objects.filter(message="新消息").update(read_at=old.created)
        others = Notification.objects.get(message="别人的消息")
    html = page(office.get("/notifications/"))
    assert html.index("旧消息") < html.index("新消息") and "别人的消息" not in html and "/api/" not in html

    opened = office.post(f"/notifications/{old.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/proposals/7/"
    assert office.post(f"/notifications/{others.pk}/read/", {"open": "1"}).status_code == 404
    with in_schema(guilin):
        assert Notification.objects.get(pk=others.pk).read_at is None
        notify(users=[office_user(guilin)], message="再一条")
    assert "已全部标为已读" in page(office.post("/notifications/read/", follow=True))
    with in_schema(guilin):
        assert not Notification.objects.filter(user=office_user(guilin), read_at__isnull=True).exists()


def office_user(guilin):
    return User.objects.get(full_name="工会办公室")


def test_the_api_still_gives_notification_links_as_api_addresses(guilin, host_client):
    reader = host_client(guilin, [Role.MEMBER])
    with in_schema(guilin):
        notify(users=[reader.user], message="交办", link="/proposals/12/")
    row = reader.get("/api/v1/notifications/").json()["results"][0]
    assert row["link"] == "/api/v1/proposals/12/" and row["page"] == "/proposals/12/"


# --- every page: who gets in ---------------------------------------------------------------------

def test_every_office_page_answers_the_office_refuses_others_and_hides_records_from_other_schools(
        guilin, office, outsider, host_client):
    member = a_member(guilin)
    with in_schema(guilin):
        branch = Branch.objects.get(name="文学院")
        group = Group.objects.create(branch=branch, name="矩阵组")
        department = Department.objects.create(name="矩阵处")
        application = MembershipApplication.objects.create(name="矩阵", gender="male", employee_number="M0001",
                                                           branch=branch, employment_type="staff")
    plain = browser_for(guilin, host_client(guilin, [Role.MEMBER]))
    # url: (the office, a plain member of guilin, huzhou's office on huzhou's host)
    expected = {
        "/members/new/": (200, 403, 200),
        "/members/import/": (200, 403, 200),
        "/members/import/template/": (200, 403, 200),
        "/members/export/": (200, 403, 200),
        f"/members/{member.pk}/": (200, 404, 404),
        f"/members/{member.pk}/edit/": (200, 403, 404),
        "/applications/": (200, 200, 200),
        "/applications/new/": (200, 200, 200),
        f"/applications/{application.pk}/": (200, 404, 404),
        "/org/branches/": (200, 200, 200),
        "/org/groups/": (200, 200, 200),
        "/org/departments/": (200, 200, 200),
        "/org/branches/new/": (200, 403, 200),
        f"/org/branches/{branch.pk}/": (200, 403, 404),
        f"/org/groups/{group.pk}/": (200, 403, 404),
        f"/org/departments/{department.pk}/": (200, 403, 404),
        "/operation-log/": (200, 403, 200),
        "/notifications/": (200, 200, 200),
    }
    province = Client(HTTP_HOST="localhost")
    for url, statuses in expected.items():
        answers = tuple(client.get(url).status_code for client in (office, plain, outsider))
        assert answers == statuses, url
        if url != "/operation-log/":  # the province has its own 操作日志 (its own records)
            assert province.get(url).status_code == 404, url
    refused = plain.get("/operation-log/")
    assert "没有权限" in page(refused) and "教育工会云" in page(refused)
    for url in (f"/members/{member.pk}/id-number/", f"/members/{member.pk}/status/retire/",
                f"/applications/{application.pk}/approve/"):
        assert plain.post(url).status_code == 404, url
        assert outsider.post(url).status_code == 404, url
    assert members_count(guilin, pk=member.pk, status="active") == 1


def test_the_office_lists_do_not_query_once_per_row(guilin, office, host_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured)

    urls = ["/applications/", "/org/branches/", "/org/groups/", "/org/departments/", "/operation-log/",
            "/notifications/"]
    handler = host_client(guilin, [Role.MEMBER]).user

    def add(numbers):
        with in_schema(guilin):
            branch = Branch.objects.get(name="文学院")
            for n in numbers:
                MembershipApplication.objects.create(name=f"申请{n}", gender="male", employee_number=f"Q{n}",
                                                     branch=branch, employment_type="staff")
                Group.objects.create(branch=branch, name=f"组{n}")
                Department.objects.create(name=f"部门{n}").handlers.set([handler])
                Branch.objects.create(name=f"分会{n}", chair=handler)
                notify(users=[office_user(guilin)], message=f"消息{n}", link=f"/proposals/{n + 1}/")

    add([0])
    before = {url: queries(url) for url in urls}
    add(range(1, 6))
    a_member(guilin, name="多一条日志")
    assert {url: queries(url) for url in urls} == before


def test_the_office_pages_carry_no_inline_code_the_policy_would_block(guilin, office):
    from tests.config.test_deploy import inline_code

    member = a_member(guilin, id_number=valid_id_number())
    with in_schema(guilin):
        application = MembershipApplication.objects.create(name="策略", gender="male", employee_number="P0001",
                                                           branch=member.branch, employment_type="staff")
    for path in ("/members/", f"/members/{member.pk}/", "/members/new/", f"/members/{member.pk}/edit/",
                 "/members/import/", "/applications/", "/applications/new/", f"/applications/{application.pk}/",
                 "/org/branches/", "/org/groups/", "/org/departments/", "/org/branches/new/", "/operation-log/",
                 "/notifications/"):
        answer = office.get(path)
        code = inline_code(answer)
        assert answer.status_code == 200 and not code.style_attributes and not code.inline, path
    assert not inline_code(office.post(f"/members/{member.pk}/id-number/")).inline
