"""Every endpoint of both hosts, taken from the routers themselves: the owner gets in, a user of the
same school without the right is refused (or sees nothing that is not theirs), and a user of
another school finds nothing — 404, as if the record did not exist.

A new endpoint that is not in these tables fails the test until someone says who may use it.
"""
import pytest

from api.urls_public import router as province_router
from api.urls_tenant import router as school_router
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shared.competitions.models import Judge
from shared.honours.models import HonourKind, HonourRecord
from shared.staffhomes.models import HomeApplication, Round
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.apikeys.services import api_key_create
from tenants.finance.models import LedgerEntry
from tenants.members.models import Branch, Group
from tenants.services import school_provision
from tenants.webhooks.services import subscription_create
from tests.conftest import client_for, in_schema

EVERYONE, ADMIN, OWN = "everyone of the school", "union office only", "only what is theirs"
PROVINCIAL = "addressed by the province to every school"

SCHOOL_ENDPOINTS = {
    "audit": ADMIN, "branch": EVERYONE, "group": EVERYONE, "department": EVERYONE, "member": OWN,
    "membership-application": OWN, "congress": EVERYONE, "delegation": EVERYONE, "delegate": EVERYONE,
    "proposal": OWN, "suggestion": OWN, "notification": OWN, "honour-campaign": PROVINCIAL,
    "honour-nomination": ADMIN, "honour-record": EVERYONE, "competition-entry": ADMIN, "competition": PROVINCIAL,
    "circular": EVERYONE, "staffhome-criterion": PROVINCIAL, "staffhome-round": PROVINCIAL,
    "staffhome-application": ADMIN, "stats": EVERYONE, "subsidy-programme": PROVINCIAL,
    "subsidy-application": ADMIN,
}
# issue #10: one table per area, so the areas' endpoints are added side by side
BOOKS_ENDPOINTS: dict[str, str] = {"ledger": ADMIN, "books-budget": ADMIN, "books-closed-year": ADMIN}

CARE_ENDPOINTS: dict[str, str] = {
    "care-standard": ADMIN, "care-visit": ADMIN, "care-life-event": ADMIN, "care-batch": ADMIN,
}

HARDSHIP_ENDPOINTS: dict[str, str] = {"hardship-case": ADMIN, "hardship-level": ADMIN}

AID_ENDPOINTS: dict[str, str] = {
    "aid-scheme": EVERYONE, "aid-category": EVERYONE, "aid-enrolment": OWN, "aid-claim": OWN,
}

# issue #11
ACTIVITY_ENDPOINTS: dict[str, str] = {"activity": EVERYONE, "activity-registration": OWN}

HEALTH_CHECK_ENDPOINTS: dict[str, str] = {
    "health-check": ADMIN, "health-check-batch": ADMIN, "health-check-assignment": OWN,
}

TRIP_ENDPOINTS: dict[str, str] = {"trip-batch": EVERYONE, "trip-application": OWN}

AWARD_ENDPOINTS: dict[str, str] = {
    "award-campaign": ADMIN, "award-nomination": ADMIN, "award-objection": OWN, "award-honour": OWN,
    "award-publicity": EVERYONE,
}

RETIREMENT_ENDPOINTS: dict[str, str] = {"retirement-ceremony": ADMIN}

# issue #12 (each helper fills its own table)
WORKPLAN_ENDPOINTS: dict[str, str] = {"workplan-plan": EVERYONE, "workplan-task": EVERYONE}
CALENDAR_ENDPOINTS: dict[str, str] = {"calendar": EVERYONE, "calendar-report": ADMIN, "pledge": EVERYONE}
NOTICE_ENDPOINTS: dict[str, str] = {"notice": OWN}
SUMMARY_ENDPOINTS: dict[str, str] = {"year-summary": ADMIN}
# issue #13
APIKEY_ENDPOINTS: dict[str, str] = {"api-key": ADMIN}
WEBHOOK_ENDPOINTS: dict[str, str] = {"webhook": ADMIN}

SCHOOL_ENDPOINTS.update({**BOOKS_ENDPOINTS, **CARE_ENDPOINTS, **HARDSHIP_ENDPOINTS, **AID_ENDPOINTS,
                         **ACTIVITY_ENDPOINTS, **HEALTH_CHECK_ENDPOINTS, **TRIP_ENDPOINTS, **AWARD_ENDPOINTS,
                         **RETIREMENT_ENDPOINTS, **WORKPLAN_ENDPOINTS, **CALENDAR_ENDPOINTS, **NOTICE_ENDPOINTS,
                         **SUMMARY_ENDPOINTS, **APIKEY_ENDPOINTS,
                         **WEBHOOK_ENDPOINTS})
# School endpoints outside the router, the union office's alone (issue #13: 统一身份认证 settings, one row
# per school and the same path on every school host: another school's admin reaches only their own).
SCHOOL_ADMIN_ONLY_PATHS = ["/api/v1/sso/settings/"]

# Which of the owner's rows to probe, where the first one could be visible to anyone.
PROBE = {"proposal": {"status": "submitted"},
         # the default levels (特困, 困难, 相对困难) exist in every school under the same ids: probe one
         # the demo school added itself
         "hardship-level": {"search": "临时"}}
# The demo has no row here addressed to the union office's own account.
DEMO_HAS_NONE = {"notification", "suggestion"}

# The provincial host: who may read each endpoint, as the provincial pages allow (web/province/*.py,
# each page's `roles`). Reviewers read what the reviewer pages show; a judge only the entries
# assigned to them; everything else is the provincial admin's alone. Writes are the admin's anyway.
PROVINCE_READ_BY_REVIEWER = {
    "honour-campaign", "honour-nomination", "honour-record",
    "staffhome-round", "staffhome-application", "staffhome-criterion",
}
PROVINCE_ADMIN_ONLY = {
    "school", "audit", "circular", "competition", "competition-entry", "competition-judge",
    "subsidy-programme", "subsidy-application", "year-summary", "api-key",
    "webhook",  # issue #13
}
JUDGE_ONLY = {"competition-judging"}
# Provincial endpoints outside the router (all admin-only reads).
PROVINCE_ADMIN_ONLY_PATHS = ["/api/v1/stats/", "/api/v1/stats/export/"]


@pytest.fixture
def demo(demo_region, settings, guilin, host_client):
    """The demo region, plus the guilin rows the demo leaves to other schools or to people."""
    settings.DEBUG = True
    someone = host_client(guilin, [Role.MEMBER])
    with in_schema(guilin):
        branch = Branch.objects.first()
        Group.objects.create(branch=branch, name="第一小组")
        LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal("120.00"),
                                   occurred_on="2026-03-08", description="三八节活动", recorded_by="出纳")
    assert someone.post("/api/v1/membership-applications/", {
        "name": "王五", "gender": "female", "employee_number": "N2026", "branch": branch.pk,
        "employment_type": "contract"}, format="json").status_code == 201
    HonourRecord.objects.create(school=guilin, person_name="赵六", kind=HonourKind.values[0], year=2025)
    HomeApplication.objects.create(round=Round.objects.first(), school=guilin, level=HomeApplication.Level.values[0],
                                   unit_name="桂林学院工会", self_assessment="自评", submitted_by="admin")
    later = timezone.now() + timedelta(days=30)
    api_key_create(name="省厅数据中心", scopes=["statistics:read"], expires_at=later, by=None)
    with in_schema(guilin):
        api_key_create(name="人事系统", scopes=["members:read"], expires_at=later, by=None)
    with in_schema(guilin):  # issue #13: a webhook subscription of guilin's (the demo has none)
        subscription_create(by=None, url="http://127.0.0.1:9/hook", event_types=["member.created"], is_active=False)
    subscription_create(by=None, url="http://127.0.0.1:9/hook", event_types=["circular.published"], is_active=False)


def _registered(router):
    return {basename: (prefix, viewset) for prefix, viewset, basename in router.registry}


def _demo_admin(school):
    with in_schema(school):
        return client_for(school, User.objects.get(username="admin"))


def _first_row(client, prefix, basename):
    response = client.get(f"/api/v1/{prefix}/", PROBE.get(basename, {}))
    assert response.status_code == 200, (prefix, response.status_code, response.content[:200])
    rows = response.json()["results"]
    return rows[0] if rows else None


def _identity(row):
    """What tells one row from another: its id, or the school and year of a statistics row."""
    return row["id"] if "id" in row else (row.get("school_slug"), row.get("year"))


def test_every_school_endpoint_is_in_the_access_table():
    assert set(_registered(school_router)) == set(SCHOOL_ENDPOINTS)


def test_every_school_endpoint_refuses_whoever_has_no_right_to_it(demo, guilin, host_client):
    owner = _demo_admin(guilin)
    roleless = host_client(guilin, [])
    outsider_school = school_provision(slug="outsider", name="外校", by=None, admin_username="admin",
                                       admin_password="Outsider-pass-2026").school
    outsider = _demo_admin(outsider_school)
    problems, probed = [], 0
    for basename, (prefix, viewset) in _registered(school_router).items():
        rule = SCHOOL_ENDPOINTS[basename]
        row = _first_row(owner, prefix, basename)
        if row is None:
            if basename not in DEMO_HAS_NONE:
                problems.append(f"{prefix}: the demo union office sees no row to probe")
            continue
        detail = f"/api/v1/{prefix}/{row['id']}/" if "id" in row and hasattr(viewset, "retrieve") else None
        probed += 1
        listed = roleless.get(f"/api/v1/{prefix}/")
        if rule == ADMIN and listed.status_code != 403:
            problems.append(f"{prefix}: a user without the right listed it ({listed.status_code})")
        if rule in (OWN, EVERYONE, PROVINCIAL) and listed.status_code != 200:
            problems.append(f"{prefix}: the school's own user got {listed.status_code}")
        if rule == OWN and row.get("id") in [r.get("id") for r in listed.json().get("results", [])]:
            problems.append(f"{prefix}: another person's row {row['id']} is in a plain user's list")
        if detail:
            expected = {ADMIN: 403, OWN: 404, EVERYONE: 200, PROVINCIAL: 200}[rule]
            got = roleless.get(detail).status_code
            if got != expected:
                problems.append(f"{detail}: a plain user got {got}, expected {expected}")
            if owner.get(detail).status_code != 200:
                problems.append(f"{detail}: the owner could not read it")
            expected = 200 if rule == PROVINCIAL else 404
            if (got := outsider.get(detail).status_code) != expected:
                problems.append(f"{detail}: another school's admin on its own host got {got}, expected {expected}")
        if rule != PROVINCIAL:
            listed_elsewhere = [_identity(r) for r in outsider.get(f"/api/v1/{prefix}/").json().get("results", [])]
            if _identity(row) in listed_elsewhere:
                problems.append(f"{prefix}: another school lists guilin's row {_identity(row)}")
    assert not problems, "\n".join(problems)
    assert probed >= len(SCHOOL_ENDPOINTS) - len(DEMO_HAS_NONE)


def _read_paths(client, prefix, viewset):
    """The list, the first row's detail and every plain GET action of an endpoint, as the admin sees them."""
    paths = [f"/api/v1/{prefix}/"]
    listed = client.get(paths[0])
    rows = listed.json().get("results", []) if listed.status_code == 200 else []
    row_id = rows[0].get(viewset.lookup_field if viewset.lookup_field != "pk" else "id") if rows else None
    if row_id is not None and hasattr(viewset, "retrieve"):
        paths.append(f"/api/v1/{prefix}/{row_id}/")
    for extra in viewset.get_extra_actions():
        if "get" not in extra.mapping or "(" in extra.url_path:
            continue  # an attachment download names a file of its own; its row's detail is probed above
        if extra.detail:
            if row_id is not None:
                paths.append(f"/api/v1/{prefix}/{row_id}/{extra.url_path}/")
        else:
            paths.append(f"/api/v1/{prefix}/{extra.url_path}/")
    return paths


def test_every_provincial_endpoint_is_for_the_right_province_role(demo, province, guilin, host_client):
    registered = _registered(province_router)
    tables = (PROVINCE_READ_BY_REVIEWER, PROVINCE_ADMIN_ONLY, JUDGE_ONLY)
    assert set(registered) == set().union(*tables)
    assert sum(len(table) for table in tables) == len(registered), "an endpoint is in two tables"
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    judge = host_client(province, [Role.JUDGE])
    Judge.objects.get_or_create(user=judge.user)
    unregistered_judge = host_client(province, [Role.JUDGE])
    school_admin = _demo_admin(guilin)
    school_admin.defaults["HTTP_HOST"] = "localhost"
    problems, admin_only_probed = [], 0
    for basename, (prefix, viewset) in registered.items():
        if basename in JUDGE_ONLY:
            # A registered judge reads their own assignments; a judge not yet registered is told so;
            # admins and reviewers are not judges.
            paths = [f"/api/v1/{prefix}/"]
            expectations = {judge: 200, unregistered_judge: 403, admin: 403, reviewer: 403}
        else:
            paths = _read_paths(admin, prefix, viewset)
            expectations = {admin: 200, judge: 403,
                            reviewer: 200 if basename in PROVINCE_READ_BY_REVIEWER else 403}
            if basename in PROVINCE_ADMIN_ONLY:
                admin_only_probed += len(paths)
        for path in paths:
            for client, expected in {**expectations, school_admin: 401}.items():
                if (got := client.get(path).status_code) != expected:
                    problems.append(f"{path}: {client.user.roles or 'school admin'} got {got}, expected {expected}")
    for path in PROVINCE_ADMIN_ONLY_PATHS:
        for client, expected in {admin: 200, reviewer: 403, judge: 403, school_admin: 401}.items():
            if (got := client.get(path).status_code) != expected:
                problems.append(f"{path}: {client.user.roles or 'school admin'} got {got}, expected {expected}")
    assert not problems, "\n".join(problems)
    # The admin-only reads were probed beyond their lists (details, results, matrices, overdue reports).
    assert admin_only_probed > len(PROVINCE_ADMIN_ONLY)


def test_school_admin_only_paths_outside_the_router(guilin, huzhou, host_client):
    owner = host_client(guilin, [Role.UNION_ADMIN])
    member = host_client(guilin, [Role.MEMBER])
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"  # huzhou's admin, on guilin's host
    problems = []
    for path in SCHOOL_ADMIN_ONLY_PATHS:
        for client, expected in ((owner, 200), (member, 403), (outsider, 401)):
            if (got := client.get(path).status_code) != expected:
                problems.append(f"{path}: {client.user.roles} got {got}, expected {expected}")
    assert not problems, "\n".join(problems)


# issue #13: a person's own settings — one path per host, no id in it: everyone signed in reads and
# changes only their own; a token of another host is 401 (so another school's admin never reaches them).
OWN_SETTINGS_PATHS = ["/api/v1/me/mail-preferences/"]


def test_own_settings_are_each_persons_own_on_every_host(province, guilin, huzhou, host_client):
    from tests.conftest import host_of

    problems = []
    for school in (guilin, province):
        owner = host_client(school, [Role.UNION_ADMIN if school is guilin else Role.PROVINCE_ADMIN])
        plain = host_client(school, [])
        with in_schema(school):
            User.objects.filter(pk=owner.user.pk).update(email="owner@example.edu.cn")
        outsider = host_client(huzhou, [Role.UNION_ADMIN])
        outsider.defaults["HTTP_HOST"] = host_of(school)
        for path in OWN_SETTINGS_PATHS:
            if owner.get(path).json().get("email") != "owner@example.edu.cn":
                problems.append(f"{path} on {school.schema_name}: the owner does not see their own")
            if (got := plain.get(path)).status_code != 200 or got.json().get("email"):
                problems.append(f"{path} on {school.schema_name}: a plain user got {got.status_code} or another's")
            for method in (outsider.get, outsider.patch):
                if (got := method(path).status_code) != 401:
                    problems.append(f"{path} on {school.schema_name}: another school's admin got {got}")
    assert not problems, "\n".join(problems)
