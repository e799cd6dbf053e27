"""Accounts in the admin: made and changed through the account services, audited, never superuser."""
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tests.admin.helpers import admin_browser, errors_beside
from tests.conftest import in_schema, make_user


def user_records(school, user):
    with in_schema(school):
        return list(AuditRecord.objects.filter(target_type="accounts.user", target_id=str(user.pk)))


def change_form(user, **overrides):
    return {"full_name": user.full_name, "phone": user.phone, "email": user.email, "roles": user.roles,
            "is_active": "on"} | overrides


def test_an_account_added_in_the_admin_is_made_by_the_service_and_audited(guilin):
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-office")
    page = client.post("/admin/accounts/user/add/", {"username": "new-admin", "full_name": "王五", "phone": "",
                                                     "roles": [Role.UNION_ADMIN], "password1": "Quite-long-2026",
                                                     "password2": "Quite-long-2026"})
    assert page.status_code == 302
    with in_schema(guilin):
        user = User.objects.get(username="new-admin")
    assert user.is_staff and not user.is_superuser and user.check_password("Quite-long-2026")
    assert [r.action for r in user_records(guilin, user)] == ["create"]


def test_a_weak_password_or_a_taken_username_is_refused_beside_the_field(guilin):
    make_user(guilin, [Role.MEMBER], username="taken")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-office2")
    base = {"username": "fresh", "full_name": "", "phone": "", "roles": [Role.MEMBER]}
    weak = client.post("/admin/accounts/user/add/", base | {"password1": "123", "password2": "123"})
    assert weak.status_code == 200 and "密码" in errors_beside(weak, "password1")
    taken = client.post("/admin/accounts/user/add/",
                        base | {"username": "taken", "password1": "Quite-long-2026", "password2": "Quite-long-2026"})
    assert taken.status_code == 200 and "已存在" in errors_beside(taken, "username")


def test_the_account_form_offers_only_this_hosts_roles_and_no_superuser_flag(guilin):
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-office3")
    page = client.get("/admin/accounts/user/add/").content.decode()
    assert Role.BRANCH_CHAIR.value in page and Role.PROVINCE_ADMIN.value not in page
    member = make_user(guilin, [Role.MEMBER], username="plain")
    change = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert "is_superuser" not in change and 'name="is_staff"' not in change


def test_giving_and_taking_the_admin_role_in_the_admin_moves_the_staff_flag(guilin):
    member = make_user(guilin, [Role.MEMBER], username="promoted")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-office4")
    url = f"/admin/accounts/user/{member.pk}/change/"
    assert client.post(url, change_form(member, roles=[Role.MEMBER, Role.UNION_ADMIN])).status_code == 302
    with in_schema(guilin):
        member.refresh_from_db()
    assert member.is_staff and not member.is_superuser
    assert client.post(url, change_form(member, roles=[Role.MEMBER])).status_code == 302
    with in_schema(guilin):
        member.refresh_from_db()
    assert not member.is_staff
    changes = [r.changes for r in user_records(guilin, member) if r.action == "update"]
    assert changes[0]["roles"] == [["member", "union_admin"], ["member"]]


def test_an_admin_cannot_take_away_their_own_admin_role(guilin):
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-self")
    with in_schema(guilin):
        me = User.objects.get(username="acct-self")
    page = client.post(f"/admin/accounts/user/{me.pk}/change/", change_form(me, roles=[Role.MEMBER]))
    assert page.status_code == 200 and "不能撤销自己的管理员角色" in errors_beside(page, "roles")


def test_a_bad_phone_on_an_account_is_refused_beside_the_field(guilin):
    member = make_user(guilin, [Role.MEMBER], username="phoned")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-office5")
    page = client.post(f"/admin/accounts/user/{member.pk}/change/", change_form(member, phone="12"))
    assert page.status_code == 200 and errors_beside(page, "phone")


def test_a_password_set_in_the_admin_is_audited_without_the_password(guilin):
    member = make_user(guilin, [Role.MEMBER], username="forgetful")
    client = admin_browser(guilin, [Role.UNION_ADMIN], "acct-office6")
    page = client.post(f"/admin/accounts/user/{member.pk}/password/",
                       {"password1": "Another-long-2026", "password2": "Another-long-2026",
                        "usable_password": "true"})
    assert page.status_code == 302
    with in_schema(guilin):
        member.refresh_from_db()
    assert member.check_password("Another-long-2026")
    [record] = [r for r in user_records(guilin, member) if r.reason == "修改密码"]
    assert record.actor_name == "acct-office6" and "Another-long-2026" not in str(record.changes)
