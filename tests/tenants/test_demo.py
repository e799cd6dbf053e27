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
