"""Lists are filtered by declared parameters only: a wrong value is a 400 naming it, not an empty page."""
import pytest

from tenants.accounts.roles import Role
from tests.members.factories import a_member


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


@pytest.fixture
def province_admin(province, host_client):
    return host_client(province, [Role.PROVINCE_ADMIN])


@pytest.mark.parametrize("path,parameter", [
    ("/api/v1/members/?status=gone", "status"),
    ("/api/v1/members/?employment_type=intern", "employment_type"),
    ("/api/v1/proposals/?status=approved", "status"),
    ("/api/v1/proposals/?overdue=yes", "overdue"),
    ("/api/v1/notifications/?unread=1", "unread"),
    ("/api/v1/suggestions/?status=x", "status"),
    ("/api/v1/membership-applications/?status=x", "status"),
    ("/api/v1/ledger/?category=零花钱", "category"),
    ("/api/v1/audit/?action=delete_all", "action"),
    ("/api/v1/honours/nominations/?status=x", "status"),
    ("/api/v1/members/?branch=99999999999999999999", "branch"),
])
def test_an_unknown_value_is_a_400_naming_the_parameter(admin, path, parameter):
    response = admin.get(path)
    assert response.status_code == 400, response.content
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize("path,parameter", [
    ("/api/v1/schools/?status=closed", "status"),
    ("/api/v1/honours/nominations/?school=nowhere", "school"),
    ("/api/v1/subsidies/applications/?programme=abc", "programme"),
    ("/api/v1/staff-homes/applications/confirmed/?year=183", "year"),
    ("/api/v1/honours/records/?kind=best", "kind"),
])
def test_provincial_lists_refuse_unknown_values_too(province_admin, path, parameter):
    response = province_admin.get(path)
    assert response.status_code == 400 and parameter in response.json()["errors"]


def test_ordering_is_allowed_only_on_declared_fields(guilin, admin):
    a_member(guilin, name="乙")
    a_member(guilin, name="甲")
    ordered = admin.get("/api/v1/members/?ordering=-employee_number").json()["results"]
    numbers = [row["employee_number"] for row in ordered]
    assert numbers == sorted(numbers, reverse=True)
    refused = admin.get("/api/v1/members/?ordering=id_number_hash")
    assert refused.status_code == 400 and "ordering" in refused.json()["errors"]
    assert admin.get("/api/v1/branches/?ordering=name").status_code == 400  # branches declare no ordering


def test_filters_that_match_answer_the_matching_rows(guilin, admin):
    a_member(guilin, name="张三")
    a_member(guilin, name="李四", employment_type="contract")
    names = [row["name"] for row in admin.get("/api/v1/members/?employment_type=contract").json()["results"]]
    assert names == ["李四"]
    assert [row["name"] for row in admin.get("/api/v1/members/?search=zs").json()["results"]] == ["张三"]


def test_every_list_answers_pages(guilin, admin):
    for index in range(3):
        a_member(guilin, name=f"会员{index}")
    page = admin.get("/api/v1/members/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert admin.get("/api/v1/members/?page=9").status_code == 404
