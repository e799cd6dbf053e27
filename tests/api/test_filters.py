"""Lists are filtered by declared parameters only: a wrong value is a 400 naming it, not an empty page."""
import pytest

from tenants.accounts.roles import Role
from tests.conftest import in_schema
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


def test_rows_equal_in_the_asked_order_come_page_by_page_each_once(guilin, admin):
    first, *_ = [a_member(guilin, name=name, join_date="2021-03-01") for name in "甲乙丙丁戊己"]  # all tie
    with in_schema(guilin):  # an edited row is stored anew, after the others
        type(first).objects.filter(pk=first.pk).update(name="甲甲")
    pages = [admin.get(f"/api/v1/members/?ordering=-join_date&page_size=2&page={page}").json()["results"]
             for page in (1, 2, 3)]
    ids = [row["id"] for page in pages for row in page]
    assert len(ids) == 6 and ids == sorted(ids)


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


# --- a list asked no filter builds no FilterSet (api.filters.FilterBackend, issue #14) ------------

def test_a_list_asked_no_filter_answers_every_row_and_a_filter_still_narrows_it(guilin, admin):
    a_member(guilin, name="在册甲")
    left = a_member(guilin, name="离会乙")
    assert admin.post(f"/api/v1/members/{left.pk}/leave/", {"reason": "调离本校"}, format="json").status_code == 200
    everyone = {row["name"] for row in admin.get("/api/v1/members/?page_size=200").json()["results"]}
    assert {"在册甲", "离会乙"} <= everyone
    active = {row["name"] for row in admin.get("/api/v1/members/?page_size=200&status=active").json()["results"]}
    assert "在册甲" in active and "离会乙" not in active
    # an empty value asks the filterset, which leaves the rows alone, as no parameter does
    blank = {row["name"] for row in admin.get("/api/v1/members/?page_size=200&status=").json()["results"]}
    assert blank == everyone


def test_which_parameters_ask_a_filterset():
    from django_filters import rest_framework as filters

    from api.filters import MemberFilter, asks_any, filters_only_when_asked

    assert not asks_any(MemberFilter, {"page": "2", "page_size": "20", "ordering": "name"})
    assert asks_any(MemberFilter, {"branch": "3"})
    assert asks_any(MemberFilter, {"status_after": "x"})  # a range widget's suffix is the filterset's
    assert filters_only_when_asked(MemberFilter)

    class Required(filters.FilterSet):
        branch = filters.NumberFilter(required=True)

    class DefaultData(filters.FilterSet):
        branch = filters.NumberFilter()

        def __init__(self, data=None, *args, **kwargs):
            super().__init__(data or {"branch": "1"}, *args, **kwargs)

    class OwnQueryset(filters.FilterSet):
        branch = filters.NumberFilter()

        def filter_queryset(self, queryset):
            return queryset.none()

    # these filter even when nothing is asked: the backend always builds them
    assert not filters_only_when_asked(Required)
    assert not filters_only_when_asked(OwnQueryset)
    assert not filters_only_when_asked(DefaultData)


def test_a_list_asked_no_filter_keeps_its_rows_unfiltered(guilin):
    from django_tenants.utils import schema_context
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from api.filters import FilterBackend
    from api.views.members import MemberViewSet
    from tenants.members.models import Member

    view = MemberViewSet()
    with schema_context(guilin.schema_name):
        rows = Member.objects.all()
        plain = Request(APIRequestFactory().get("/api/v1/members/?page=1&page_size=20"))
        assert FilterBackend().filter_queryset(plain, rows, view) is rows  # no FilterSet was built
        asked = Request(APIRequestFactory().get("/api/v1/members/?status=active"))
        assert FilterBackend().filter_queryset(asked, rows, view) is not rows
