"""Persistent database connections with a bounded catalog cache.

A PostgreSQL backend caches the catalog entries (relcache, catcache, plans) of every table it has
opened, and never gives them back while it lives. With schema-per-school, each school is ~80
tables and ~325 indexes of its own: a persistent connection (CONN_MAX_AGE) that serves requests
for school after school grows by the catalog of every school it has touched — bench/scale.py
measures the growth. So a connection is closed (and the next request opens a fresh backend)
once it has served DB_MAX_SCHOOLS_PER_CONNECTION different schemas, counted after each request
and each Celery task. Within a request or a task nothing changes; a connection inside an atomic
block is never closed (it is counted and closed at the next opportunity).
"""
from __future__ import annotations

from django.conf import settings
from django.db import connections


def _start_counting(sender, connection, **kwargs) -> None:
    """A new backend: it has served no school yet."""
    connection._eduunion_schemas = set()


def recycle_if_too_many_schools(**kwargs) -> None:
    """After a request or a task: note the schema each open connection served; close the
    connections that have served more than the limit."""
    limit = getattr(settings, "DB_MAX_SCHOOLS_PER_CONNECTION", 0)
    if not limit:
        return
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        seen = conn.__dict__.setdefault("_eduunion_schemas", set())
        schema = getattr(conn, "schema_name", None)
        if schema:
            seen.add(schema)
        if len(seen) > limit and not conn.in_atomic_block:
            conn.close()


def connect_signals() -> None:
    from django.core.signals import request_finished
    from django.db.backends.signals import connection_created

    connection_created.connect(_start_counting, dispatch_uid="eduunion-recycle-connections")
    request_finished.connect(recycle_if_too_many_schools, dispatch_uid="eduunion-recycle-connections")
    try:
        from celery.signals import task_postrun
    except ImportError:  # pragma: no cover - celery is a dependency
        return
    task_postrun.connect(recycle_if_too_many_schools, dispatch_uid="eduunion-recycle-connections", weak=False)

