"""Every school-side endpoint: a user of another school is refused on this host, finds nothing of
this school on their own host, and bad input is answered 400 naming the field with nothing written."""
import pytest

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Department, Group
from tests.conftest import in_schema
from tests.members.factories import a_branch

SCHOOL_LISTS = ["/api/v1/branches/", "/api/v1/groups/", "/api/v1/departments/", "/api/v1/members/",
                "/api/v1/membership-applications/", "/api/v1/congresses/", "/api/v1/delegations/",
                "/api/v1/delegates/", "/api/v1/proposals/", "/api/v1/suggestions/", "/api/v1/notifications/",
                "/api/v1/audit/", "/api/v1/school/", "/api/v1/me/", "/api/v1/ledger/",
                "/api/v1/honours/campaigns/", "/api/v1/honours/nominations/", "/api/v1/honours/records/",
                "/api/v1/competitions/", "/api/v1/competitions/entries/", "/api/v1/staff-homes/criteria/",
                "/api/v1/staff-homes/rounds/", "/api/v1/staff-homes/applications/",
                "/api/v1/subsidies/programmes/", "/api/v1/subsidies/applications/", "/api/v1/circulars/",
                "/api/v1/stats/"]
PROVINCIAL_LISTS = ["/api/v1/schools/", "/api/v1/audit/", "/api/v1/honours/campaigns/",
                    "/api/v1/honours/nominations/", "/api/v1/honours/records/", "/api/v1/competitions/",
                    "/api/v1/competitions/entries/", "/api/v1/competitions/judges/",
                    "/api/v1/competitions/judging/", "/api/v1/staff-homes/rounds/",
                    "/api/v1/staff-homes/applications/", "/api/v1/subsidies/programmes/",
                    "/api/v1/subsidies/applications/", "/api/v1/circulars/", "/api/v1/stats/"]


@pytest.mark.parametrize("path", SCHOOL_LISTS)
def test_a_token_of_another_school_is_refused_on_every_endpoint(path, huzhou, host_client):
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.get(path).status_code == 401


@pytest.mark.parametrize("path", PROVINCIAL_LISTS)
def test_a_school_token_is_refused_on_every_provincial_endpoint(path, guilin, host_client):
    school_admin = host_client(guilin, [Role.UNION_ADMIN])
    school_admin.defaults["HTTP_HOST"] = "localhost"
    assert school_admin.get(path).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/branches/", "/api/v1/departments/", "/api/v1/groups/"])
def test_organisation_records_of_one_school_do_not_exist_for_another(path, guilin, huzhou, host_client):
    branch = a_branch(guilin, "仅桂林有的学院")
    with in_schema(guilin):
        Department.objects.create(name="仅桂林有的部门")
        Group.objects.create(branch=branch, name="仅桂林有的小组")
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    names = [row["name"] for row in outsider.get(path).json()["results"]]
    assert not any(name.startswith("仅桂林") for name in names)


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


def test_branch_bad_input_and_duplicates(guilin, admin):
    assert admin.post("/api/v1/branches/", {"name": "文学院"}, format="json").status_code == 201
    duplicate = admin.post("/api/v1/branches/", {"name": "文学院"}, format="json")
    assert duplicate.status_code == 409 and "name" in duplicate.json()["errors"]
    blank = admin.post("/api/v1/branches/", {"name": ""}, format="json")
    assert blank.status_code == 400 and "name" in blank.json()["errors"]
    bad_chair = admin.post("/api/v1/branches/", {"name": "理学院", "chair": 99999}, format="json")
    assert bad_chair.status_code == 400 and "chair" in bad_chair.json()["errors"]
    with in_schema(guilin):
        assert list(Branch.objects.values_list("name", flat=True)) == ["文学院"]


def test_naming_a_chair_gives_them_the_branch_chair_role(guilin, admin, host_client):
    chair = host_client(guilin, [Role.MEMBER])
    response = admin.post("/api/v1/branches/", {"name": "理学院", "chair": chair.user.pk}, format="json")
    assert response.status_code == 201 and response.json()["chair_name"] == str(chair.user)
    assert "branch_chair" in [r["code"] for r in chair.get("/api/v1/me/").json()["roles"]]


def test_group_and_department_bad_input(guilin, admin):
    branch = a_branch(guilin)
    assert admin.post("/api/v1/groups/", {"branch": branch.pk, "name": "第一小组"}, format="json").status_code == 201
    assert admin.post("/api/v1/groups/", {"branch": branch.pk, "name": "第一小组"}, format="json").status_code == 409
    assert "branch" in admin.post("/api/v1/groups/", {"name": "x"}, format="json").json()["errors"]
    assert "name" in admin.post("/api/v1/departments/", {"name": ""}, format="json").json()["errors"]
    bad_handler = admin.post("/api/v1/departments/", {"name": "教务处", "handlers": [99999]}, format="json")
    assert bad_handler.status_code == 400 and "handlers" in bad_handler.json()["errors"]
    with in_schema(guilin):
        assert not Department.objects.filter(name="教务处").exists()


def test_members_cannot_change_the_organisation(guilin, host_client):
    member = host_client(guilin, [Role.MEMBER])
    assert member.post("/api/v1/branches/", {"name": "x"}, format="json").status_code == 403
    assert member.post("/api/v1/departments/", {"name": "x"}, format="json").status_code == 403
    assert member.get("/api/v1/branches/").status_code == 200


def test_a_delegation_belongs_to_one_congress(guilin, admin):
    congress = admin.post("/api/v1/congresses/", {"term": 6, "session": 4}, format="json").json()["id"]
    assert admin.post("/api/v1/delegations/", {"congress": congress, "name": "第一代表团"},
                      format="json").status_code == 201
    again = admin.post("/api/v1/delegations/", {"congress": congress, "name": "第一代表团"}, format="json")
    assert again.status_code == 409
    assert "congress" in admin.post("/api/v1/delegations/", {"congress": 99999, "name": "x"},
                                    format="json").json()["errors"]
