"""The roll-up read for many schools at once (fixed querysets compiled once, tenants/crossschema.py and
shared/stats/figures.py) gives each school exactly the figures its own selectors give it alone
(the per-school path: compute_current_school, which the rollup_school task runs), never another
school's."""
import datetime
from decimal import Decimal

from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from shared.stats.figures import compiled_figures, figures_from_rows
from shared.stats.models import SchoolStats
from shared.stats.services import compute_current_school, rollup_schools, school_figures
from tenants.crossschema import rows_of_many_schools
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member


def _books(school, seed: int, year: int):
    """Each school its own members, money, proposals, care, aid, activities, awards, trips and health
    check — different numbers per school and per year, so a figure read from the wrong schema or the
    wrong year shows."""
    from tenants.activities.models import Activity, Registration
    from tenants.awards.models import AwardCampaign, AwardNomination
    from tenants.care.models import CareStandard, CareVisit
    from tenants.congress.models import Congress, Proposal
    from tenants.finance.models import LedgerEntry
    from tenants.hardship.models import HardshipCase, HardshipLevel
    from tenants.healthchecks.models import HealthCheck, HealthCheckAssignment
    from tenants.members.models import Member
    from tenants.trips.models import TripApplication, TripBatch

    branch = a_branch(school, name=f"分会{seed}")
    people = [a_member(school, branch=branch, join_date=f"{year - (n % 2)}-03-0{n % 9 + 1}",
                       employment_type=("staff", "contract", "agency", "retiree")[n % 4])
              for n in range(seed + 2)]
    with in_schema(school):
        Member.objects.filter(pk=people[0].pk).update(status=Member.Status.RETIRED)
        if seed > 1:
            Member.objects.filter(pk=people[1].pk).update(status=Member.Status.LEFT)
        for y in (year, year - 1):
            LedgerEntry.objects.bulk_create([
                LedgerEntry(kind=kind, category=category, amount=Decimal(f"{seed * 100 + n}.50"), status=status,
                            occurred_on=datetime.date(y, 5, 1 + n), description="账目", recorded_by="t")
                for n, (kind, category, status) in enumerate([
                    ("expense", "activities", "approved"), ("expense", "rights", "approved"),
                    ("income", "dues", "approved"), ("expense", "activities", "pending")][:seed + 1])])
            congress = Congress.objects.create(term=1, session=y - 2000, opens_on=datetime.date(y, 3, 1))
            Proposal.objects.bulk_create([
                Proposal(congress=congress, title=f"提案{n}", reasons="理由", measures="措施", status=status,
                         rating=rating)
                for n, (status, rating) in enumerate([("draft", ""), ("submitted", ""), ("accepted", ""),
                                                      ("rated", "satisfied"), ("closed", "unsatisfied"),
                                                      ("closed", "basically")][:seed + 2 + (y == year)])])
        standard = CareStandard.objects.filter(kind="hospital").first() or CareStandard.objects.create(
            kind="hospital", effective_from=datetime.date(year - 1, 1, 1), amount_min=Decimal("100"),
            amount_max=Decimal("900"), category="activities", set_by="t")
        CareVisit.objects.bulk_create([
            CareVisit(member=people[n % len(people)], kind="hospital", visited_on=datetime.date(year, 2, 1),
                      amount=Decimal(f"{seed}00.00"), standard=standard, status="recorded")
            for n in range(seed)])
        if seed > 1:
            HardshipCase.objects.bulk_create([HardshipCase(
                member=people[-1], cause="illness", level=HardshipLevel.objects.first(), registered_on=datetime.date(year, 1, 2),
                next_review_on=datetime.date(year + 1, 1, 2), created_by="t")])
        starts = timezone.make_aware(datetime.datetime(year, 4, 1, 9))
        held = Activity.objects.create(title="运动会", kind="sports_meet", place="操场", status=Activity.Status.HELD,
                                       starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
                                       registration_opens_at=starts - datetime.timedelta(days=9),
                                       registration_closes_at=starts - datetime.timedelta(days=1),
                                       cancel_deadline=starts - datetime.timedelta(days=1), capacity=50)
        Registration.objects.bulk_create([
            Registration(activity=held, member=person, branch=branch, status=Registration.Status.CONFIRMED,
                         arrival=n + 1, code=f"S{school.pk}N{n}", checked_in_at=timezone.now() if n % 2 else None)
            for n, person in enumerate(people[:seed + 1])])
        campaign = AwardCampaign.objects.create(year=year, title="优秀会员", kind="worker", opens_on=datetime.date(year, 1, 1),
                                                closes_on=datetime.date(year, 2, 1), created_by="t",
                                                status=AwardCampaign.Status.FINAL)
        AwardNomination.objects.bulk_create([
            AwardNomination(campaign=campaign, branch=branch, member=person, deeds="事迹", nominated_by="t",
                            status=AwardNomination.Status.AWARDED) for person in people[:seed]])
        trip = TripBatch.objects.create(title="疗休养", destination="桂林", starts_on=datetime.date(year, 6, 1),
                                        ends_on=datetime.date(year, 6, 5), places=10, cost_per_person=Decimal("1000"),
                                        applications_open_on=datetime.date(year, 5, 1),
                                        applications_close_on=datetime.date(year, 5, 10),
                                        status=TripBatch.Status.TRAVELLED)
        TripApplication.objects.bulk_create([TripApplication(batch=trip, member=person,
                                                             status=TripApplication.Status.CONFIRMED)
                                             for person in people[:seed + 1]])
        if seed != 1:  # one school without a check that year: its active members, none checked
            check = HealthCheck.objects.create(year=year, title="体检", include_retirees=seed > 2,
                                               include_contract=seed % 2 == 0)
            HealthCheckAssignment.objects.bulk_create([
                HealthCheckAssignment(health_check=check, member=person, attendance="checked")
                for person in people[:seed + 1]])


def test_batched_figures_equal_each_schools_own_computed_alone(guilin, huzhou, hnit):
    year = timezone.localdate().year
    schools = (hnit, guilin, huzhou)
    for seed, school in enumerate(schools, start=1):
        _books(school, seed, year)
    schemas = [school.schema_name for school in schools]
    SchoolStats.objects.filter(year__in=(year, year - 1)).delete()
    # batches of 2: one of two schools and one of one, each query once per batch
    assert rollup_schools(schemas=schemas, years=[year, year - 1], batch_size=2) == 3
    batched = {(row.school_id, row.year): model_to_dict(row, exclude=["id", "computed_at", "source_fingerprint"])
               for row in SchoolStats.objects.filter(year__in=(year, year - 1))}
    assert len(batched) == 6

    # the per-school path (the rollup_school task): each school alone, through its own selectors
    alone = {}
    for school in schools:
        with in_schema(school):
            for y in (year, year - 1):
                alone[(school.pk, y)] = model_to_dict(compute_current_school(year=y),
                                                      exclude=["id", "computed_at", "source_fingerprint"])
    assert batched == alone
    # the data differ per school and per year (so a mix-up shows), and every area counted something
    assert len({row["members_total"] for key, row in alone.items() if key[1] == year}) == 3
    assert alone[(guilin.pk, year)]["spent"] != alone[(huzhou.pk, year)]["spent"]
    assert alone[(huzhou.pk, year)]["proposals_received"] != alone[(huzhou.pk, year - 1)]["proposals_received"]
    mine = alone[(huzhou.pk, year)]
    assert all(mine[name] for name in ("new_members", "proposals_satisfied", "proposals_rated", "income",
                                       "hardship_cases", "activities_held", "activity_attended",
                                       "trip_travellers", "award_winners", "health_checked", "health_eligible"))
    assert connection.schema_name == "public"


def test_each_query_goes_to_the_database_once_per_batch(guilin, huzhou, hnit):
    year = timezone.localdate().year
    compiled = compiled_figures(year)
    assert compiled_figures(year) is compiled  # compiled once per process and year
    schemas = [hnit.schema_name, guilin.schema_name, huzhou.schema_name]
    outcome = rows_of_many_schools(compiled, schemas, batch_size=3)
    assert outcome.failed == {} and outcome.statements == len(compiled)
    for school in (hnit, guilin, huzhou):
        with in_schema(school):
            assert figures_from_rows(outcome.results[school.schema_name]) == school_figures(year=year)


def test_a_school_missing_a_table_fails_alone_and_keeps_its_row(guilin, huzhou, hnit):
    year = timezone.localdate().year
    _books(guilin, 2, year)
    old = SchoolStats.objects.update_or_create(school=huzhou, year=year, defaults={"members_total": 99})[0]
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(f'DROP TABLE "{huzhou.schema_name}".finance_ledgerentry CASCADE')
    schemas = [guilin.schema_name, huzhou.schema_name, hnit.schema_name]
    outcome = rows_of_many_schools(compiled_figures(year), schemas, batch_size=3)
    assert set(outcome.failed) == {huzhou.schema_name}
    assert rollup_schools(schemas=schemas, years=[year], batch_size=3) == 2
    assert SchoolStats.objects.get(pk=old.pk).computed_at == old.computed_at  # its old row, untouched
    with in_schema(guilin):
        own = school_figures(year=year)
    assert own["spent"] and SchoolStats.objects.get(school=guilin, year=year).spent == own["spent"]


def test_a_chunk_from_the_outbox_is_marked_done_and_not_run_again(guilin, huzhou):
    """rollup_schools (a chunk of rollup_all) does not run in one transaction with its outbox row
    (outbox_atomic False: the locks of hundreds of schools' reads would overflow the lock table, as
    bench/rollup.py showed), yet it marks its row done and a completed chunk delivered again does nothing."""
    from shared.stats.tasks import rollup_schools_task
    from tenants.outbox.models import OutboxMessage

    assert rollup_schools_task.outbox_atomic is False
    year = timezone.localdate().year
    schemas = [guilin.schema_name, huzhou.schema_name]
    key = "rollup-test:chunk:0"
    OutboxMessage.objects.create(key=key, task="shared.stats.tasks.rollup_schools", args=[schemas, [year]],
                                 schema_name="public")
    SchoolStats.objects.filter(year=year).delete()
    assert rollup_schools_task.apply(args=[schemas, [year]], task_id=key).get() == 2
    assert OutboxMessage.objects.get(key=key).completed_at is not None
    assert SchoolStats.objects.filter(year=year, school__in=[guilin, huzhou]).count() == 2
    SchoolStats.objects.filter(year=year).delete()
    assert rollup_schools_task.apply(args=[schemas, [year]], task_id=key).get() is None  # redelivered
    assert not SchoolStats.objects.filter(year=year).exists()
