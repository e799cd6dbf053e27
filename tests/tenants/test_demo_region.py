"""What the README's demo gives a new user on first start: the provincial layer filled, statistics
and dashboard figures without anyone asking for a roll-up. The demo is seeded once for the module
(tests/conftest.py demo_region)."""
import pytest

from tenants.accounts.roles import Role
from tests.conftest import signed_in, text
from tests.web.test_province_dashboard import chart_data

pytestmark = pytest.mark.usefixtures("demo_region")


def test_demo_seeding_fills_the_provincial_layer():
    from shared.circulars.models import Circular
    from shared.competitions.models import Competition, Score
    from shared.honours.models import Nomination
    from shared.staffhomes.models import HomeApplication
    from shared.subsidies.models import Application

    assert Nomination.objects.filter(school__slug="guilin").exists()
    competition = Competition.objects.get()
    assert competition.status == "judging" and Score.objects.filter(entry__competition=competition).count() == 4
    assert HomeApplication.objects.filter(school__slug="huzhou").exists()
    assert Application.objects.filter(status="allocated").count() == 1
    circular = Circular.objects.get()
    assert circular.status == "published" and circular.items.count() == 7 and circular.calendar


def test_the_statistics_show_the_demo_figures_on_first_start(province, host_client):
    board = host_client(province, ["province_admin"]).get("/api/v1/stats/").json()
    guilin = next(row for row in board["rows"] if row["school_slug"] == "guilin")
    assert guilin["members_total"] > 0 and board["totals"]["members_total"] >= guilin["members_total"]
    # some demo members joined this year: 本年新入会 is a figure, not a zero
    assert 0 < guilin["new_members"] < guilin["members_total"]
    # the demo's health check is for this year's members, none of whom can be checked twice
    assert 0 < guilin["health_eligible"] and 0 <= guilin["health_checked"] <= guilin["health_eligible"]


def test_the_demo_figures_are_on_the_dashboard_without_a_refresh(province):
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    page = text(admin.get("/dashboard/"))
    data = chart_data(page)
    schools = data["members"]["schools"]
    assert "大同大学" in schools and len(schools) == 4  # sxdtu, made by the seeding, with its short name
    members = sum(value or 0 for s in data["members"]["series"] for value in s["data"])
    assert members >= 4 * 200
    received = next(s for s in data["congress"]["series"] if s["name"] == "立案率")
    assert all(value is not None and value > 0 for value in received["data"][:4])
    allocated = next(s for s in data["subsidies"]["series"] if s["name"] == "已核定")
    assert sum(allocated["data"]) > 0
    assert "统计于 <strong>" in page and "超过一天没有更新" not in page
