"""Every list of both hosts costs the same number of queries for one row as for a full page.

Generated from the routers (api.urls_tenant.router for the school host, api.urls_public.router for
the provincial host): a list registered later is requested here without anyone writing a test for
it. On the school host each list is asked for as the school's union admin and as a demo member
(lists a member is refused are skipped with that reason), on the provincial host as the provincial
admin, with page_size=1 and page_size=100; the counts must be equal (less the COUNT a page holding
the whole list does without, tenants/paging.py) and the page must hold at least
three rows, so a query per row cannot hide behind a list of one. Rows the demo has fewer than three
of are copied in ``_fill`` (or created in ``_create_missing`` when there is nothing to copy); a list
that cannot be filled is named in SKIPPED with the reason.

The demo of one school (guilin) and of the province is seeded once per module inside a transaction
that is rolled back at the end; each test runs in a savepoint inside it.

``LIST_QUERIES_REPORT=<file>`` writes the counts (and the in-process time of a 20-row page, median
of three) as a Markdown table — figures for bench/RESULTS.md and for whoever is fixing a list.
"""
from __future__ import annotations

import datetime
import os
import statistics
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from api import urls_public, urls_tenant
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.demo import _ensure_admin, _roll_up_statistics, demo_password, school_seeders
from shared.demo import seed_province
from tenants.models import School
from tests.conftest import client_for, make_user

#: lists that cannot be asked here, with the reason (named, never skipped silently)
SKIPPED: dict[tuple[str, str], str] = {
    ("province admin", "competitions/judging"): "a judge's own list (the scores they owe): counted with the "
                                                "judge's scores in tests/shared",
    ("member", "members"): "a member's list of members is their own row, one by design",
}

HOSTS = {"school": urls_tenant.router, "province": urls_public.router}


def _list_routes(router):
    return [(prefix, basename) for prefix, viewset, basename in router.registry
            if "list" in {action for route in router.get_routes(viewset) for action in route.mapping.values()}]


ROUTES = {host: _list_routes(router) for host, router in HOSTS.items()}
_report: dict[tuple[str, str, str], tuple] = {}
_short: dict[tuple[str, str, str], str] = {}  # why a list could not be filled to three rows


def _create_missing(school: School, users) -> None:
    """Rows the demo has none of (so there is nothing to copy)."""
    from tenants.accounts.models import Notification
    from tenants.members.models import Branch, Group, MembershipApplication

    branch = Branch.objects.order_by("id").first()
    for index in range(3):
        Group.objects.get_or_create(branch=branch, name=f"第{index + 1}小组")
        MembershipApplication.objects.create(name=f"申请人{index}", gender="female", employee_number=f"9{index:05d}",
                                             branch=branch, employment_type="staff")
        for user in users:
            Notification.objects.create(user=user, message=f"通知{index}", link="/")
    _roll_up_statistics([school])  # stats/: the figures seed_demo rolls up
    # circulars/: a copy lacks the recipient rows that address it to the school; publish two more
    from shared.circulars.services import circular_import, circular_publish
    from shared.demo import NOTICE

    with schema_context("public"):
        admin = User.objects.get(username="admin")
        for _ in range(2):
            circular_publish(circular=circular_import(by=admin, text=NOTICE.read_text(encoding="utf-8")), by=admin)
    # webhooks/ and api-keys/ (issue #13): the demo has neither, on either host
    from tenants.apikeys.services import api_key_create
    from tenants.webhooks.services import subscription_create

    later = timezone.now() + datetime.timedelta(days=30)
    for schema, event, scope in ((school.schema_name, "member.created", "members:read"),
                                 ("public", "circular.published", "statistics:read")):
        with schema_context(schema):
            for index in range(3):
                subscription_create(by=None, url=f"http://127.0.0.1:9/hook{index}", event_types=[event],
                                    is_active=False)
                api_key_create(name=f"系统{index}", scopes=[scope], expires_at=later, by=None)


def _changed(value, field, copy: int):
    """``value`` made different for the ``copy``-th copy of a row, or None where that cannot be done
    in place (a foreign key: see _candidates)."""
    from django.db import models

    if isinstance(field, models.ForeignKey) or value is None:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        suffix = f"·{copy}"
        limit = getattr(field, "max_length", None) or 10_000
        return f"{value[:limit - len(suffix)]}{suffix}"
    if isinstance(field, models.DateTimeField | models.DateField):
        return value + datetime.timedelta(days=copy)
    if isinstance(field, models.IntegerField) and not field.choices:
        return value + copy
    return None


def _unique_sets(model):
    """The field sets that must differ between two rows of ``model``."""
    from django.db.models import UniqueConstraint

    sets = [[field.name] for field in model._meta.concrete_fields if field.unique and not field.primary_key]
    sets += [list(together) for together in model._meta.unique_together]
    sets += [list(c.fields) for c in model._meta.constraints if isinstance(c, UniqueConstraint) and c.fields]
    return sets


def _candidates(row, copy: int):
    """Ways to make a copy of ``row`` differ in every unique field set, most likely first: change a
    plain field of each set; where a set has only foreign keys, null one (if it may be) or point it
    at another existing row."""
    model = type(row)
    changes, fk_sets = {}, []
    for names in _unique_sets(model):
        fields = [model._meta.get_field(name) for name in names]
        for field in fields:
            value = _changed(getattr(row, field.attname), field, copy)
            if value is not None:
                changes[field.attname] = value
                break
        else:
            fk_sets.append([field for field in fields if field.is_relation])
    if not fk_sets:
        yield changes
        return
    field = fk_sets[0][0]  # one set of foreign keys is what the lists here have
    if field.null:
        yield {**changes, field.attname: None}
    current = getattr(row, field.attname)
    for other in field.related_model._base_manager.exclude(pk=current).order_by("pk").values_list("pk", flat=True)[:20]:
        yield {**changes, field.attname: other}


def _copy(row, copy: int) -> None:
    """Insert a copy of ``row`` that no unique constraint refuses."""
    from django.db import IntegrityError

    original = {field.attname: getattr(row, field.attname) for field in type(row)._meta.concrete_fields}
    error = None
    for changes in _candidates(row, copy):
        for attname, value in original.items():
            setattr(row, attname, value)
        row.pk = None
        if hasattr(row, "id"):
            row.id = None
        row._state.adding = True
        for attname, value in changes.items():
            setattr(row, attname, value)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            return
        except IntegrityError as exc:
            error = exc
    raise error or IntegrityError("no way to copy")


def _fill(schema: str, school: School, admin_client, router) -> dict[str, str]:
    """Copy the rows of each list the demo fills fewer than three times; the lists that stay short
    and why (a copy refused by a constraint), for the failure message."""
    short = {}
    viewsets = {prefix: viewset for prefix, viewset, _ in router.registry}
    for prefix, _ in _list_routes(router):
        response = admin_client.get(f"/api/v1/{prefix}/", {"page_size": 100})
        if response.status_code != 200 or "results" not in response.json():
            continue
        rows = response.json()["results"]
        if len(rows) >= 3:
            continue
        if not rows:
            short[prefix] = "the demo has no row to copy (create some in _create_missing)"
            continue
        model = viewsets[prefix].queryset.model
        with schema_context(schema):
            if "id" in rows[0]:
                originals = model._base_manager.filter(pk__in=[row["id"] for row in rows])
            elif any(field.name == "school" for field in model._meta.concrete_fields):
                originals = model._base_manager.filter(school=school)  # a row without id: the school's
            else:
                originals = model._base_manager.all()
            originals = list(originals.order_by("pk")[:len(rows)])
            try:
                for copy in range(1, 4 - len(rows)):
                    _copy(model.objects.get(pk=originals[(copy - 1) % len(originals)].pk), copy)
            except Exception as exc:  # noqa: BLE001 - reported as the reason the list stays short
                short[prefix] = f"copy refused: {type(exc).__name__}: {str(exc)[:160]}"
                continue
        if len(admin_client.get(f"/api/v1/{prefix}/", {"page_size": 100}).json()["results"]) < 3:
            short[prefix] = "copies are not shown (the list needs rows the copy lacks: create them in _create_missing)"
    return short


def _seed() -> School:
    """The demo of one school (guilin) and of the province, the other test schools standing in for
    the demo's others: a quarter of `seed_demo`'s time."""
    province = School.objects.get(schema_name="public")
    school = School.objects.get(slug="guilin")
    with schema_context(province.schema_name):
        _ensure_admin(Role.PROVINCE_ADMIN, "省教育工会管理员")
    with schema_context(school.schema_name):
        for seeder in school_seeders():
            seeder(school)
    others = {slug: School.objects.get(slug=slug) for slug in ("huzhou", "hnit")}
    with schema_context(province.schema_name):
        seed_province({"guilin": school, **others, "sxdtu": others["hnit"]}, demo_password())
    connection.set_schema_to_public()
    return school


@pytest.fixture(scope="module")
def seeded_school(django_db_setup, django_db_blocker):
    """The demo region seeded once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            school = _seed()
            yield school
        finally:
            connection.set_schema_to_public()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            _write_report()


@pytest.fixture(scope="module")
def clients(seeded_school):
    """The school's union admin, demo member1 and the provincial admin, with each list they read
    filled to three rows."""
    with schema_context(seeded_school.schema_name):
        member = User.objects.get(username="member1")
    admin = make_user(seeded_school, [Role.UNION_ADMIN])
    with schema_context(seeded_school.schema_name):
        _create_missing(seeded_school, [admin, member])
    province = School.objects.get(schema_name="public")
    made = {"admin": client_for(seeded_school, admin), "member": client_for(seeded_school, member),
            "province": client_for(province, make_user(province, [Role.PROVINCE_ADMIN]))}
    for who in ("admin", "member", "province"):
        host = "province" if who == "province" else "school"
        schema = "public" if host == "province" else seeded_school.schema_name
        short = _fill(schema, seeded_school, made[who], HOSTS[host])
        _short.update({(host, who, prefix): why for prefix, why in short.items()})
    connection.set_schema_to_public()
    return made


def _queries(client, path, page_size):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(captured), response.json()


def _ms_for_twenty(client, path) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        client.get(path, {"page_size": 20})
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def _check(client, host, who, prefix):
    if (who, prefix) in SKIPPED:
        pytest.skip(SKIPPED[who, prefix])
    path = f"/api/v1/{prefix}/"
    if who == "member" and client.get(path, {"page_size": 1}).status_code == 403:
        pytest.skip("not a member's list: a member is refused it (403)")
    one, _ = _queries(client, path, 1)
    many, page = _queries(client, path, 100)
    rows = len(page["results"]) if isinstance(page, dict) and "results" in page else None
    if os.environ.get("LIST_QUERIES_REPORT"):
        _report[(host, prefix, who)] = (one, many, rows, _ms_for_twenty(client, path))
    assert rows is not None, f"{path} is not a paginated list"
    if who == "member" and rows == 0:
        pytest.skip("a member reads this list but the demo has nothing of member1's in it")
    why = _short.get((host, who, prefix)) or "add rows in _create_missing"
    assert rows >= 3, f"{path} as {who} has too few rows to tell ({rows}): {why} — or name it in SKIPPED with the reason"
    # a page holding the whole list skips its COUNT (tenants/paging.py; a list built in Python has none)
    assert one - 1 <= many <= one, f"{path} as {who}: {one} queries for 1 row, {many} for {rows} rows"


@pytest.mark.parametrize("prefix", [prefix for prefix, _ in ROUTES["school"]])
def test_a_school_list_costs_the_same_for_one_row_and_a_page(clients, prefix):
    _check(clients["admin"], "school", "admin", prefix)


@pytest.mark.parametrize("prefix", [prefix for prefix, _ in ROUTES["school"]])
def test_a_members_list_costs_the_same_for_one_row_and_a_page(clients, prefix):
    _check(clients["member"], "school", "member", prefix)


@pytest.mark.parametrize("prefix", [prefix for prefix, _ in ROUTES["province"]])
def test_a_provincial_list_costs_the_same_for_one_row_and_a_page(clients, prefix):
    _check(clients["province"], "province", "province admin", prefix)


def _write_report() -> None:
    target = os.environ.get("LIST_QUERIES_REPORT")
    if not target or not _report:
        return
    lines = ["| host | list | as | queries, 1 row | queries, 100 rows | rows | ms for 20 rows (in-process) |",
             "|---|---|---|--:|--:|--:|--:|"]
    for (host, prefix, who), (one, many, rows, ms) in sorted(_report.items()):
        mark = "" if one == many else " ✗"
        lines.append(f"| {host} | {prefix}/ | {who} | {one} | {many}{mark} | {rows} | {ms:.1f} |")
    with open(target, "w") as out:
        out.write("\n".join(lines) + "\n")
