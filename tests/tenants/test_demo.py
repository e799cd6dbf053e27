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


def test_a_demo_school_interrupted_while_its_content_is_seeded_is_absent_and_the_next_run_completes_it(
        settings, monkeypatch):
    """Ctrl-C of `make run` during seed_demo (the new-user tester's case): before, the school stayed
    with its first accounts and no members, and every later seed_demo failed on those accounts."""
    from django.db import connection

    from tenants import demo
    from tenants.members.demo import seed_members

    settings.DEMO_DATA_ALLOWED = True
    monkeypatch.setattr(demo, "DEMO_SCHOOLS", [("ctrlc", "中断演示学院", "中断院", "广西壮族自治区南宁市")])

    def interrupted(school):
        raise KeyboardInterrupt  # what the terminal's Ctrl-C raises in the seeding process

    monkeypatch.setattr(demo, "school_seeders", lambda: [seed_members, interrupted])
    with pytest.raises(CommandError, match="已中断"):
        call_command("seed_demo")
    assert not School.objects.filter(slug="ctrlc").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE %s", ["%ctrlc%"])
        assert cursor.fetchone()[0] == 0

    import shared.demo

    monkeypatch.setattr(demo, "school_seeders", lambda: [seed_members])
    monkeypatch.setattr(shared.demo, "seed_province", lambda schools, password: None)  # wants all four schools
    call_command("seed_demo")
    school = School.objects.get(slug="ctrlc")
    with in_schema(school):
        assert User.objects.filter(username="admin").exists() and User.objects.count() > 1


def test_demo_seeding_is_idempotent_and_gives_every_host_an_admin(demo_region):
    """The first run is demo_region's (shared with the other modules that want the demo); this
    is the second, which adds nothing."""
    def state():
        counts = {}
        for school in School.objects.exclude(schema_name="public"):
            with in_schema(school):
                counts[school.slug] = User.objects.count()
        return counts

    before = state()
    call_command("seed_demo")
    assert state() == before

    slugs = set(School.objects.values_list("slug", flat=True))
    assert {"guilin", "huzhou", "hnit", "sxdtu"} <= slugs
    sxdtu = School.objects.get(slug="sxdtu")
    assert sxdtu.name == "山西大同大学"
    with in_schema(sxdtu):
        assert User.objects.filter(username="admin", roles__contains=["union_admin"]).count() == 1
    token = anonymous_client(sxdtu).post("/api/v1/auth/token/",
                                         {"username": "admin", "password": "eduunion-demo"}, format="json")
    assert token.status_code == 200
