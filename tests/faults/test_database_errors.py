"""Which database errors are "the database is away" (503, retry) and which stay server errors."""
from __future__ import annotations

import json

import psycopg2
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from web.errors import database_unavailable, server_error


def _wrapped(django_class, original):
    try:
        raise django_class(str(original)) from original
    except django_class as exc:
        return exc


def test_lost_and_refused_connections_are_the_database_away():
    assert database_unavailable(_wrapped(OperationalError, psycopg2.OperationalError("server closed the connection")))
    assert database_unavailable(_wrapped(InterfaceError, psycopg2.InterfaceError("connection already closed")))
    assert database_unavailable(_wrapped(OperationalError, psycopg2.errors.AdminShutdown("terminating connection")))
    assert database_unavailable(_wrapped(OperationalError, psycopg2.errors.CrashShutdown("crash")))
    assert database_unavailable(_wrapped(OperationalError, psycopg2.errors.CannotConnectNow("starting up")))
    assert database_unavailable(_wrapped(OperationalError, psycopg2.errors.TooManyConnections("too many")))
    assert database_unavailable(_wrapped(OperationalError, psycopg2.errors.ConnectionFailure("08006")))


def test_a_cancelled_statement_or_a_deadlock_is_not():
    assert not database_unavailable(_wrapped(OperationalError, psycopg2.errors.QueryCanceled("statement timeout")))
    assert not database_unavailable(_wrapped(OperationalError, psycopg2.errors.DeadlockDetected("deadlock")))
    assert not database_unavailable(ValueError("x"))


def test_a_live_server_refusing_a_statement_is_a_server_error_not_the_database_away():
    # psycopg2 raises these as OperationalError too, but the server is up: retrying will not help
    for error in (psycopg2.errors.DiskFull, psycopg2.errors.OutOfMemory, psycopg2.errors.LockNotAvailable,
                  psycopg2.errors.StatementTooComplex, psycopg2.errors.ProgramLimitExceeded):
        assert not database_unavailable(_wrapped(OperationalError, error("on a live server"))), error
    assert not database_unavailable(None)


def test_the_handler_answers_503_in_chinese_for_api_and_pages():
    factory = RequestFactory()
    error = _wrapped(OperationalError, psycopg2.OperationalError("server closed the connection"))
    try:
        raise error
    except OperationalError:
        api = server_error(factory.get("/api/v1/me/"))
        page = server_error(factory.get("/members/"))
        health = server_error(factory.get("/healthz"))
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert json.loads(api.content)["detail"].startswith("数据库暂时不可用")
    assert page.status_code == 503 and "数据库暂时不可用" in page.content.decode()
    assert health.status_code == 503 and json.loads(health.content)["database"] == "error: OperationalError"
    assert set(json.loads(health.content)) == {"status", "database", "broker", "detail"}
    try:
        raise ValueError("not the database")
    except ValueError:
        assert server_error(factory.get("/api/v1/me/")).status_code == 500


def test_a_real_limit_error_from_the_live_test_server_is_not_the_database_away(db):
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: the test goes on
            cursor.execute("SELECT " + ", ".join(["1"] * 1700))  # more than 1664 columns: 54011
    except OperationalError as exc:
        assert exc.__cause__.pgcode == "54011" and not database_unavailable(exc)
    else:
        raise AssertionError("the server accepted 1700 columns")
