"""Whether a schema's data changed since a page was computed: one token per schema, replaced after
every committed write, so an expensive page (the 工作台) is computed again only when something it
reads may have changed, and otherwise served from the shared cache.

- Every statement on a Django connection passes `_watch` (installed when the connection opens). A
  write (anything but SELECT, SET, SHOW, transaction control) names its table; the table says which
  schema changed: a provincial table (an app only in SHARED_APPS) is `public`, any other the
  connection's school (or the schema the statement names). A statement whose table cannot be read
  changes both — the safe side.
- The token of each changed schema is replaced once the transaction commits (at once in autocommit).
  A reader that read the old token and computed from newer rows only stores a value that the new
  token already voids; a write rolled back replaces nothing.
- Inside a transaction that has written a schema and not committed yet, `remembered` neither reads
  nor stores the cache for that schema: what the connection sees is not what others see.
- Bookkeeping tables that no cached page reads (the cache itself, sessions, the outboxes, API keys'
  "last used") do not count as changes: otherwise every request with a session or an API key would
  void every page.
- Values also age out after `seconds` (the 工作台's clock-dependent counters: "overdue", "7 days
  left") and belong to one day; a write that bypasses Django (psql by hand) is seen within that age.

Keys name their schema explicitly (the `shared` cache has no per-schema key function), so one
school's value can never answer for another's: the schema is part of every key.
"""
from __future__ import annotations

import functools
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connections
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenants.app_lists import public_only_app_labels

logger = logging.getLogger(__name__)

PUBLIC = get_public_schema_name()
_READ_HEADS = ("SELECT", "SET", "SHOW", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "START",
               "EXPLAIN", "FETCH", "DECLARE", "CLOSE", "VALUES")
_WRITTEN_TABLE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?'
    r'(?:"?(?P<schema>[\w-]+)"?\.)?"?(?P<table>\w+)"?', re.IGNORECASE)


def cache():
    return caches["shared"]


def token_key(schema: str) -> str:
    return f"freshness:{schema}"


@functools.cache
def _tables() -> tuple[frozenset, frozenset]:
    """(provincial tables, tables that are not changes of anything a cached page reads)."""
    from django.apps import apps
    from django.contrib.sessions.models import Session

    from tenants.apikeys.models import ApiKey
    from tenants.mail.models import OutgoingMail
    from tenants.outbox.models import OutboxMessage

    public_only = public_only_app_labels()
    provincial = {model._meta.db_table for model in apps.get_models(include_auto_created=True)
                  if model._meta.app_label in public_only}
    ignored = {Session._meta.db_table, ApiKey._meta.db_table, OutgoingMail._meta.db_table,
               OutboxMessage._meta.db_table}
    for alias in settings.CACHES.values():
        if alias["BACKEND"].endswith("DatabaseCache"):
            ignored.add(alias["LOCATION"])
    return frozenset(provincial), frozenset(ignored)


def schemas_written(sql: str, schema: str) -> tuple[str, ...]:
    """The schemas a write statement on a connection set to ``schema`` changes; () for a read or a
    bookkeeping write."""
    head = sql[:24].lstrip(" \t\n(")[:9].upper()  # a UNION's parts come in brackets
    if head.startswith(_READ_HEADS):
        return ()
    match = _WRITTEN_TABLE.match(sql)
    if match is None:
        return tuple(dict.fromkeys((schema, PUBLIC)))
    provincial, ignored = _tables()
    table = match["table"]
    if table in ignored:
        return ()
    if match["schema"]:
        return (match["schema"],)
    return (PUBLIC,) if table in provincial or schema == PUBLIC else (schema,)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    connection = context["connection"]
    schema = getattr(connection, "schema_name", PUBLIC) or PUBLIC
    written = schemas_written(sql if isinstance(sql, str) else str(sql), schema)
    if written:
        _changed(connection, written)
    return result


def _pending(connection) -> dict:
    return connection.__dict__.setdefault("_freshness_pending", {})


def _uncommitted(connection, schema: str) -> bool:
    """Whether this connection's open transaction has written ``schema`` (its renewal still waits
    for the commit). A rolled-back transaction or savepoint drops its callbacks, and so this."""
    waiting = _pending(connection).get(schema)
    return waiting is not None and any(func is waiting for _, func, _ in connection.run_on_commit)


def _changed(connection, schemas) -> None:
    if not connection.in_atomic_block:
        renew(schemas)
        return
    for schema in schemas:
        if _uncommitted(connection, schema):
            continue
        waiting = functools.partial(renew, (schema,))
        _pending(connection)[schema] = waiting
        connection.on_commit(waiting, robust=True)


#: PostgreSQL's undefined_table
_UNDEFINED_TABLE = "42P01"


def renew(schemas) -> None:
    """Void every value remembered for ``schemas``."""
    try:
        cache().set_many({token_key(schema): uuid.uuid4().hex for schema in schemas}, timeout=None)
    except Exception as exc:  # noqa: BLE001 - the write stands; the values age out within their seconds
        if isinstance(exc, ProgrammingError) and getattr(exc.__cause__, "pgcode", None) == _UNDEFINED_TABLE:
            # the database cache's table is not there yet (`migrate` on a new database writes
            # before `createcachetable`): nothing can have been remembered, so nothing is voided
            return
        logger.exception("could not renew the freshness tokens of %s", ", ".join(schemas))


def remembered(name: str, *, schemas: tuple[str, ...], compute, seconds: int | None = None):
    """``compute()``, or the value it returned last time for ``name`` if none of ``schemas`` has been
    written since, it is less than ``seconds`` old and from today. ``name`` must say whose value it
    is (the page and the user); the schemas are added to the key."""
    seconds = settings.REMEMBERED_PAGE_SECONDS if seconds is None else seconds
    connection = connections[DEFAULT_DB_ALIAS]  # the thread's own, not the proxy (its __dict__ is the proxy's)
    if seconds <= 0 or any(_uncommitted(connection, schema) for schema in schemas):
        return compute()
    store = cache()
    key = f"remembered:{'+'.join(schemas)}:{name}"
    tokens = [token_key(schema) for schema in schemas]
    found = store.get_many([*tokens, key])
    for missing in (token for token in tokens if token not in found):
        # a first visit, or the token was culled: a new one voids anything stored before
        fresh = uuid.uuid4().hex
        found[missing] = fresh if store.add(missing, fresh, timeout=None) else store.get(missing, fresh)
    current = tuple(found[token] for token in tokens)
    today = timezone.localdate()
    hit = found.get(key)
    if hit is not None and hit[0] == current and hit[1] == today:
        return hit[2]
    value = compute()
    store.set(key, (current, today, value), timeout=seconds)
    return value


def connect_signals() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_install, dispatch_uid="eduunion-freshness")


def _install(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)
