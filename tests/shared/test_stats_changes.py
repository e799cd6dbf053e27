"""The change-aware roll-up (shared/stats/fingerprint.py): a school nobody wrote to since its figures
were read is not read again; a written one is, with the right figures; a reset of PostgreSQL's
counters or a changed figure definition reads every school again; --full reads every school.

PostgreSQL counts a write only once its transaction ended, so these tests commit (committed_db),
on two schools of their own (suspended: no other test's roll-up of the active schools sees them,
and no other test's rolled-back writes move their counters), for a year no other test rolls up."""
import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shared.stats.figures import compiled_figures
from shared.stats.models import SchoolStats
from shared.stats.services import rollup_schools
from tenants.members.models import Member
from tenants.models import School
from tenants.services import school_provision
from tests.conftest import in_schema
from tests.members.factories import a_member

YEAR = 2031  # no other test rolls this year up
# one worker runs both, one after the other: the second resets the counters the first relies on
pytestmark = pytest.mark.xdist_group("stats_changes")


def _flush() -> None:
    """This backend's pending write counts into the shared statistics now (not up to a second later)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT 1")  # the flush happens when the backend goes idle after a statement


@pytest.fixture(scope="module")
def two_schools(django_db_setup, django_db_blocker):
    from tests.backups.test_backups import _drop_school

    slugs = [f"rc{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with django_db_blocker.unblock():
        made = []
        try:
            for slug in slugs:
                with transaction.atomic():
                    school = school_provision(slug=slug, name=f"统计测试学校{slug}", by=None,
                                              admin_password="Stats-pass-2026").school
                    School.objects.filter(pk=school.pk).update(status=School.Status.SUSPENDED)
                made.append(school)
                a_member(school, name="李四")
            connection.set_schema_to_public()
            yield made
        finally:
            connection.set_schema_to_public()
            for slug in slugs:
                _drop_school(slug)
            connection.set_schema_to_public()


def _roll_up(schools, **options) -> tuple[dict, set[str]]:
    """Roll the schools up; which were read (the tally, and the schemas the statements named)."""
    _flush()
    tally: dict = {}
    with CaptureQueriesContext(connection) as queries:
        assert rollup_schools(schemas=[s.schema_name for s in schools], years=[YEAR], tally=tally, **options) == len(schools)
    named = {s.schema_name for s in schools if any(f'"{s.schema_name}".' in q["sql"] for q in queries.captured_queries)}
    return tally, named


def _members(school) -> int:
    return SchoolStats.objects.get(school=school, year=YEAR).members_total


def test_an_unchanged_school_is_not_read_again_a_written_one_is(committed_db, two_schools):
    quiet, busy = two_schools
    tally, named = _roll_up(two_schools)
    assert tally == {"read": 2, "unchanged": 0} and named == {quiet.schema_name, busy.schema_name}
    assert _members(busy) == 1
    first = SchoolStats.objects.get(school=quiet, year=YEAR)

    # nothing written: neither school is read again; their rows still count as rolled up now
    tally, named = _roll_up(two_schools)
    assert tally == {"read": 0, "unchanged": 2} and named == set()
    again = SchoolStats.objects.get(school=quiet, year=YEAR)
    assert again.computed_at > first.computed_at and again.members_total == first.members_total

    # a member joins one school (committed, through the service): only that school is read, right
    a_member(busy, name="王五")
    tally, named = _roll_up(two_schools)
    assert tally == {"read": 1, "unchanged": 1} and named == {busy.schema_name}
    assert _members(busy) == 2
    # an update counts as a write too (a member leaves: the figures by status change)
    with in_schema(busy):
        Member.objects.filter(name="王五").update(status=Member.Status.LEFT)
    connection.set_schema_to_public()
    tally, named = _roll_up(two_schools)
    assert named == {busy.schema_name}
    assert SchoolStats.objects.get(school=busy, year=YEAR).members_by_status == {"active": 1, "left": 1}

    # the forced full read (rollup_stats --full, bench/scale.py's "full" figure)
    committed_db.append(lambda: SchoolStats.objects.filter(year=YEAR).delete())  # the command's rows
    tally, named = _roll_up(two_schools, full=True)
    assert tally == {"read": 2, "unchanged": 0} and len(named) == 2
    out = io.StringIO()
    call_command("rollup_stats", "--year", str(YEAR), "--full", stdout=out)
    assert "重新读取" in out.getvalue()


def test_a_counter_reset_or_a_new_figure_definition_reads_every_school(committed_db, two_schools, monkeypatch):
    _roll_up(two_schools)
    assert _roll_up(two_schools)[0]["read"] == 0

    # one table's counters reset: PostgreSQL stamps the database's stats_reset, every school is read
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset_single_table_counters(%s::regclass)",
                       [f'"{two_schools[0].schema_name}".members_member'])
    assert _roll_up(two_schools)[0]["read"] == 2
    assert _roll_up(two_schools)[0]["read"] == 0
    # the whole database's counters reset
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")
    assert _roll_up(two_schools)[0]["read"] == 2
    assert _roll_up(two_schools)[0]["read"] == 0

    # the shared statistics' reset time: what crash recovery stamps when a killed backend makes the
    # server reinitialise (and throw every counter away) without a new postmaster start time
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset_shared('bgwriter')")
    assert _roll_up(two_schools)[0]["read"] == 2
    assert _roll_up(two_schools)[0]["read"] == 0

    # a deploy changed how rows become figures (a reducer, the states counted) with the same SQL
    from shared.stats import fingerprint
    monkeypatch.setattr(fingerprint, "rollup_code_digest", lambda: "another release's reducers")
    assert _roll_up(two_schools)[0]["read"] == 2
    assert _roll_up(two_schools)[0]["read"] == 0

    # a deploy changed a figure's definition (its compiled SQL): every school is read again
    query = next(iter(compiled_figures(YEAR).values()))
    monkeypatch.setattr(query, "sql", query.sql + " ")
    tally, named = _roll_up(two_schools)
    assert tally["read"] == 2 and len(named) == 2
    assert _roll_up(two_schools)[0]["read"] == 0


def test_a_full_roll_up_asked_of_the_task_reaches_its_chunks():
    """rollup_all(full=True) sends chunks that read every school; the nightly chunks' arguments stay
    as a worker of the last release reads them."""
    from shared.stats.tasks import rollup_all
    from tenants.outbox.models import OutboxMessage

    rollup_all.apply(args=[YEAR, True], task_id="full-parent")
    rollup_all.apply(args=[YEAR], task_id="nightly-parent")
    full = OutboxMessage.objects.filter(key__startswith="full-parent:chunk:")
    nightly = OutboxMessage.objects.filter(key__startswith="nightly-parent:chunk:")
    assert full.exists() and all(row.args[2:] == [True] for row in full)
    assert nightly.exists() and all(len(row.args) == 2 for row in nightly)
