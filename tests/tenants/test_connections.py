"""A persistent connection is closed after serving DB_MAX_SCHOOLS_PER_CONNECTION different
schools (tenants/connections.py): a backend's catalog cache grows with every school it touches."""
import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.tasks import clear_expired_sessions


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def visit(school) -> None:
    Client().get("/healthz", HTTP_HOST=f"{school.slug}.localhost")


def test_the_connection_is_replaced_after_the_limit_of_different_schools(committed_db, settings, guilin,
                                                                         huzhou, hnit):
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = 2
    connection.close()
    first = backend_pid()
    for school in (guilin, huzhou, guilin, huzhou):  # two different schools: within the limit
        visit(school)
        assert backend_pid() == first
    visit(hnit)  # the third different school: closed after this request
    second = backend_pid()
    assert second != first
    # the count starts again with the new backend
    visit(guilin)
    visit(huzhou)
    assert backend_pid() == second


def test_background_tasks_count_too(committed_db, settings, guilin, huzhou, hnit):
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = 2
    connection.close()
    first = backend_pid()
    for school in (guilin, huzhou):
        with schema_context(school.schema_name):
            clear_expired_sessions.apply(throw=True)
    assert backend_pid() == first
    with schema_context(hnit.schema_name):
        clear_expired_sessions.apply(throw=True)
        assert backend_pid() != first


def test_no_limit_keeps_the_connection(committed_db, settings, guilin, huzhou, hnit):
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = 0
    connection.close()
    first = backend_pid()
    for school in (guilin, huzhou, hnit):
        visit(school)
    assert backend_pid() == first


@pytest.mark.django_db
def test_a_connection_inside_a_transaction_is_never_closed(settings, guilin, huzhou, hnit):
    settings.DB_MAX_SCHOOLS_PER_CONNECTION = 1
    first = backend_pid()
    for school in (guilin, huzhou, hnit):
        visit(school)
    assert connection.in_atomic_block
    assert backend_pid() == first
