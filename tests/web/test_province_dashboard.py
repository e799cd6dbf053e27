"""The provincial dashboard (数据看板): the region's figures per school as charts, each also a table
and an .xlsx; a year filter; the time of the last roll-up; and figures that are there on a fresh
start without anyone asking for a refresh."""
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from shared.honours.models import HonourRecord
from shared.stats.models import SchoolStats
from shared.stats.selectors import stale_schools
from shared.stats.services import rollup_is_due, years_to_roll_up
from shared.subsidies.models import Application, Programme
from tenants.accounts.roles import Role
from tenants.models import School
from tests.conftest import signed_in, text
from tests.members.factories import a_member

YEAR = timezone.localdate().year


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


def chart_data(page: str) -> dict:
    return json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page,
                                re.S).group(1))


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def figures(guilin, huzhou):
    """A roll-up row for two schools, a subsidy allocated and disbursed, an honour awarded."""
    SchoolStats.objects.create(
        school=guilin, year=YEAR, members_total=250, members_by_employment={"staff": 180, "contract": 60},
        new_members=12, proposals_received=20, proposals_accepted=15, proposals_handled=12, proposals_closed=9,
        proposals_rated=10, proposals_satisfied=9, activities_held=3, activity_participants=40, activity_attended=35,
        trip_travellers=6, award_winners=4)
    SchoolStats.objects.create(school=huzhou, year=YEAR, members_total=97531, members_by_employment={"staff": 97531},
                               new_members=3)
    now = timezone.now()
    programme = Programme.objects.create(year=YEAR, title="教工之家建设补助", pool=Decimal("100000"), opens_at=now,
                                         closes_at=now + datetime.timedelta(days=9))
    for school, status, amount in ((guilin, "disbursed", "30000.50"), (huzhou, "allocated", "20000")):
        Application.objects.create(programme=programme, school=school, project="活动室", amount_requested=amount,
                                   status=status, allocated_amount=Decimal(amount), submitted_by="t")
    HonourRecord.objects.create(school=guilin, person_name="覃老师", kind="regional_model", year=YEAR)


PAGES = ["/dashboard/", f"/dashboard/export/members.xlsx?year={YEAR}", "/dashboard/export/all.xlsx"]


def test_only_the_province_admin_opens_the_dashboard(admin, province, guilin):
    for url in PAGES:
        assert admin.get(url).status_code == 200, url
    for role in (Role.PROVINCE_REVIEWER, Role.JUDGE):
        other = signed_in(province, [role])
        for url in PAGES:
            assert other.get(url).status_code == 403, (role, url)
        assert other.post("/dashboard/refresh/", {"year": YEAR}).status_code == 403
    anonymous = Client(HTTP_HOST="localhost")
    for url in PAGES:
        assert anonymous.get(url)["Location"].startswith("/login/?next="), url
    school_admin = signed_in(guilin, [Role.UNION_ADMIN])
    for url in PAGES:
        assert school_admin.get(url).status_code == 404, url
    assert admin.get("/dashboard/refresh/").status_code == 405


def test_every_chart_is_drawn_from_the_page_s_data_and_readable_as_a_table(admin, figures):
    page = text(admin.get("/dashboard/"))
    data = chart_data(page)
    assert set(data) == {"members", "new-members", "congress", "care", "activities", "money", "subsidies", "honours"}
    schools = data["members"]["schools"]
    guilin, huzhou = schools.index("桂院" if "桂院" in schools else "桂林学院"), schools.index("湖州师范学院")
    staff = next(s for s in data["members"]["series"] if s["name"] == "在编")
    assert staff["data"][guilin] == 180 and staff["data"][huzhou] == 97531 and data["members"]["stacked"]
    activities = {s["name"]: s["data"][guilin] for s in data["activities"]["series"]}
    assert activities == {"参与人次": 40, "签到人次": 35, "疗休养人次": 6}
    assert "举办活动（场）" in page and "评先评优获评" in page  # in the chart's table, not drawn
    rates = {s["name"]: s["data"][guilin] for s in data["congress"]["series"]}
    assert rates == {"立案率": 75.0, "办结率": 75.0, "满意率": 90.0}
    money = {s["name"]: s["data"] for s in data["subsidies"]["series"]}
    subsidy_schools = data["subsidies"]["schools"]
    assert money["已核定"][subsidy_schools.index("湖州师范学院")] == 20000.0
    assert money["已拨付"][subsidy_schools.index("湖州师范学院")] == 0.0
    # The tables say the same, with the region's totals; a school not rolled up reads —.
    assert '<td class="numeric" data-label="在编">97531</td>' in page
    assert '<td class="numeric" data-label="立案率">75.0%</td>' in page
    assert '<td class="numeric" data-label="已核定">¥30,000.50</td>' in page
    assert '<td class="numeric" data-label="已拨付">¥30,000.50</td>' in page
    assert '<td class="numeric" data-label="获得荣誉">1</td>' in page
    assert '<td class="numeric" data-label="新入会">—</td>' in page  # hnit: no roll-up this year
    total = re.search(r'<tr class="total">.*?</tr>', page.split('id="section-new-members"')[1], re.S).group(0)
    assert ">15<" in total
    assert 'data-figure="members"><span class="number">97771<' in page
    assert 'data-figure="allocated"><span class="number">¥50,000.50<' in page
    # No inline script: the charts come from static files and the JSON block.
    assert "web/province-dashboard.js" in page and "vendor/echarts" in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert all(' src="' in tag or 'type="application/json"' in tag for tag in scripts), scripts
    assert ' style="' not in page


def test_the_year_filter_and_the_time_of_the_last_roll_up(admin, figures, guilin):
    School.objects.update(created=timezone.now() - datetime.timedelta(days=365))
    SchoolStats.objects.filter(school=guilin, year=YEAR).update(
        computed_at=timezone.make_aware(datetime.datetime(YEAR, 1, 2, 2, 0)))
    SchoolStats.objects.create(school=guilin, year=2019, members_total=77, members_by_employment={"staff": 77},
                               computed_at=timezone.make_aware(datetime.datetime(2020, 1, 1, 2, 0)))
    page = text(admin.get("/dashboard/"))
    assert f'<option value="{YEAR}" selected>' in page and '<option value="2019">' in page
    assert "统计于 <strong>" in page
    # This year's figures of a school older than a day are pointed out.
    assert "超过一天没有更新" in page and f"桂林学院（{YEAR}年1月2日 02:00）" in page

    past = text(admin.get("/dashboard/", {"year": 2019}))
    assert '<option value="2019" selected>' in past and "统计于 <strong>2020年1月1日 02:00</strong>" in past
    assert '<td class="numeric" data-label="在编">77</td>' in past and "超过一天没有更新" not in past
    # A year the dashboard does not have is this year's page, as an unknown list filter is ignored.
    for asked in ("1999", "去年", "2019x"):
        assert f'<option value="{YEAR}" selected>' in text(admin.get("/dashboard/", {"year": asked})), asked


def test_each_chart_downloads_as_xlsx_with_the_same_rows(admin, figures):
    congress = sheet_rows(admin.get("/dashboard/export/congress.xlsx", {"year": YEAR}))
    assert congress[0][0] == "教代会提案：立案率、办结率、满意率"
    header = congress[2]
    assert header[0] == "学校" and "立案率（%）" in header and "满意率（%）" in header
    guilin = next(row for row in congress if row[0] == "桂林学院")
    assert guilin[header.index("立案率（%）")] == 75 and guilin[header.index("收到提案")] == 20
    assert congress[-1][0] == "全区合计"
    money = sheet_rows(admin.get("/dashboard/export/subsidies.xlsx", {"year": YEAR}))
    assert money[2] == ("学校", "已核定（元）", "已拨付（元）")
    assert next(row for row in money if row[0] == "桂林学院")[1:] == (30000.5, 30000.5)
    assert money[-1] == ("全区合计", 50000.5, 30000.5)
    whole = sheet_rows(admin.get("/dashboard/export/all.xlsx", {"year": YEAR}))
    assert whole[0][0] == "学校" and whole[-1][0] == "合计"
    assert admin.get("/dashboard/export/nothing.xlsx").status_code == 404


def test_a_school_name_that_looks_like_a_formula_stays_text_in_the_xlsx(admin, guilin):
    School.objects.filter(pk=guilin.pk).update(name="=HYPERLINK(\"http://x\")")
    SchoolStats.objects.create(school=guilin, year=YEAR, new_members=4)
    book = load_workbook(io.BytesIO(admin.get("/dashboard/export/new-members.xlsx").content))
    cell = next(row[0] for row in book.active.iter_rows() if row[0].value and str(row[0].value).startswith("=H"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_refreshing_rolls_up_every_active_school(admin, guilin, django_capture_on_commit_callbacks):
    a_member(guilin, join_date=f"{YEAR}-03-01", employment_type="contract")
    assert not SchoolStats.objects.filter(year=YEAR).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the request commits; the outbox sends
        answer = admin.post("/dashboard/refresh/", {"year": YEAR}, follow=True)
    assert "已开始重新统计" in text(answer)
    row = SchoolStats.objects.get(school=guilin, year=YEAR)  # the test settings run tasks at once
    assert (row.members_total, row.new_members, row.members_by_employment) == (1, 1, {"contract": 1})
    assert SchoolStats.objects.filter(year=YEAR).count() == School.objects.filter(status="active").exclude(
        schema_name="public").count()


def test_a_start_rolls_up_only_when_the_figures_are_missing_or_old(guilin, hnit, capsys):
    assert rollup_is_due()
    call_command("rollup_stats", "--if-due")
    assert "已统计" in capsys.readouterr().out
    rolled = SchoolStats.objects.get(school=guilin, year=YEAR)
    assert not rollup_is_due() and not stale_schools().exists()
    call_command("rollup_stats", "--if-due")
    assert "是最新的" in capsys.readouterr().out
    assert SchoolStats.objects.get(school=guilin, year=YEAR).computed_at == rolled.computed_at
    # A night the machine was off: older than a day is due again.
    SchoolStats.objects.filter(school=hnit).update(computed_at=timezone.now() - datetime.timedelta(hours=30))
    assert rollup_is_due()
    assert not stale_schools().exists()  # the test schools were opened today: no nightly run missed yet
    School.objects.update(created=timezone.now() - datetime.timedelta(days=30))
    assert list(stale_schools().values_list("slug", flat=True)) == ["hnit"]


def test_january_rolls_up_the_year_that_just_ended_too():
    assert years_to_roll_up(datetime.date(2027, 1, 1)) == [2027, 2026]
    assert years_to_roll_up(datetime.date(2027, 2, 1)) == [2027]


def test_the_workbench_names_schools_whose_figures_are_stale(admin, guilin):
    School.objects.update(created=timezone.now() - datetime.timedelta(days=30))
    call_command("rollup_stats")
    assert 'data-todo="stats_stale"' not in text(admin.get("/"))
    SchoolStats.objects.filter(school=guilin).update(computed_at=timezone.now() - datetime.timedelta(days=3))
    home = text(admin.get("/"))
    assert 'data-todo="stats_stale"' in home and "统计数据未更新的学校" in home and "桂林学院" in home
    reviewer = text(signed_in(guilin.__class__.objects.get(schema_name="public"), [Role.PROVINCE_REVIEWER]).get("/"))
    assert 'data-todo="stats_stale"' not in reviewer


@pytest.mark.parametrize("seed", ["1", "0"])
def test_make_run_rolls_up_before_the_web_server_starts_seeded_or_not(monkeypatch, seed):
    """config/launcher.py's order of steps (the commands themselves are tested above)."""
    import subprocess

    from config import launcher

    calls = []

    def manage(*args):
        calls.append(args)
        if args[0] == "collectstatic":  # stop before any server is started
            raise subprocess.CalledProcessError(1, ["manage.py", *args])

    monkeypatch.setattr(launcher, "manage", manage)
    monkeypatch.setattr(launcher.signal, "signal", lambda *args: None)
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused/unused")
    monkeypatch.setenv("CELERY_BROKER_URL", "memory://")
    monkeypatch.setenv("SEED_DEMO", seed)
    monkeypatch.setenv("BASE_DOMAIN", "localhost")  # main() sets it when absent; restored afterwards
    assert launcher.main() == 1
    names = [args[0] for args in calls]
    assert names == ["migrate", *(["seed_demo"] if seed == "1" else []), "rollup_stats", "collectstatic"]
    assert calls[names.index("rollup_stats")] == ("rollup_stats", "--if-due")
