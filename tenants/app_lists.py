"""Which apps live where: an app only in SHARED_APPS has its tables in the public schema alone (a
school's connection reaches them through its search path); every other app has a copy per school."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def public_only_app_labels() -> frozenset[str]:
    from django.apps import apps

    school_apps = set(settings.TENANT_APPS)
    return frozenset(config.label for config in apps.get_app_configs() if config.name not in school_apps)
