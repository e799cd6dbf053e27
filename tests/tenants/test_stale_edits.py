"""An edit made from a copy read before someone else moved the record never moves it back, and a
password reset shuts out the tokens issued under the old password."""
from tenants.accounts.roles import Role
from tenants.accounts.services import user_set_password
from tenants.members.models import Member
from tenants.members.services import member_change_status, member_update
from tenants.models import School
from tenants.services import school_transition, school_update
from tests.conftest import in_schema, make_user
from tests.members.factories import a_member


def test_editing_a_stale_copy_of_a_member_keeps_the_status_someone_else_set(guilin):
    member = a_member(guilin, name="张三")
    office = make_user(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        stale = Member.objects.get(pk=member.pk)
        member_change_status(member=member, action="leave", by=office, reason="调离本校")
        member_update(member=stale, by=office, name="张叁")
        member.refresh_from_db()
    assert member.status == Member.Status.LEFT and member.name == "张叁"


def test_editing_a_stale_copy_of_a_school_keeps_it_suspended(province, hnit):
    province_admin = make_user(province, [Role.PROVINCE_ADMIN])
    stale = School.objects.get(pk=hnit.pk)
    school_transition(school=hnit, action="suspend", by=province_admin, reason="欠费")
    school_update(school=stale, by=province_admin, contact_name="李老师")
    hnit.refresh_from_db()
    assert hnit.status == School.Status.SUSPENDED and hnit.contact_name == "李老师"


def test_a_password_reset_revokes_the_accounts_api_tokens(guilin, host_client):
    member = host_client(guilin, [Role.MEMBER])
    assert member.get("/api/v1/me/").status_code == 200
    with in_schema(guilin):
        user_set_password(user=member.user, by=None, password="A-new-pass-2026")
    assert member.get("/api/v1/me/").status_code == 401
