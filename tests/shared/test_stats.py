"""The statistics roll-up: computed in each school's schema, read by the province, one row per school."""
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from shared.stats.models import SchoolStats
from tenants.accounts.roles import Role
from tenants.finance.models import LedgerEntry
from tenants.finance.services import ledger_entry_decide
from tests.activities.conftest import act  # noqa: F401  (a fixture: the office, branches, members)
from tests.conftest import in_schema, make_user, signed_in, text
from tests.members.factories import a_member


def test_the_province_refreshes_and_reads_one_row_per_school_plus_totals(guilin, huzhou, province, host_client,
                                                                         django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    a_member(guilin, join_date=f"{year}-03-01", employment_type="contract")
    a_member(guilin, join_date="2015-09-01")
    a_member(huzhou, join_date=f"{year}-01-10")
    approver = make_user(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        spent = LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal("1234.50"),
                                           occurred_on=datetime.date(year, 5, 1), description="运动会", recorded_by="t")
        ledger_entry_decide(entry=spent, by=approver, approve=True)
        LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal("999.00"),
                                   occurred_on=datetime.date(year, 5, 2), description="未审批", recorded_by="t")
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):  # the request commits; the outbox sends
        refreshed = admin.post("/api/v1/stats/refresh/", {"year": year}, format="json")
    assert refreshed.status_code == 202

    board = admin.get("/api/v1/stats/", {"year": year}).json()
    rows = {row["school_slug"]: row for row in board["rows"]}
    assert {"guilin", "huzhou", "hnit"} <= set(rows)
    assert (rows["guilin"]["members_total"], rows["guilin"]["new_members"], rows["guilin"]["spent"]) == (
        2, 1, "1234.50")
    assert rows["guilin"]["members_by_employment"] == {"staff": 1, "contract": 1}
    assert board["totals"]["members_total"] == sum(row["members_total"] for row in board["rows"])
    assert board["totals"]["new_members"] == 2 and board["totals"]["spent"] == "1234.50"

    export = admin.get("/api/v1/stats/export/", {"year": year})
    sheet = load_workbook(io.BytesIO(export.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][0] == "学校" and lines[-1][0] == "合计" and lines[-1][1] == board["totals"]["members_total"]


def test_a_school_sees_only_its_own_statistics(guilin, huzhou, host_client):
    year = timezone.localdate().year
    for school in (guilin, huzhou):
        SchoolStats.objects.create(school=school, year=year, members_total=7)
    rows = host_client(guilin, [Role.MEMBER]).get("/api/v1/stats/").json()["results"]
    assert [row["school_slug"] for row in rows] == ["guilin"]


def test_only_the_provincial_admin_reads_the_dashboard_and_bad_years_are_refused(province, guilin, host_client):
    assert host_client(province, []).get("/api/v1/stats/").status_code == 403
    for role in (Role.PROVINCE_REVIEWER, Role.JUDGE):  # the dashboard pages are the admin's alone
        assert host_client(province, [role]).get("/api/v1/stats/").status_code == 403
        assert host_client(province, [role]).get("/api/v1/stats/export/").status_code == 403
    assert host_client(province, [Role.PROVINCE_REVIEWER]).post("/api/v1/stats/refresh/", {},
                                                                format="json").status_code == 403
    staff = host_client(province, [Role.PROVINCE_ADMIN])
    assert staff.get("/api/v1/stats/", {"year": "去年"}).status_code == 400
    assert staff.get("/api/v1/stats/", {"year": "1900"}).status_code == 400
    school_admin = host_client(guilin, [Role.UNION_ADMIN])
    school_admin.defaults["HTTP_HOST"] = "localhost"
    assert school_admin.get("/api/v1/stats/").status_code == 401


def test_one_broken_school_does_not_keep_the_others_figures_stale(guilin, huzhou, hnit):
    from django.db import connection

    from shared.stats.services import rollup_now

    year = timezone.localdate().year
    SchoolStats.objects.filter(year=year).delete()
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(f'DROP TABLE "{hnit.schema_name}".members_member CASCADE')
    assert rollup_now(years=[year]) == 2
    rolled = set(SchoolStats.objects.filter(year=year).values_list("school__slug", flat=True))
    assert {"guilin", "huzhou"} <= rolled and "hnit" not in rolled


def test_the_roll_up_carries_care_given_hardship_cases_aid_payouts_and_money_by_category(
        guilin, huzhou, province, host_client, django_capture_on_commit_callbacks):
    """What the school's own care, hardship and mutual-aid pages count is what the province sees."""
    from tenants.care.demo import STANDARDS
    from tenants.care.services import default_standards, visit_record
    from tenants.hardship.models import HardshipLevel
    from tenants.hardship.services import case_register
    from tenants.mutualaid import services as aid
    from tests.mutualaid.factories import a_scheme, category

    year = timezone.localdate().year
    office, approver = make_user(guilin, [Role.UNION_ADMIN]), make_user(guilin, [Role.UNION_ADMIN])
    visited, poor = a_member(guilin), a_member(guilin)
    with in_schema(guilin):
        default_standards(by=None, effective_from=datetime.date(year, 1, 1), amounts=STANDARDS)
        visit = visit_record(by=office, member=visited, kind="hospital", visited_on=datetime.date(year, 1, 2),
                             amount=Decimal("500.00"))
        ledger_entry_decide(entry=visit.ledger_entry, by=approver, approve=True)
        case_register(by=office, member=poor, level=HardshipLevel.objects.get(name="困难"), cause="illness",
                      household=[{"name": "本人", "relation": "本人", "age": 50, "monthly_income": "1800"}])
    scheme = a_scheme(guilin, office)
    with in_schema(guilin):
        aid.enrol(scheme=scheme, by=office, member=visited)
        claim = aid.claim_file(by=office, scheme=scheme, category=category(guilin, scheme, "重大疾病"),
                               eligible_costs="20000", description="住院治疗", member=visited)
        for step in ("review", "approve", "pay"):
            claim = aid.claim_act(claim=claim, by=approver if step != "review" else office, action=step)

    admin = host_client(province, [Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):  # the request commits; the outbox sends
        assert admin.post("/api/v1/stats/refresh/", {"year": year}, format="json").status_code == 202
    rows = {row["school_slug"]: row for row in admin.get("/api/v1/stats/", {"year": year}).json()["rows"]}
    mine = rows["guilin"]
    assert (mine["care_visits"], mine["care_amount"], mine["hardship_cases"], mine["aid_payouts"]) == (
        1, "500.00", 1, "8000.00")
    # 生病住院 books to 职工活动支出; only the approved visit counts, the payout still waits for approval
    assert mine["money_by_category"] == {"activities": "500.00"} and mine["spent"] == "500.00"
    assert (rows["huzhou"]["care_visits"], rows["huzhou"]["hardship_cases"]) == (0, 0)

    page = signed_in(province, [Role.PROVINCE_ADMIN]).get("/dashboard/", {"year": year})
    assert "帮扶慰问与互助保障" in text(page) and "工会经费：已审批支出（按科目）" in text(page)


def test_activities_held_their_participants_and_check_ins_reach_the_province(act, huzhou, province, host_client,
                                                                              django_capture_on_commit_callbacks):
    """What the school's activity pages count (held, confirmed, checked in) is what the province sees;
    an activity not yet held counts nothing."""
    from tenants.activities import services as activities
    from tests.activities.conftest import open_activity, starting_now

    school, office = act["school"], act["admin"]
    now = timezone.now()
    with in_schema(school):
        soon = dict(starts_at=now + datetime.timedelta(hours=2), ends_at=now + datetime.timedelta(hours=4),
                    registration_closes_at=now + datetime.timedelta(hours=1),
                    cancel_deadline=now + datetime.timedelta(hours=1))
        held, planned = open_activity(office, capacity=3, **soon), open_activity(office, capacity=3, **soon)
        signed = [activities.registration_create(by=m.user, activity=held, member=m) for m in act["members"][:2]]
        activities.registration_create(by=act["members"][2].user, activity=planned, member=act["members"][2])
        held = starting_now(held)  # check-in opens on its first day, and now + 2 h may be tomorrow
        activities.check_in(by=office, activity=held, code=signed[0].code)
        activities.activity_act(by=office, activity=held, action="close")
        activities.activity_hold(by=office, activity=held)
    year = timezone.localtime(held.starts_at).year

    admin = host_client(province, [Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):  # the request commits; the outbox sends
        assert admin.post("/api/v1/stats/refresh/", {"year": year}, format="json").status_code == 202
    rows = {row["school_slug"]: row for row in admin.get("/api/v1/stats/", {"year": year}).json()["rows"]}
    mine = rows["guilin"]
    assert (mine["activities_held"], mine["activity_participants"], mine["activity_attended"]) == (1, 2, 1)
    assert (rows["huzhou"]["activities_held"], rows["huzhou"]["activity_participants"]) == (0, 0)
