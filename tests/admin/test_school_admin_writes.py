"""Writes in a school's admin go through the services: their checks answer beside the field (never a
500), their rules (roles granted, ID numbers encrypted) apply, and each write is audited."""
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.members.models import Branch, Department, Group, Member
from tests.admin.helpers import admin_browser, errors_beside
from tests.conftest import in_schema, make_user
from tests.members.factories import a_branch, a_member, valid_id_number


def member_form(branch, **overrides):
    return {"name": "李四", "gender": "female", "employee_number": "A-9001", "branch": branch.pk, "group": "",
            "employment_type": "staff", "join_date": "2021-09-01", "phone": "13912345678", "id_number": ""
            } | overrides


def audit_of(school, obj, action):
    with in_schema(school):
        return list(AuditRecord.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk),
                                               action=action))


def test_a_bad_phone_on_the_member_form_is_shown_beside_the_field_and_nothing_is_saved(guilin):
    branch = a_branch(guilin)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-a")
    page = client.post("/admin/members/member/add/", member_form(branch, phone="12345"))
    assert page.status_code == 200
    assert "手机号" in errors_beside(page, "phone")
    with in_schema(guilin):
        assert not Member.objects.filter(employee_number="A-9001").exists()


def test_a_member_added_in_the_admin_has_its_id_number_encrypted_and_the_addition_audited(guilin):
    branch = a_branch(guilin)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-b")
    id_number = valid_id_number()
    page = client.post("/admin/members/member/add/", member_form(branch, id_number=id_number, name="张三丰"))
    assert page.status_code == 302, errors_beside(page, "id_number")
    with in_schema(guilin):
        member = Member.objects.get(employee_number="A-9001")
    assert member.name_initials == "zsf"
    assert member.id_number_masked.startswith("4503") and id_number not in member.id_number_encrypted
    [created] = audit_of(guilin, member, "create")
    assert created.actor_name.endswith("office-b") or "office-b" in created.actor_name


def test_an_id_number_with_a_wrong_check_digit_is_refused_beside_the_field(guilin):
    branch = a_branch(guilin)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-c")
    wrong = valid_id_number()[:-1] + ("0" if valid_id_number()[-1] != "0" else "1")
    page = client.post("/admin/members/member/add/", member_form(branch, id_number=wrong))
    assert page.status_code == 200 and "校验位" in errors_beside(page, "id_number")


def test_a_duplicate_employee_number_is_refused_beside_the_field(guilin):
    existing = a_member(guilin, employee_number="A-0001")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-d")
    page = client.post("/admin/members/member/add/", member_form(existing.branch, employee_number="A-0001"))
    assert page.status_code == 200 and "A-0001" in errors_beside(page, "employee_number")


def test_editing_a_member_records_the_changed_field_and_leaves_the_status_alone(guilin):
    member = a_member(guilin, phone="13812345678")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-e")
    form = member_form(member.branch, name=member.name, gender=member.gender,
                       employee_number=member.employee_number, phone="13700001111", status="left")
    page = client.post(f"/admin/members/member/{member.pk}/change/", form)
    assert page.status_code == 302
    with in_schema(guilin):
        member.refresh_from_db()
    assert member.phone == "13700001111" and member.status == Member.Status.ACTIVE
    [update] = audit_of(guilin, member, "update")
    assert "phone" in update.changes and "status" not in update.changes


def test_members_are_not_deleted_from_the_admin(guilin):
    member = a_member(guilin)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-f")
    assert client.get(f"/admin/members/member/{member.pk}/delete/").status_code == 403


def test_naming_a_branch_chair_in_the_admin_grants_the_role_through_the_service(guilin):
    chair = make_user(guilin, [Role.MEMBER], username="future-chair")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-g")
    page = client.post("/admin/members/branch/add/", {"name": "外国语学院", "chair": chair.pk, "sort_order": 3})
    assert page.status_code == 302
    with in_schema(guilin):
        branch = Branch.objects.get(name="外国语学院")
        chair.refresh_from_db()
    assert Role.BRANCH_CHAIR in chair.roles
    assert len(audit_of(guilin, branch, "create")) == 1
    role_grants = audit_of(guilin, chair, "update")
    assert [r.reason for r in role_grants] == ["授予角色"]


def test_a_duplicate_branch_name_is_refused_beside_the_field(guilin):
    a_branch(guilin, name="理学院")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-h")
    page = client.post("/admin/members/branch/add/", {"name": "理学院", "sort_order": 0})
    assert page.status_code == 200 and "已存在" in errors_beside(page, "name")


def test_renaming_a_group_goes_through_the_service(guilin):
    branch = a_branch(guilin)
    with in_schema(guilin):
        first, second = Group.objects.create(branch=branch, name="一组"), Group.objects.create(branch=branch, name="二组")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-i")
    page = client.post(f"/admin/members/group/{second.pk}/change/", {"name": "一组"})
    assert page.status_code == 200 and "一组" in errors_beside(page, "name")
    assert client.post(f"/admin/members/group/{second.pk}/change/", {"name": "三组"}).status_code == 302
    assert len(audit_of(guilin, second, "update")) == 1


def test_department_handlers_picked_in_the_admin_get_the_handler_role(guilin):
    handler = make_user(guilin, [Role.MEMBER], username="new-handler")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "office-j")
    page = client.post("/admin/members/department/add/", {"name": "后勤处", "handlers": [handler.pk]})
    assert page.status_code == 302
    with in_schema(guilin):
        department = Department.objects.get(name="后勤处")
        assert list(department.handlers.all()) == [User.objects.get(pk=handler.pk)]
        handler.refresh_from_db()
    assert Role.DEPARTMENT_HANDLER in handler.roles
    page = client.post(f"/admin/members/department/{department.pk}/change/",
                       {"name": "后勤保障处", "handlers": [handler.pk], "is_active": "on"})
    assert page.status_code == 302
    updates = audit_of(guilin, department, "update")
    # One record for the handlers named at creation, one for the rename; unchanged handlers add none.
    assert [r.changes for r in updates] == [{"name": ["后勤处", "后勤保障处"]},
                                           {"handlers": [[], [handler.pk]]}]
