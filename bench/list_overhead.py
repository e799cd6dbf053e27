"""bench/list_overhead.py — what every API list request paid before any row was read (issue #14, stop 25).

    .venv/bin/python bench/list_overhead.py

No database: it times, in one process, (1) resolving API paths with the routers' patterns as DRF
lists them (flat) and as api/routers.py nests them under their first segment, and (2) the filter
step of the members list with no filter parameter, through django-filter's own backend and through
api.filters.FilterBackend (the queryset is never evaluated). Prints the median of 5 runs per line.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


def per_call_ms(call, repeat: int) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            call()
        runs.append((time.perf_counter() - started) / repeat * 1000)
    return statistics.median(runs)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATABASE_URL", "postgres://unused@127.0.0.1:1/unused")  # nothing connects
    import django
    django.setup()
    from django.urls.resolvers import RegexPattern, URLResolver
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework.request import Request
    from rest_framework.routers import DefaultRouter
    from rest_framework.test import APIRequestFactory

    from api import urls_public, urls_tenant
    from api.filters import FilterBackend
    from api.views.members import MemberViewSet
    from tenants.members.models import Member

    for host, router, paths in (
            ("school", urls_tenant.router, ["me/", "members/", "calendar/", "notices/", "webhooks/"]),
            ("province", urls_public.router, ["schools/", "subsidies/applications/", "webhooks/"])):
        flat = DefaultRouter.get_urls(router)
        nested = router.get_urls()
        resolvers = {"flat": URLResolver(RegexPattern(r"^/"), flat), "nested": URLResolver(RegexPattern(r"^/"), nested)}
        print(f"{host}: {len(flat)} patterns flat, {len(nested)} segments nested")
        for path in paths:
            if path == "me/" and host == "school":
                continue  # /me/ is outside the router (the floor)
            times = {name: per_call_ms(lambda r=resolver: r.resolve("/" + path), 2000)
                     for name, resolver in resolvers.items()}
            print(f"  resolve /api/v1/{path}: flat {times['flat']:.3f} ms, nested {times['nested']:.3f} ms")

    request = Request(APIRequestFactory().get("/api/v1/members/?page_size=20"))
    view = MemberViewSet()
    view.request, view.action, view.format_kwarg = request, "list", None
    rows = Member.objects.all()
    for name, backend in (("django-filter's backend", DjangoFilterBackend()), ("api.filters.FilterBackend", FilterBackend())):
        print(f"members list, no filter asked, {name}: {per_call_ms(lambda b=backend: b.filter_queryset(request, rows, view), 200):.3f} ms")


if __name__ == "__main__":
    main()
