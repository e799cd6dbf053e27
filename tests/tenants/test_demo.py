import pytest
from django.core.management import CommandError, call_command

from tenants.accounts.models import User
from tenants.models import School
from tests.conftest import anonymous_client, in_schema


def test_demo_seeding_is_refused_under_production_settings(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="生产环境禁止"):
        call_command("seed_demo")
    assert not School.objects.filter(slug="sxdtu").exists()


def test_demo_seeding_is_idempotent_and_gives_every_host_an_admin(settings):
    call_command("seed_demo")
    call_command("seed_demo")

    slugs = set(School.objects.values_list("slug", flat=True))
    assert {"guilin", "huzhou", "hnit", "sxdtu"} <= slugs
    sxdtu = School.objects.get(slug="sxdtu")
    assert sxdtu.name == "山西大同大学"
    with in_schema(sxdtu):
        assert User.objects.filter(username="admin", roles__contains=["union_admin"]).count() == 1
    token = anonymous_client(sxdtu).post("/api/v1/auth/token/",
                                         {"username": "admin", "password": "eduunion-demo"}, format="json")
    assert token.status_code == 200


def test_demo_seeding_fills_the_provincial_layer(settings):
    from shared.circulars.models import Circular
    from shared.competitions.models import Competition, Score
    from shared.honours.models import Nomination
    from shared.staffhomes.models import HomeApplication
    from shared.subsidies.models import Application

    call_command("seed_demo")
    assert Nomination.objects.filter(school__slug="guilin").exists()
    competition = Competition.objects.get()
    assert competition.status == "judging" and Score.objects.filter(entry__competition=competition).count() == 4
    assert HomeApplication.objects.filter(school__slug="huzhou").exists()
    assert Application.objects.filter(status="allocated").count() == 1
    circular = Circular.objects.get()
    assert circular.status == "published" and circular.items.count() == 7 and circular.calendar


def test_the_statistics_show_the_demo_figures_on_first_start(settings, province, host_client):
    call_command("seed_demo")
    board = host_client(province, ["province_admin"]).get("/api/v1/stats/").json()
    guilin = next(row for row in board["rows"] if row["school_slug"] == "guilin")
    assert guilin["members_total"] > 0 and board["totals"]["members_total"] >= guilin["members_total"]
    # some demo members joined this year: 本年新入会 is a figure, not a zero
    assert 0 < guilin["new_members"] < guilin["members_total"]
    # the demo's health check is for this year's members, none of whom can be checked twice
    assert 0 < guilin["health_eligible"] and 0 <= guilin["health_checked"] <= guilin["health_eligible"]
