"""Personal-data keys change over time; ID numbers must survive every change.

PERSONAL_DATA_KEY lists keys newest first. The story these tests tell: a school stores members
under key-2025; an operator puts key-2026 in front, runs `manage.py rotate_personal_data`, and
later drops key-2025, keeping the blind index's key — and nobody's ID number is lost on the way.
"""
import io

import pytest
from django.core.management import CommandError, call_command

from tenants import personal_data
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.members.models import Member, MembershipApplication
from tenants.members.services import application_submit
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member, valid_id_number

OLD, NEW = "key-2025-" + "o" * 40, "key-2026-" + "n" * 40


@pytest.fixture
def stored_under_old_key(settings, guilin):
    settings.PERSONAL_DATA_KEY = OLD
    number = valid_id_number("19850312", "456")
    return a_member(guilin, name="王芳", id_number=number), number


def reveal(client, member):
    return client.get(f"/api/v1/members/{member.pk}/id-number/")


def stored(school, member):
    with in_schema(school):
        return Member.objects.values("id_number_encrypted", "id_number_index", "id_number_masked").get(pk=member.pk)


def test_an_edit_after_the_key_changed_keeps_the_id_number(settings, guilin, host_client, stored_under_old_key):
    member, number = stored_under_old_key
    admin = host_client(guilin, [Role.UNION_ADMIN])
    before = stored(guilin, member)

    settings.PERSONAL_DATA_KEY = NEW  # the old key was dropped by mistake
    edited = admin.patch(f"/api/v1/members/{member.pk}/", {"name": "王芳芳", "phone": "13900001111"}, format="json")
    assert edited.status_code == 200, edited.content
    assert stored(guilin, member) == before, "an edit that does not name the ID number leaves it as stored"

    settings.PERSONAL_DATA_KEY = f"{NEW},{OLD}"  # the mistake is put right
    assert reveal(admin, member).json() == {"id_number": number}


def test_the_whole_number_cannot_be_shown_without_its_key_and_the_answer_says_why(
        settings, guilin, host_client, stored_under_old_key):
    member, number = stored_under_old_key
    admin = host_client(guilin, [Role.UNION_ADMIN])
    settings.PERSONAL_DATA_KEY = NEW
    answer = reveal(admin, member)
    assert answer.status_code == 500
    assert "PERSONAL_DATA_KEY" in answer.json()["detail"] and "无法解密" in answer.json()["detail"]
    with in_schema(guilin):
        assert not AuditRecord.objects.filter(action="read", target_id=str(member.pk)).exists(), \
            "nothing was revealed, so no read is recorded"


def test_the_answer_that_reveals_a_number_is_never_cached(guilin, host_client):
    member = a_member(guilin, id_number=valid_id_number("19850312", "457"))
    answer = reveal(host_client(guilin, [Role.UNION_ADMIN]), member)
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]


def test_with_a_new_key_in_front_old_numbers_read_and_new_ones_use_the_new_key(
        settings, guilin, host_client, stored_under_old_key):
    member, number = stored_under_old_key
    admin = host_client(guilin, [Role.UNION_ADMIN])
    settings.PERSONAL_DATA_KEY = f"{NEW},{OLD}"
    assert reveal(admin, member).json() == {"id_number": number}
    newcomer = a_member(guilin, id_number=valid_id_number("19900101", "458"))
    settings.PERSONAL_DATA_KEY = NEW
    assert reveal(admin, newcomer).json() == {"id_number": valid_id_number("19900101", "458")}


def rotate():
    out = io.StringIO()
    call_command("rotate_personal_data", stdout=out)
    return out.getvalue()


def test_rotation_reencrypts_every_school_then_the_old_key_can_be_retired(
        settings, guilin, huzhou, host_client, stored_under_old_key):
    member, number = stored_under_old_key
    other = a_member(huzhou, id_number=valid_id_number("19700707", "459"))
    with in_schema(guilin):
        application = application_submit(by=None, branch=a_branch(guilin), name="赵六", gender="male",
                                         employee_number="A-2026", employment_type="staff",
                                         id_number=valid_id_number("19950505", "460"))

    settings.PERSONAL_DATA_KEY = f"{NEW},{OLD}"
    first = rotate()
    assert "桂林学院（guilin）：重新加密 2" in first and "湖州师范学院（huzhou）：重新加密 1" in first
    assert "无法解密 0" in first
    again = rotate()
    assert "合计：重新加密 0" in again and "重建索引 0" in again, "a second run has nothing to do"

    # key-2025 leaves the list; the blind index keeps its key, so uniqueness still holds.
    settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_INDEX_KEY = NEW, OLD
    guilin_admin = host_client(guilin, [Role.UNION_ADMIN])
    assert reveal(guilin_admin, member).json() == {"id_number": number}
    assert reveal(host_client(huzhou, [Role.UNION_ADMIN]), other).json() == {
        "id_number": valid_id_number("19700707", "459")}
    duplicate = guilin_admin.post("/api/v1/members/", {
        "name": "冒名", "gender": "female", "employee_number": "D-1", "branch": a_branch(guilin).pk,
        "employment_type": "staff", "join_date": "2021-09-01", "id_number": number}, format="json")
    assert duplicate.status_code == 409 and "id_number" in duplicate.json()["errors"]
    approved = guilin_admin.post(f"/api/v1/membership-applications/{application.pk}/confirm/", format="json")
    assert approved.status_code == 200, approved.content
    approved = guilin_admin.post(f"/api/v1/membership-applications/{application.pk}/approve/", format="json")
    assert approved.status_code == 200, approved.content
    with in_schema(guilin):
        joined = MembershipApplication.objects.get(pk=application.pk).member
    assert reveal(guilin_admin, joined).json() == {"id_number": valid_id_number("19950505", "460")}


def test_rotation_refuses_to_call_it_done_while_a_number_needs_a_missing_key(
        settings, guilin, stored_under_old_key):
    member, _ = stored_under_old_key
    before = stored(guilin, member)
    settings.PERSONAL_DATA_KEY = NEW
    with pytest.raises(CommandError, match="桂林学院"):
        rotate()
    assert stored(guilin, member) == before


def test_a_changed_index_key_is_rebuilt_by_rotation(settings, guilin, stored_under_old_key):
    member, number = stored_under_old_key
    settings.PERSONAL_DATA_INDEX_KEY = "a-fresh-index-key-" + "i" * 30
    assert "重建索引 1" in rotate()
    with in_schema(guilin):
        assert Member.objects.get(id_number_index=personal_data.blind_index(number)).pk == member.pk


def test_rotation_also_reencrypts_webhook_and_campus_sign_in_secrets_on_every_host(settings, guilin, province):
    from tenants.sso.models import SsoSettings
    from tenants.sso.services import client_secret_of, sso_settings_update
    from tenants.webhooks.models import Subscription
    from tenants.webhooks.services import signing_secrets, subscription_create

    settings.PERSONAL_DATA_KEY = OLD
    with in_schema(guilin):
        school_hook, school_secret = subscription_create(by=None, url="https://hooks.example.edu.cn/in",
                                                         event_types=["member.created"])
        sso_settings_update(by=None, protocol="oidc", oidc_issuer="https://id.example.edu.cn",
                            oidc_client_id="eduunion", client_secret="campus-client-secret")
    with in_schema(province):
        province_hook, province_secret = subscription_create(by=None, url="https://hooks.example.edu.cn/p",
                                                             event_types=["circular.published"])

    settings.PERSONAL_DATA_KEY = f"{NEW},{OLD}"
    first = rotate()
    assert "桂林学院（guilin）：重新加密 2" in first and "省级站点：重新加密 1" in first
    assert "合计：重新加密 0" in rotate(), "a second run has nothing to do"

    settings.PERSONAL_DATA_KEY = NEW  # the old key is gone: every secret still opens
    with in_schema(guilin):
        assert signing_secrets(Subscription.objects.get(pk=school_hook.pk)) == [school_secret]
        assert client_secret_of(SsoSettings.objects.get()) == "campus-client-secret"
    with in_schema(province):
        assert signing_secrets(Subscription.objects.get(pk=province_hook.pk)) == [province_secret]
