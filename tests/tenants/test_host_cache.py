"""The per-process memory of which school a host belongs to (tenants/host_cache.py): a change made
here applies on the next request, a change made elsewhere within SCHOOL_HOST_CACHE_SECONDS, and
never does one school's host get another school's row."""
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import host_cache
from tenants.accounts.roles import Role
from tenants.accounts.services import user_update
from tenants.models import Domain, School
from tenants.services import school_transition
from tests.conftest import anonymous_client, in_schema, make_user


def _domain_lookups(client, path="/api/v1/me/"):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, sum("tenants_domain" in query["sql"] for query in captured.captured_queries)


def test_the_second_request_does_not_look_the_host_up(settings, guilin, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 600  # a process's first request may take seconds to load
    client = host_client(guilin, [Role.MEMBER])
    first, lookups = _domain_lookups(client)
    assert first.status_code == 200 and lookups == 1
    second, lookups = _domain_lookups(client)
    assert second.status_code == 200 and lookups == 0
    assert second.wsgi_request.tenant.schema_name == "school_guilin"


def test_each_host_gets_its_own_school_and_its_own_copy(settings, guilin, huzhou, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 600
    on_guilin, on_huzhou = host_client(guilin, [Role.MEMBER]), host_client(huzhou, [Role.MEMBER])
    for _ in range(2):
        assert on_guilin.get("/api/v1/me/").wsgi_request.tenant.schema_name == "school_guilin"
        assert on_huzhou.get("/api/v1/me/").wsgi_request.tenant.schema_name == "school_huzhou"
    # a request that scribbles on its school row leaves the next request's row alone
    on_guilin.get("/api/v1/me/").wsgi_request.tenant.name = "涂改"
    assert on_guilin.get("/api/v1/me/").wsgi_request.tenant.name == "桂林学院"
    # a token of one school is still worthless on another school's host
    stolen = anonymous_client(huzhou)
    stolen.credentials(HTTP_AUTHORIZATION=on_guilin._credentials["HTTP_AUTHORIZATION"])
    assert stolen.get("/api/v1/me/").status_code == 401


def test_a_suspended_or_archived_school_is_refused_on_the_next_request(settings, province, guilin, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 600
    office = make_user(province, [Role.PROVINCE_ADMIN])
    client = host_client(guilin, [Role.UNION_ADMIN])
    assert client.get("/api/v1/me/").status_code == 200  # remembered now
    school_transition(school=guilin, action="suspend", by=office, reason="欠费")
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 403 and refused.json()["detail"] == "该校账户已停用"
    school_transition(school=guilin, action="activate", by=office)
    assert client.get("/api/v1/me/").status_code == 200
    school_transition(school=guilin, action="archive", by=office, reason="合并")
    assert client.get("/api/v1/me/").json()["detail"] == "该校账户已归档"


def test_a_renamed_school_and_a_moved_domain_apply_on_the_next_request(settings, guilin, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 600
    client = host_client(guilin, [Role.MEMBER])
    assert client.get("/api/v1/me/").wsgi_request.tenant.name == "桂林学院"
    guilin.name = "桂林学院（新）"
    guilin.save(update_fields=["name"])
    assert client.get("/api/v1/me/").wsgi_request.tenant.name == "桂林学院（新）"
    Domain.objects.filter(domain="guilin.localhost").get().delete()
    assert client.get("/api/v1/me/").status_code == 404  # the host is no longer ours


def test_a_change_made_by_another_process_applies_within_the_stated_time(settings, guilin, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 0.3
    client = host_client(guilin, [Role.MEMBER])
    assert client.get("/api/v1/me/").status_code == 200
    # another process's write: no signal reaches this one
    School.objects.filter(pk=guilin.pk).update(status=School.Status.SUSPENDED)
    assert client.get("/api/v1/me/").status_code == 200  # still remembered here…
    time.sleep(0.35)
    assert client.get("/api/v1/me/").status_code == 403  # …but not for longer than stated


def test_the_cache_can_be_turned_off(settings, guilin, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 0
    client = host_client(guilin, [Role.MEMBER])
    client.get("/api/v1/me/")
    assert _domain_lookups(client)[1] == 1 and not host_cache._schools


def test_an_unknown_host_is_not_remembered(settings, guilin):
    settings.SCHOOL_HOST_CACHE_SECONDS = 600
    from rest_framework.test import APIClient

    assert APIClient(HTTP_HOST="nowhere.localhost").get("/api/v1/me/").status_code == 404
    assert "nowhere.localhost" not in host_cache._schools


def test_a_removed_role_is_refused_on_the_next_request(settings, guilin, host_client):
    settings.SCHOOL_HOST_CACHE_SECONDS = 600
    client = host_client(guilin, [Role.UNION_ADMIN, Role.MEMBER])
    assert client.get("/api/v1/audit/").status_code == 200
    with in_schema(guilin):
        user_update(user=client.user, by=None, roles=[Role.MEMBER])
    assert client.get("/api/v1/audit/").status_code == 403
    with in_schema(guilin):
        user_update(user=client.user, by=None, is_active=False)
    assert client.get("/api/v1/me/").status_code == 401
