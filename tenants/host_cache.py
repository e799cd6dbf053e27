"""Which school a host name belongs to, remembered per process instead of asked on every request.

django-tenants looks the Host header up in `tenants_domain` (joined to `tenants_school`) before
anything else on every request: one query (plus its `SET search_path`) that answers the same thing
thousands of times a second. This process keeps the answer for `SCHOOL_HOST_CACHE_SECONDS`
(settings, default 5; 0 turns the cache off):

- the key is the host name, the value the School row (with its schema name) it mapped to; each
  request gets its own copy, so nothing a request does to `request.tenant` reaches another;
- any save or delete of a School or Domain row in this process empties the cache at once, and again
  when the transaction commits (so a reader in between cannot put the old row back for long);
- another process (the second gunicorn worker, another machine) sees a change — a school suspended,
  archived or renamed, a domain moved — within `SCHOOL_HOST_CACHE_SECONDS`;
- an unknown host is not remembered (a new school's host answers as soon as it is provisioned).
"""
from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_schools: dict[str, tuple[float, object]] = {}


def ttl() -> float:
    return float(getattr(settings, "SCHOOL_HOST_CACHE_SECONDS", 5))


def school_for_host(hostname: str, load):
    """The School for ``hostname``: remembered, or ``load(hostname)`` (which may raise DoesNotExist)."""
    seconds = ttl()
    if seconds <= 0:
        return load(hostname)
    now = time.monotonic()
    hit = _schools.get(hostname)
    if hit is not None and hit[0] > now:
        return copy.copy(hit[1])
    school = load(hostname)
    with _lock:
        _schools[hostname] = (now + seconds, copy.copy(school))
    return school


def clear(**_kwargs) -> None:
    with _lock:
        _schools.clear()


def _changed(**_kwargs) -> None:
    clear()
    transaction.on_commit(clear)


def connect_signals() -> None:
    from tenants.models import Domain, School

    for model in (School, Domain):
        post_save.connect(_changed, sender=model, dispatch_uid=f"host_cache_save_{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"host_cache_delete_{model.__name__}")
