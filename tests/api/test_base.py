"""The one base of every API view keeps schools apart by construction, not by each view's care."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import mixins
from rest_framework.filters import BaseFilterBackend
from rest_framework.test import APIRequestFactory

from api.base import ProvinceHostView, SchoolHostView, SchoolViewSet, is_shared_model
from api.errors import api_not_found
from tenants.accounts.roles import Role
from tenants.errors import NoSchoolInContext
from tenants.models import School
from tests.conftest import anonymous_client, in_schema


class SchoolsSeenBySchool(mixins.ListModelMixin, SchoolViewSet):
    queryset = School.objects.all()
    school_field = "pk"


class EveryRowBackend(BaseFilterBackend):
    """A careless filter backend that throws the scoped queryset away."""

    def filter_queryset(self, request, queryset, view):
        return School.objects.all()


@pytest.mark.parametrize("method", ["get_queryset", "filter_queryset", "initial", "check_permissions"])
def test_a_view_cannot_override_what_decides_rows_and_rights(method):
    with pytest.raises(TypeError, match=method):
        type("Sneaky", (SchoolViewSet,), {method: lambda self, *args: None, "__module__": "api.views.x"})


def test_a_mixin_placed_before_the_base_cannot_take_over_the_queryset():
    class Widening:
        def get_queryset(self):
            return School.objects.all()

    with pytest.raises(TypeError, match="Widening"):
        class Sneaky(Widening, SchoolViewSet):
            queryset = School.objects.all()
            school_field = "pk"


def test_a_view_over_a_shared_table_must_say_how_it_is_scoped():
    with pytest.raises(TypeError, match="dangerously_unscoped"):
        class Forgetful(mixins.ListModelMixin, SchoolViewSet):
            queryset = School.objects.all()

    class Declared(mixins.ListModelMixin, SchoolViewSet):
        queryset = School.objects.all()
        dangerously_unscoped = "测试：有意不过滤"


def _view(request, view_class=SchoolsSeenBySchool, **attributes):
    view = view_class(**attributes)
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    return view


def test_with_no_school_in_context_it_raises_instead_of_widening(province):
    request = APIRequestFactory().get("/")
    request.tenant = province
    with pytest.raises(NoSchoolInContext):
        _view(request).get_queryset()
    del request.tenant
    with pytest.raises(NoSchoolInContext):
        _view(request).get_queryset()


def test_rows_stay_scoped_even_after_a_filter_backend_widened_them(guilin):
    request = APIRequestFactory().get("/")
    request.tenant = guilin
    with in_schema(guilin):
        view = _view(request, filter_backends=[EveryRowBackend])
        rows = view.filter_queryset(view.get_queryset())
        assert [school.slug for school in rows] == ["guilin"]


class OrEveryRowBackend(BaseFilterBackend):
    """A careless filter backend that keeps the scoped rows but ORs every other row in."""

    def filter_queryset(self, request, queryset, view):
        return queryset | School.objects.all()


class NarrowingBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return queryset.filter(status__isnull=False).exclude(slug="")


def test_rows_stay_scoped_after_a_filter_backend_ored_other_rows_in(guilin, province):
    request = APIRequestFactory().get("/")
    request.tenant = guilin
    with in_schema(guilin):
        view = _view(request, filter_backends=[OrEveryRowBackend])
        rows = view.filter_queryset(view.get_queryset())
        assert School.objects.count() > 1
        assert [school.slug for school in rows] == ["guilin"]


def test_rows_a_filter_backend_only_narrowed_carry_the_school_condition_once(guilin):
    request = APIRequestFactory().get("/")
    request.tenant = guilin
    with in_schema(guilin):
        view = _view(request, filter_backends=[NarrowingBackend])
        rows = view.filter_queryset(view.get_queryset())
        assert [school.slug for school in rows] == ["guilin"]
        assert str(rows.query).count(f'"tenants_school"."id" = {guilin.pk}') == 1


def test_a_school_view_reached_on_the_provincial_host_does_not_exist(province):
    request = APIRequestFactory().get("/api/v1/anything/")
    request.tenant = province
    response = SchoolsSeenBySchool.as_view({"get": "list"})(request)
    assert response.status_code == 404


def _api_views(urlconf: str):
    """Every (route, view callback) under /api/v1/ of a host's URLconf."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                found.append((route, pattern.callback))

    walk(get_resolver(urlconf).url_patterns, "")
    return found


@pytest.mark.parametrize("urlconf,base", [("config.urls_tenant", SchoolHostView),
                                          ("config.urls_public", ProvinceHostView)])
def test_every_api_view_of_a_host_inherits_that_hosts_base(urlconf, base):
    views = _api_views(urlconf)
    assert len(views) > 20
    for route, callback in views:
        if callback is api_not_found:
            continue  # answers 404 to any unknown path, touches no data
        view_class = getattr(callback, "cls", None)
        assert view_class is not None and issubclass(view_class, base), f"{route} 未继承 {base.__name__}"


def test_every_school_view_over_a_shared_table_is_scoped_or_says_why():
    for route, callback in _api_views("config.urls_tenant"):
        view_class = getattr(callback, "cls", None)
        queryset = getattr(view_class, "queryset", None)
        if queryset is not None and is_shared_model(queryset.model):
            assert view_class.school_field or len(view_class.dangerously_unscoped) >= 10, route


def test_a_school_sees_only_its_own_row_of_a_shared_table(guilin, host_client):
    body = host_client(guilin, [Role.MEMBER]).get("/api/v1/school/").json()
    assert body["slug"] == "guilin" and body["domain"] == "guilin.localhost"


def test_the_school_profile_follows_the_three_part_access_pattern(guilin, huzhou, host_client):
    owner = host_client(guilin, [Role.UNION_ADMIN])
    member = host_client(guilin, [])
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert owner.get("/api/v1/school/").json()["slug"] == "guilin"
    assert member.get("/api/v1/school/").json()["slug"] == "guilin"  # every user of the school may read it
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.get("/api/v1/school/").status_code == 401
    assert anonymous_client(guilin).get("/api/v1/school/").status_code == 401


def test_the_provincial_host_is_for_province_roles_only(province, host_client):
    roleless = host_client(province, [])
    assert roleless.get("/api/v1/honours/nominations/").status_code == 403
    assert roleless.get("/api/v1/me/").status_code == 200  # may still see who they are
    assert host_client(province, [Role.PROVINCE_REVIEWER]).get("/api/v1/honours/nominations/").status_code == 200
