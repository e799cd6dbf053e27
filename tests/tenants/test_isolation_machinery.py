"""Caches, files, sessions and tasks never cross from one school to another."""
import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.services import school_transition
from tenants.tasks import SchoolTaskRefused, clear_expired_sessions, run_for_every_school
from tests.conftest import in_schema, make_user


def test_cache_entries_are_per_school(guilin, huzhou):
    with in_schema(guilin):
        cache.set("dashboard", "guilin figures")
    with in_schema(huzhou):
        assert cache.get("dashboard") is None
    with in_schema(guilin):
        assert cache.get("dashboard") == "guilin figures"


def test_uploaded_files_land_in_the_schools_own_folder(guilin, huzhou, settings):
    with in_schema(guilin):
        name = default_storage.save("notices/a.txt", ContentFile(b"guilin"))
        guilin_path = default_storage.path(name)
    with in_schema(huzhou):
        assert not default_storage.exists(name)
    assert guilin_path.startswith(str(settings.MEDIA_ROOT / "school_guilin"))


def test_session_cookie_is_host_only_and_worthless_on_another_school(guilin, huzhou):
    make_user(guilin, [Role.MEMBER], username="sess", password="Session-pass-2026")
    browser = Client(HTTP_HOST="guilin.localhost")
    response = browser.post("/login/", {"username": "sess", "password": "Session-pass-2026"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["domain"] == ""
    assert browser.get("/").status_code == 200

    other = Client(HTTP_HOST="huzhou.localhost")
    other.cookies["sessionid"] = cookie.value
    assert other.get("/").status_code == 302  # sent to huzhou's login page


def test_a_school_task_refuses_to_run_without_a_school():
    connection.set_schema_to_public()
    with pytest.raises(SchoolTaskRefused):
        clear_expired_sessions.apply(throw=True)


def test_a_school_task_runs_in_the_schema_it_was_sent_from(guilin, huzhou):
    past = timezone.now() - timezone.timedelta(days=1)
    for school in (guilin, huzhou):
        with in_schema(school):
            Session.objects.create(session_key=f"expired-{school.slug}", session_data="x", expire_date=past)
    with in_schema(guilin):
        assert clear_expired_sessions.delay().get() == 1
        assert not Session.objects.filter(session_key="expired-guilin").exists()
    with in_schema(huzhou):
        assert Session.objects.filter(session_key="expired-huzhou").exists()


def test_the_nightly_job_runs_the_task_once_in_every_active_school(province, guilin, huzhou, hnit):
    past = timezone.now() - timezone.timedelta(days=1)
    for school in (guilin, huzhou):
        with in_schema(school):
            Session.objects.create(session_key=f"expired-{school.slug}", session_data="x", expire_date=past)
    connection.set_schema_to_public()
    school_transition(school=hnit, action="suspend", by=make_user(province, ["province_admin"]), reason="年检未过")

    sent = run_for_every_school.apply(args=("tenants.tasks.clear_expired_sessions",)).get()

    assert sent == 2  # guilin and huzhou; the suspended hnit is skipped
    for school in (guilin, huzhou):
        with in_schema(school):
            assert not Session.objects.filter(session_key__startswith="expired-").exists()
