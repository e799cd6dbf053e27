"""The one base class for school-side views over shared tables fails closed."""
import pytest
from rest_framework.generics import ListAPIView
from rest_framework.test import APIRequestFactory

from api.scoping import SchoolScopedMixin
from tenants.accounts.roles import Role
from tenants.errors import NoSchoolInContext
from tenants.models import School
from tests.conftest import anonymous_client


class SchoolsSeenBySchool(SchoolScopedMixin, ListAPIView):
    queryset = School.objects.all()
    school_field = "pk"


def test_a_subclass_cannot_override_the_filtering():
    with pytest.raises(TypeError, match="get_queryset"):
        class Sneaky(SchoolScopedMixin, ListAPIView):
            def get_queryset(self):
                return School.objects.all()


def test_with_no_school_in_context_it_raises_instead_of_widening(province):
    request = APIRequestFactory().get("/")
    request.tenant = province
    view = SchoolsSeenBySchool()
    view.request = request
    with pytest.raises(NoSchoolInContext):
        view.get_queryset()
    del request.tenant
    with pytest.raises(NoSchoolInContext):
        view.get_queryset()


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
