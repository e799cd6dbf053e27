"""Input people and scripts really send: never a 500, always a 4xx JSON answer in Chinese."""
import pytest

from tenants.accounts.roles import Role


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


@pytest.mark.parametrize("path", ["/api/v1/proposals/?congress=²", "/api/v1/members/?branch=²",
                                  "/api/v1/groups/?branch=abc", "/api/v1/members/?branch=abc",
                                  "/api/v1/delegates/?congress=１"])
def test_non_ascii_or_non_numeric_ids_in_filters_are_400(admin, path):
    response = admin.get(path)
    assert response.status_code == 400 and response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/members/abc/", "/api/v1/proposals/²/", "/api/v1/notifications/abc/read/"])
def test_non_numeric_record_ids_are_json_404(admin, path):
    response = admin.get(path) if "read" not in path else admin.post(path)
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/members/?search=%00", "/api/v1/proposals/?status=%00",
                                  "/api/v1/audit/?target_type=%00"])
def test_nul_bytes_in_the_query_are_refused(admin, path):
    response = admin.get(path)
    assert response.status_code == 400 and "非法字符" in response.json()["detail"]


def test_nul_bytes_in_a_page_query_are_refused_with_a_chinese_page(admin):
    response = admin.get("/members/?q=%00")
    assert response.status_code == 400 and "非法字符" in response.content.decode()


def test_nul_bytes_in_a_form_are_refused(guilin):
    from django.test import Client

    response = Client(HTTP_HOST="guilin.localhost").post(
        "/login/", "username=a%00&password=b", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_an_oversized_json_body_is_413_in_chinese(admin):
    response = admin.post("/api/v1/suggestions/", '{"title": "' + "长" * 1_400_000 + '"}',
                          content_type="application/json")
    assert response.status_code == 413 and "太大" in response.json()["detail"]
