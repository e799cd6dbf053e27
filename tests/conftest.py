"""The fixture layer every test builds on.

- The test database is made once per run by `manage.py migrate` (public, template, snapshot),
  then three schools are provisioned through the real service: guilin, huzhou, hnit.
- Every test runs inside a transaction that is rolled back (pytest-django's `db`), so schools,
  users and records a test creates vanish afterwards; the three schools stay.
- `host_client(school, roles=[...])` gives a DRF client on that school's host (or the
  provincial host for `province`), logged in with a fresh token of a user holding those roles.
"""
from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from tenants import host_cache

from tenants.accounts.services import token_for, user_create
from tenants.models import School
from tenants.services import ensure_province, school_provision

# Fixtures shared across test folders (e.g. the congress setting used by API and page tests).
pytest_plugins = ["tests.congress.fixtures"]

TEST_SCHOOLS = {"guilin": "桂林学院", "huzhou": "湖州师范学院", "hnit": "湖南信息学院"}
ADMIN_PASSWORD = "Test-pass-2026"
_user_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    with django_db_blocker.unblock():
        from tests.browser import conftest as browser

        if browser.wanted(request.session.items):
            # the browser harness's database: a copy of the freshly migrated one, before the test schools
            browser.copy_migrated_database()
        ensure_province()
        for slug, name in TEST_SCHOOLS.items():
            if not School.objects.filter(slug=slug).exists():
                school_provision(slug=slug, name=name, by=None, admin_username="admin",
                                 admin_password=ADMIN_PASSWORD)


# tryfirst: pytest-xdist reads the xdist_group markers in its own collection hook (it renames the
# node ids after them), so they must be on the items before that hook runs.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test runs in a transaction that is rolled back, except those asking for committed_db."""
    for item in items:
        # Browser tests talk to a server process over HTTP; their harness owns its database and
        # starts once per worker, so they all run on one worker (pytest-xdist's loadgroup).
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))
            continue
        if "demo_region" in getattr(item, "fixturenames", ()):
            # One worker runs them all, one after the other, so the run seeds the demo once (demo_region).
            item.add_marker(pytest.mark.xdist_group("demo"))
        if "committed_db" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)
    # The tests wanting the demo last, one after the other, so a run without xdist seeds it once
    # too (demo_region keeps it for the next test that wants it).
    items.sort(key=lambda item: "demo_region" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def _back_to_public_after_each_test():
    yield
    connection.set_schema_to_public()
    # A rolled-back test's schools and domains sent no signal on the way out: forget them.
    host_cache.clear()
    # Nor do counters a test left in the (per-process) cache: login throttles, refusal audits.
    cache.clear()
    caches["shared"].clear()


# The demo region, seeded and kept open between the modules that want it (see demo_region).
_demo_outer = []
# The test pytest runs after the one being torn down (None at the end): read by demo_region's
# teardown, which keeps the demo for a next module that asks for it too.
_next_item = [None]


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    _next_item[0] = nextitem
    yield


@pytest.fixture(scope="module")
def demo_region(django_db_setup, django_db_blocker):
    """The README's demo (`seed_demo`), seeded once for the tests that ask for it.

    Seeding takes most of a minute on a busy machine, so it is paid once: it is written in an
    outer transaction that each test's own transaction nests in (as a savepoint), and that is rolled
    back when a module's last test is done — unless the next test (another module's) asks for the
    demo too, which then reuses it. The tests asking for it run one after the other (last without
    xdist, in the "demo" group on one worker with it: pytest_collection_modifyitems), so a run
    seeds the demo once, and a test that does not ask for it never sees it."""
    from django.core.management import call_command
    from django.db import transaction

    if not _demo_outer:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                call_command("seed_demo")
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
            finally:
                connection.set_schema_to_public()
            _demo_outer.append(outer)
    yield
    following = _next_item[0]
    if following is not None and "demo_region" in getattr(following, "fixturenames", ()):
        return
    with django_db_blocker.unblock():
        outer = _demo_outer.pop()
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        connection.set_schema_to_public()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """For tests that need several connections to see the same rows (concurrency): nothing is
    rolled back, so the test deletes what it created (register callables with ``cleanup``)."""
    cleanups = []
    with django_db_blocker.unblock():
        yield cleanups
        connection.set_schema_to_public()
        for cleanup in reversed(cleanups):
            cleanup()
        connection.set_schema_to_public()


@pytest.fixture
def province():
    return School.objects.get(schema_name="public")


@pytest.fixture
def guilin():
    return School.objects.get(slug="guilin")


@pytest.fixture
def huzhou():
    return School.objects.get(slug="huzhou")


@pytest.fixture
def hnit():
    return School.objects.get(slug="hnit")


def host_of(school: School) -> str:
    return school.domains.get(is_primary=True).domain


def anonymous_client(school: School) -> APIClient:
    return APIClient(HTTP_HOST=host_of(school))


def make_user(school: School, roles, username: str | None = None, password: str = ADMIN_PASSWORD, **extra):
    with schema_context(school.schema_name):
        user, _ = user_create(username=username or f"user{next(_user_numbers)}", roles=roles,
                              password=password, by=None, **extra)
    return user


def client_for(school: School, user) -> APIClient:
    client = anonymous_client(school)
    with schema_context(school.schema_name):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=user).key}")
    client.user = user
    return client


@pytest.fixture
def host_client():
    """host_client(school, roles=[...]) -> APIClient authenticated on that school's host."""

    def make(school: School, roles=(), **extra) -> APIClient:
        return client_for(school, make_user(school, list(roles), **extra))

    return make


def in_schema(school: School):
    return schema_context(school.schema_name)


def delete_user_for_cleanup(schema: str, user_id: int) -> None:
    """Committed-test cleanup: remove an account and what hangs on it with plain SQL (the ORM's
    cascade would look for school-only tables when run on the public schema)."""
    with connection.cursor() as cursor:
        for table, column in (("authtoken_token", "user_id"), ("audit_auditrecord", "actor_id"),
                              ("accounts_user", "id")):
            cursor.execute(f'DELETE FROM "{schema}".{table} WHERE {column} = %s', [user_id])
        # the account's own creation record names it; left behind, it shows in later tests' 操作日志
        cursor.execute(f'DELETE FROM "{schema}".audit_auditrecord WHERE target_type = %s AND target_id = %s',
                       ["accounts.user", str(user_id)])


def signed_in(school: School, roles, username=None):
    """A page client (Django's test Client) signed in through the login form on that school's host
    — or the provincial host for `province` — as a new user holding `roles` (`client.user`)."""
    from django.test import Client

    user = make_user(school, roles, username=username)
    client = Client(HTTP_HOST="localhost" if school.schema_name == "public" else f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    client.user = user
    return client


def text(response) -> str:
    return response.content.decode()
