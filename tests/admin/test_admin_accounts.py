"""Who may enter the Django admin, and with what: the host's admin role, never a superuser."""
import pytest
from django.test import Client

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.accounts.services import user_grant_roles
from tests.admin.helpers import admin_browser
from tests.conftest import ADMIN_PASSWORD, host_of, in_schema, make_user


def test_a_provisioned_school_admin_is_staff_but_not_a_superuser(guilin):
    with in_schema(guilin):
        first_admin = User.objects.get(username="admin")
    assert first_admin.is_staff and not first_admin.is_superuser


def test_an_admin_role_gives_staff_and_its_model_permissions_but_no_superuser(guilin, province):
    school_admin = make_user(guilin, [Role.UNION_ADMIN], username="xiao-admin")
    province_admin = make_user(province, [Role.PROVINCE_ADMIN], username="sheng-admin")
    assert not school_admin.is_superuser and not province_admin.is_superuser
    assert school_admin.is_staff and province_admin.is_staff
    with in_schema(guilin):
        assert school_admin.has_perm("members.change_member")
        assert school_admin.has_module_perms("congress")
        assert not school_admin.has_perm("tenants.change_school")
    assert province_admin.has_perm("tenants.change_school")
    assert province_admin.has_perm("staffhomes.change_criterion")
    assert not province_admin.has_perm("members.change_member")


def test_granting_the_admin_role_later_makes_the_account_staff_but_not_superuser(guilin):
    user = make_user(guilin, [Role.MEMBER], username="later-admin")
    assert not user.is_staff
    with in_schema(guilin):
        user_grant_roles(user=user, roles=[Role.UNION_ADMIN], by=None)
        user.refresh_from_db()
    assert user.is_staff and not user.is_superuser


def test_the_school_admin_works_for_a_union_admin_without_superuser(guilin):
    client = admin_browser(guilin, [Role.UNION_ADMIN], "xiao-browse")
    index = client.get("/admin/").content.decode()
    for path in ("/admin/members/member/", "/admin/members/branch/", "/admin/congress/congress/",
                 "/admin/accounts/user/", "/admin/audit/auditrecord/"):
        assert path in index
        assert client.get(path).status_code == 200
    assert client.get("/admin/members/member/add/").status_code == 200


def test_the_province_admin_works_for_a_province_admin_without_superuser(province):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "sheng-browse")
    for path in ("/admin/tenants/school/", "/admin/staffhomes/criterion/add/", "/admin/accounts/user/"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("roles", [[Role.MEMBER], [Role.BRANCH_CHAIR], [Role.DEPARTMENT_HANDLER]])
def test_other_school_roles_are_sent_away_from_the_admin(guilin, roles):
    client = admin_browser(guilin, roles, f"not-admin-{roles[0]}")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/members/member/").status_code == 302


def test_a_reviewer_is_sent_away_from_the_provincial_admin(province):
    client = admin_browser(province, [Role.PROVINCE_REVIEWER], "reviewer-x")
    assert client.get("/admin/").status_code == 302


def test_a_superuser_flag_without_the_admin_role_opens_nothing(guilin):
    make_user(guilin, [Role.MEMBER], username="old-super")
    with in_schema(guilin):
        User.objects.filter(username="old-super").update(is_superuser=True, is_staff=True)
    client = Client(HTTP_HOST=host_of(guilin))
    client.post("/login/", {"username": "old-super", "password": ADMIN_PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_every_model_in_either_admin_is_written_through_its_services_or_read_only():
    from tenants.admin_sites import ReadOnlyAdmin, ServiceAdmin, province_admin_site, school_admin_site

    for site in (province_admin_site, school_admin_site):
        for model, model_admin in site._registry.items():
            assert isinstance(model_admin, (ServiceAdmin, ReadOnlyAdmin)), f"{site.name}: {model._meta.label}"
