"""The HTTP contract every host keeps: health, schema, docs, unknown hosts, Chinese errors."""
import pytest

from tests.conftest import anonymous_client


def test_healthz_reports_database_and_broker_on_every_host(province, guilin):
    for school in (province, guilin):
        response = anonymous_client(school).get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(guilin, monkeypatch):
    from config.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "amqp://guest:guest@127.0.0.1:1//")
    response = anonymous_client(guilin).get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error") and response.json()["database"] == "ok"


def paths(school):
    response = anonymous_client(school).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return set(response.json()["paths"])


def test_each_host_documents_exactly_its_own_endpoints(province, guilin):
    provincial, school = paths(province), paths(guilin)
    assert "/api/v1/schools/" in provincial and "/api/v1/schools/" not in school
    assert "/api/v1/school/" in school and "/api/v1/school/" not in provincial
    assert {"/api/v1/auth/token/", "/api/v1/me/", "/api/v1/audit/"} <= provincial & school


def test_the_schema_is_one_document_per_host_kind_whoever_asks(province, guilin, huzhou):
    """It is generated once per process (api/views/schema.py), which is only right because it does
    not depend on the school or the caller: an admin of one school, an anonymous caller of another
    and a repeat all get the same bytes, and the province's document stays its own."""
    from tenants.accounts.roles import Role
    from tests.conftest import client_for, make_user

    admin = client_for(guilin, make_user(guilin, {Role.UNION_ADMIN}))
    asked = [admin.get("/api/schema/", {"format": "json"}),
             anonymous_client(province).get("/api/schema/", {"format": "json"}),
             anonymous_client(huzhou).get("/api/schema/", {"format": "json"}),
             anonymous_client(guilin).get("/api/schema/", {"format": "json"})]
    assert [r.status_code for r in asked] == [200] * 4
    school_first, provincial, other_school, school_again = (r.content for r in asked)
    assert school_first == other_school == school_again
    assert provincial != school_first
    assert "/api/v1/schools/" in asked[1].json()["paths"] and "/api/v1/members/" not in asked[1].json()["paths"]
    assert "/api/v1/members/" in asked[2].json()["paths"]


def test_made_up_languages_versions_and_accept_parameters_are_answered_but_not_kept(guilin):
    """Only the site's document is kept per process: a caller inventing ?lang= or ?version= values
    gets drf-spectacular's answer, generated for that request, and no process memory per value."""
    from api.views import schema

    client = anonymous_client(guilin)
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    kept, renderings = dict(schema._documents), dict(schema._rendered)
    for made_up in ({"lang": "zz-1"}, {"lang": "en"}, {"version": "9"}):
        response = client.get("/api/schema/", {"format": "json", **made_up})
        assert response.status_code == 200 and "/api/v1/members/" in response.json()["paths"]
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json; indent=4")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert schema._documents == kept and schema._rendered == renderings


def test_the_schema_is_openapi_3_with_chinese_descriptions(guilin):
    body = anonymous_client(guilin).get("/api/schema/", {"format": "json"}).json()
    assert body["openapi"].startswith("3.")
    assert body["paths"]["/api/v1/auth/token/"]["post"]["summary"] == "获取访问令牌"


def test_swagger_ui_is_served_with_local_assets(province):
    response = anonymous_client(province).get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content and b"cdn.jsdelivr" not in response.content


@pytest.mark.parametrize("host", ["nosuch.localhost", "localhost.evil.example", "guilin.localhost.cn"])
def test_an_unknown_host_is_404_never_the_provincial_site(client, host, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 404


def test_a_forged_forwarded_host_does_not_switch_tenant(guilin, host_client):
    client = host_client(guilin, [])
    response = client.get("/api/v1/me/", HTTP_X_FORWARDED_HOST="huzhou.localhost")
    assert response.status_code == 200 and response.json()["host"]["slug"] == "guilin"
    anonymous = anonymous_client(guilin).get("/api/v1/school/", HTTP_X_FORWARDED_HOST="localhost")
    assert anonymous.status_code == 401


def test_errors_are_json_in_chinese(guilin):
    response = anonymous_client(guilin).get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["detail"] == "身份认证信息未提供。"


def test_time_zone_and_language(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.LANGUAGE_CODE == "zh-hans" and settings.USE_TZ


def test_an_unknown_api_path_answers_json_on_both_hosts(province, guilin):
    for school in (province, guilin):
        response = anonymous_client(school).get("/api/v1/nosuch/")
        assert response.status_code == 404 and response.json() == {"detail": "没有这个接口。"}


def test_a_body_that_is_not_json_is_explained_in_chinese(guilin):
    response = anonymous_client(guilin).post("/api/v1/auth/token/", "not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    assert "parse error" not in response.json()["detail"]


def test_both_openapi_schemas_generate_and_validate_without_warnings(tmp_path):
    from django.core.management import call_command

    for urlconf in ("config.urls_public", "config.urls_tenant"):
        call_command("spectacular", urlconf=urlconf, file=str(tmp_path / "schema.yml"), validate=True,
                     fail_on_warn=True)


def test_a_post_to_an_unknown_api_path_is_json_404_not_a_csrf_page(guilin, host_client):
    from tenants.accounts.roles import Role

    response = host_client(guilin, [Role.UNION_ADMIN]).post("/api/v1/nonexistent/", {}, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "没有这个接口。"}
