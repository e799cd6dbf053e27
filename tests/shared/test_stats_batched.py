"""The roll-up computed for many schools at once (tenants/crossschema.py) gives each school exactly the
figures computed in its own schema alone, and never another school's."""
import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from shared.stats.models import SchoolStats
from shared.stats.services import rollup_schools, school_figures
from tenants.accounts.roles import Role
from tenants.crossschema import for_many_schools
from tenants.finance.models import LedgerEntry
from tenants.finance.services import ledger_entry_decide
from tests.activities.conftest import act  # noqa: F401  (a fixture: the office, branches, members)
from tests.conftest import in_schema, make_user
from tests.members.factories import a_member


def _different_books(guilin, huzhou, year):
    """Each school its own members and money, so a figure read from the wrong schema shows."""
    for n in range(3):
        a_member(guilin, join_date=f"{year}-03-0{n + 1}", employment_type="contract")
    a_member(guilin, join_date="2015-09-01")
    a_member(huzhou, join_date=f"{year}-01-10")
    for school, amount in ((guilin, "1234.50"), (huzhou, "77.00")):
        approver = make_user(school, [Role.UNION_ADMIN])
        with in_schema(school):
            entry = LedgerEntry.objects.create(kind="expense", category="activities", amount=Decimal(amount),
                                               occurred_on=datetime.date(year, 5, 1), description="运动会",
                                               recorded_by="t")
            ledger_entry_decide(entry=entry, by=approver, approve=True)


def test_batched_figures_equal_each_schools_own(act, guilin, huzhou, hnit):
    year = timezone.localdate().year
    _different_books(guilin, huzhou, year)
    schemas = [hnit.schema_name, guilin.schema_name, huzhou.schema_name]  # an empty school records the first batch
    alone = {}
    for school in (hnit, guilin, huzhou):
        with in_schema(school):
            alone[school.schema_name] = {year: school_figures(year=year), year - 1: school_figures(year=year - 1)}

    outcome = for_many_schools(lambda: {y: school_figures(year=y) for y in (year, year - 1)}, schemas,
                               batch_size=2)
    assert outcome.failed == {}
    assert outcome.results == alone
    assert alone[guilin.schema_name][year]["members_total"] != alone[huzhou.schema_name][year]["members_total"]
    # the batch path answered the replayed schools' reads (not one query per figure per school)
    assert outcome.batched_queries >= 10 and outcome.replayed >= 10 * 2
    assert outcome.direct < outcome.replayed
    assert connection.schema_name == "public"


def test_rollup_writes_one_row_per_school_equal_to_its_own_figures(guilin, huzhou, hnit):
    year = timezone.localdate().year
    _different_books(guilin, huzhou, year)
    SchoolStats.objects.filter(year=year).delete()
    assert rollup_schools(schemas=[guilin.schema_name, huzhou.schema_name, hnit.schema_name], years=[year],
                          batch_size=2) == 3
    for school in (guilin, huzhou, hnit):
        with in_schema(school):
            own = school_figures(year=year)
        row = SchoolStats.objects.get(school=school, year=year)
        assert {name: getattr(row, name) for name in own} == own


def test_a_school_missing_a_table_fails_alone_and_the_batch_falls_back(guilin, huzhou, hnit):
    year = timezone.localdate().year
    _different_books(guilin, huzhou, year)
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(f'DROP TABLE "{huzhou.schema_name}".finance_ledgerentry CASCADE')
    outcome = for_many_schools(lambda: school_figures(year=year), [guilin.schema_name, huzhou.schema_name,
                                                                     hnit.schema_name], batch_size=3)
    assert set(outcome.failed) == {huzhou.schema_name}
    with in_schema(hnit):
        assert outcome.results[hnit.schema_name] == school_figures(year=year)
    assert outcome.results[guilin.schema_name]["spent"] == Decimal("1234.50")
