"""The provincial office provisions a member school through the API."""
import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.models import Domain, School
from tests.conftest import anonymous_client, in_schema


def provision(client, **body):
    return client.post("/api/v1/schools/", {"name": "南宁师范大学", "slug": "nnnu", **body}, format="json")


def nothing_created(slug="nnnu"):
    return (not School.objects.filter(slug=slug).exists()
            and not Domain.objects.filter(domain=f"{slug}.localhost").exists()
            and not schema_exists(f"school_{slug.replace('-', '_')}"))


@pytest.fixture
def province_admin(province, host_client):
    return host_client(province, [Role.PROVINCE_ADMIN])


def test_provisioned_school_answers_on_its_own_host_with_its_first_admin(province_admin):
    response = provision(province_admin, region="广西南宁市")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "nnnu" and body["domain"] == "nnnu.localhost" and body["status"] == "active"
    generated = body["admin"]["password"]
    assert body["admin"]["username"] == "admin" and len(generated) >= 12

    school_host = anonymous_client(School.objects.get(slug="nnnu"))
    assert school_host.get("/healthz").status_code == 200
    token = school_host.post("/api/v1/auth/token/", {"username": "admin", "password": generated},
                             format="json")
    assert token.status_code == 200
    school_host.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = school_host.get("/api/v1/me/").json()
    assert [r["code"] for r in me["roles"]] == ["union_admin"]
    assert me["host"] == {"kind": "school", "name": "南宁师范大学", "slug": "nnnu"}


def test_a_given_admin_password_is_used_and_never_echoed(province_admin):
    response = provision(province_admin, admin_username="gonghui", admin_password="Nanning-2026!")

    assert response.status_code == 201
    assert response.json()["admin"] == {"username": "gonghui", "password": None}
    with in_schema(School.objects.get(slug="nnnu")):
        assert User.objects.get(username="gonghui").check_password("Nanning-2026!")


def test_provisioning_is_audited_in_the_public_schema(province_admin):
    provision(province_admin)
    school = School.objects.get(slug="nnnu")
    connection.set_schema_to_public()
    record = AuditRecord.objects.get(target_type="tenants.school", target_id=str(school.pk))
    assert record.action == "create" and record.actor_name == province_admin.user.username


@pytest.mark.parametrize("slug", ["A-school", "x", "a" * 41, "bad_slug", "-lead", "trail-", "中文", "www",
                                  "api", "admin", "public", "template-x"])
def test_an_invalid_slug_is_refused_naming_the_field_and_nothing_is_created(province_admin, slug):
    response = provision(province_admin, slug=slug)

    assert response.status_code == 400
    assert "slug" in response.json()["errors"]
    assert response.json()["detail"].startswith("提交的数据有误")
    assert not School.objects.filter(slug=slug).exists()


def test_a_duplicate_slug_is_a_conflict_and_changes_nothing(province_admin):
    before = School.objects.count()
    response = provision(province_admin, slug="guilin", name="另一所学校")

    assert response.status_code == 409
    assert "guilin" in response.json()["detail"] and "slug" in response.json()["errors"]
    assert School.objects.count() == before


def test_a_duplicate_name_is_a_conflict(province_admin):
    response = provision(province_admin, name="桂林学院", slug="guilin2")
    assert response.status_code == 409 and nothing_created("guilin2")


def test_a_weak_admin_password_is_refused_and_no_schema_is_left_behind(province_admin):
    response = provision(province_admin, admin_password="123")

    assert response.status_code == 400
    assert "admin_password" in response.json()["errors"]
    assert nothing_created()


def test_a_failure_after_the_schema_was_made_leaves_nothing_half_made(province_admin):
    # The admin account is the last step: an invalid username fails after row, schema and domain.
    response = provision(province_admin, admin_username="bad name!")

    assert response.status_code == 400 and "admin_username" in response.json()["errors"]
    assert nothing_created()


def test_missing_name_and_bad_kind_are_named(province_admin):
    response = province_admin.post("/api/v1/schools/", {"slug": "nnnu", "kind": "大学"}, format="json")
    assert response.status_code == 400
    assert {"name", "kind"} <= set(response.json()["errors"])


def test_only_a_province_admin_provisions(province, host_client):
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert provision(reviewer).status_code == 403
    assert provision(anonymous_client(province)).status_code == 401
    assert reviewer.get("/api/v1/schools/").status_code == 403  # the schools pages are the admin's alone
    assert nothing_created()


def test_schools_cannot_be_provisioned_or_listed_from_a_school_host(guilin, host_client):
    school_admin = host_client(guilin, [Role.UNION_ADMIN])
    assert provision(school_admin).status_code == 404
    assert school_admin.get("/api/v1/schools/").status_code == 404


def test_school_list_is_paginated_and_filterable(province_admin):
    body = province_admin.get("/api/v1/schools/", {"page_size": 2}).json()
    assert body["count"] >= 3 and len(body["results"]) == 2
    assert all(row["slug"] != "province" for row in body["results"])
    found = province_admin.get("/api/v1/schools/", {"search": "湖州"}).json()
    assert [row["slug"] for row in found["results"]] == ["huzhou"]


def test_school_details_can_be_edited_and_the_edit_is_audited(province_admin, guilin):
    response = province_admin.patch("/api/v1/schools/guilin/", {"contact_name": "李老师"}, format="json")
    assert response.status_code == 200 and response.json()["contact_name"] == "李老师"
    record = AuditRecord.objects.filter(target_type="tenants.school", target_id=str(guilin.pk),
                                        action="update").get()
    assert record.changes == {"contact_name": ["", "李老师"]}
    bad = province_admin.patch("/api/v1/schools/guilin/", {"kind": "大学"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]


def test_password_rules_are_explained_in_chinese(province_admin):
    response = provision(province_admin, admin_password="123")
    messages = response.json()["errors"]["admin_password"]
    assert "密码太短，至少需要 8 个字符。" in messages and "密码不能全是数字。" in messages
    assert not any("password" in message.lower() for message in messages)
