"""Signing in with CAS 2.0 / 3.0 against a real CAS server on a loopback port."""
import pytest

from tenants.accounts.roles import Role
from tests.conftest import in_schema, make_user
from tests.sso.conftest import school_browser, signed_in_user_id, start, through_idp
from tests.sso.helpers import add_member, configure_cas, counts, refusals

pytestmark = pytest.mark.django_db


def test_cas3_attributes_map_a_known_member_by_employee_number(guilin, cas_server):
    configure_cas(guilin, cas_server, "cas3", match_by="employee_number")
    member = add_member(guilin, "张三", "G1001")
    browser = school_browser("guilin")
    login_url = start(browser)
    assert login_url.startswith(cas_server.url + "login?service=")
    response = browser.get(through_idp(login_url, "zhangsan"))
    assert response.status_code == 302
    with in_schema(guilin):
        member.refresh_from_db()
        assert member.user.roles == [Role.MEMBER] and str(member.user_id) == signed_in_user_id(browser)


def test_cas2_maps_an_existing_account_by_username(guilin, cas_server):
    configure_cas(guilin, cas_server, "cas2", match_by="username")
    user = make_user(guilin, [Role.MEMBER, Role.BRANCH_CHAIR], username="lisi")
    browser = school_browser("guilin")
    assert browser.get(through_idp(start(browser), "lisi")).status_code == 302
    assert signed_in_user_id(browser) == str(user.pk)


def test_a_ticket_issued_for_one_school_is_refused_on_another(guilin, huzhou, cas_server):
    configure_cas(guilin, cas_server, "cas3", match_by="employee_number")
    configure_cas(huzhou, cas_server, "cas3", match_by="employee_number")
    add_member(huzhou, "张三", "G1001")
    callback = through_idp(start(school_browser("guilin")), "zhangsan")
    ticket = callback.split("ticket=")[1]
    huzhou_browser = school_browser("huzhou")
    state = start(huzhou_browser).split("state%3D")[1]  # a flow of huzhou's own, so only the ticket is foreign
    before = counts(huzhou)
    response = huzhou_browser.get(f"/sso/cas/?state={state}&ticket={ticket}")
    assert response.status_code == 403 and "票据无效" in response.content.decode()
    assert counts(huzhou) == before and signed_in_user_id(huzhou_browser) is None
    assert any("[cas_ticket_invalid]" in reason for reason in refusals(huzhou))


def test_a_replayed_ticket_is_refused(guilin, cas_server):
    configure_cas(guilin, cas_server, "cas3", match_by="employee_number")
    add_member(guilin, "张三", "G1001")
    browser = school_browser("guilin")
    callback = through_idp(start(browser), "zhangsan")
    assert browser.get(callback).status_code == 302
    browser.logout()
    # a new flow on the same browser: the old ticket is spent at the CAS server all the same
    state = start(browser).split("state%3D")[1]
    response = browser.get(f"/sso/cas/?state={state}&ticket={callback.split('ticket=')[1]}")
    assert response.status_code == 403 and signed_in_user_id(browser) is None
    assert any("[cas_ticket_invalid]" in reason for reason in refusals(guilin))
