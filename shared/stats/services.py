"""The statistics roll-up: each school's figures computed in its own schema, stored in public."""
from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from shared.stats.models import SchoolStats
from tenants.congress.models import Proposal, Rating
from tenants.congress.workflow import ACCEPTED_STATES, PUBLIC_STATES
from tenants.finance.selectors import budget_vs_actual
from tenants.members.models import Member
from tenants.models import School
from tenants.selectors import active_school_schemas, schools

logger = logging.getLogger(__name__)

MONEY_FIELDS = ("income", "spent", "care_amount", "aid_payouts")
TOTAL_FIELDS = ["members_total", "new_members", "proposals_received", "proposals_accepted", "proposals_handled",
                "proposals_closed", "proposals_rated", "proposals_satisfied", "income", "spent", "care_visits",
                "care_amount", "hardship_cases", "aid_payouts", "activities_held", "activity_participants",
                "activity_attended", "trip_travellers", "award_winners", "health_checked", "health_eligible"]


def _care_figures(year: int) -> dict:
    """Care given, hardship cases on the register and mutual-aid payouts of the year, as each area's
    selectors count them (the same figures the school's own pages show)."""
    from tenants.care.selectors import care_totals
    from tenants.hardship.selectors import open_cases_count
    from tenants.mutualaid.selectors import payouts_total

    care = care_totals(year)
    return {"care_visits": care["count"], "care_amount": care["amount"] or Decimal("0"),
            "hardship_cases": open_cases_count(), "aid_payouts": payouts_total(year) or Decimal("0")}


def _activity_figures(year: int) -> dict:
    """Activities held and their participants, 疗休养 travellers, award winners and health-check
    coverage of the year, as the school's own pages count them."""
    from tenants.activities.selectors import year_figures
    from tenants.awards.selectors import awards_per_year
    from tenants.healthchecks.selectors import coverage
    from tenants.trips.selectors import travellers_per_year

    activities = year_figures(year)
    awards = next((row for row in awards_per_year() if row["year"] == year), {})
    health = coverage(year)
    return {"activities_held": activities["activities_held"], "activity_participants": activities["participants"],
            "activity_attended": activities["attended"], "trip_travellers": travellers_per_year().get(year, 0),
            "award_winners": awards.get("winners", 0), "health_checked": health["checked"],
            "health_eligible": health["eligible"]}


def compute_current_school(*, year: int) -> SchoolStats:
    """Run inside a school's schema (the roll-up task): read its tables, write its public row."""
    school = School.objects.get(schema_name=connection.schema_name)
    stats, _ = SchoolStats.objects.update_or_create(school=school, year=year, defaults={
        **school_figures(year=year), "computed_at": timezone.now(),
        "source_fingerprint": ""})  # no counters read before these figures: the next roll-up reads it
    return stats


def school_figures(*, year: int) -> dict:
    """The school's figures of ``year`` (the current schema's tables only; reads, no writes)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    by_status = dict(Member.objects.values_list("status").annotate(n=Count("pk")).order_by())
    by_employment = dict(Member.objects.filter(status=Member.Status.ACTIVE).values_list("employment_type")
                         .annotate(n=Count("pk")).order_by())
    # A proposal counts in the year its congress opened (or, without a date, the year it was written).
    # The school's congress only: a 二级教代会's proposals are the branch's (those it forwarded are
    # counted once, as the school congress's proposals they became).
    proposals = Proposal.objects.filter(Q(congress__opens_on__year=year)
                                        | Q(congress__opens_on__isnull=True, created__year=year),
                                        congress__branch__isnull=True)
    counts = proposals.aggregate(
        received=Count("pk", filter=~Q(status=Proposal.Status.DRAFT)),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATES)),
        handled=Count("pk", filter=Q(status__in=PUBLIC_STATES)),
        closed=Count("pk", filter=Q(status=Proposal.Status.CLOSED)),
        rated=Count("pk", filter=Q(status__in=[Proposal.Status.RATED, Proposal.Status.CLOSED]) & ~Q(rating="")),
        satisfied=Count("pk", filter=Q(status__in=[Proposal.Status.RATED, Proposal.Status.CLOSED],
                                       rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    )
    # the approved money exactly as the school's own books page counts it (budget vs actual)
    books = budget_vs_actual(year)
    by_category = {row["category"]: str(row["actual"]) for row in books["income"] + books["expense"]
                   if row["entries"]}
    return {
        "members_total": sum(by_status.values()), "members_by_status": by_status,
        "members_by_employment": by_employment,
        "new_members": Member.objects.filter(join_date__range=(start, end)).count(),
        "proposals_received": counts["received"], "proposals_accepted": counts["accepted"],
        "proposals_handled": counts["handled"],
        "proposals_closed": counts["closed"], "proposals_rated": counts["rated"],
        "proposals_satisfied": counts["satisfied"],
        "income": books["totals"]["income"]["actual"], "spent": books["totals"]["expense"]["actual"],
        "money_by_category": by_category, **_care_figures(year), **_activity_figures(year)}


def rollup_schools(*, schemas: list[str], years: list[int], batch_size: int | None = None, full: bool = False,
                   tally: dict | None = None) -> int:
    """The figures of ``years`` for every school of ``schemas``, read together (shared/stats/figures.py:
    fixed querysets compiled once, each sent once per batch of schools, a reducer per school), the
    rows written with one statement per 10 batches. A school whose figures fail keeps its old row
    (logged; the dashboard names it as not rolled up). Returns the number of schools rolled up.

    Change-aware (shared/stats/fingerprint.py): a school whose rolled-up tables nobody wrote to
    since its stored figures were read is not read again; its rows keep their figures and get this
    run's ``computed_at`` (one UPDATE per 10 batches). ``full``: read every school regardless.
    ``tally`` (a dict) receives {"read": …, "unchanged": …}."""
    from django.conf import settings

    from shared.stats.figures import compiled_figures, figures_from_rows
    from shared.stats.fingerprint import definition_hash, fingerprints, for_year
    from tenants.crossschema import rows_of_many_schools

    batch_size = batch_size or settings.STATS_ROLLUP_BATCH_SIZE
    by_year = {year: compiled_figures(year) for year in years}
    compiled = {(year, *key): query for year, queries in by_year.items() for key, query in queries.items()}
    definitions = {year: definition_hash(queries) for year, queries in by_year.items()}
    fields = [f.name for f in SchoolStats._meta.concrete_fields if f.name not in ("id", "school", "year")]
    tally = tally if tally is not None else {}
    tally.setdefault("read", 0)
    tally.setdefault("unchanged", 0)
    done = 0
    for start in range(0, len(schemas), batch_size * 10):  # rows written every 10 batches
        part = schemas[start:start + batch_size * 10]
        # the counters BEFORE the data (fingerprint.py says why this order never misses a write)
        found = fingerprints(compiled, part)
        ids = dict(School.objects.filter(schema_name__in=part).values_list("schema_name", "pk"))
        skipped: set[str] = set()
        if not full:
            stored = {(schema, year): fingerprint for schema, year, fingerprint in SchoolStats.objects.filter(
                school__schema_name__in=part, year__in=years).values_list(
                "school__schema_name", "year", "source_fingerprint")}
            skipped = {schema for schema in part if schema in ids and found[schema] and all(
                stored.get((schema, year)) == for_year(found[schema], year, definitions[year]) for year in years)}
        unchanged = [ids[schema] for schema in skipped]
        outcome = rows_of_many_schools(compiled, [schema for schema in part if schema not in skipped],
                                       batch_size=batch_size)
        for schema, error in outcome.failed.items():
            logger.error("roll-up failed for schema %s: %s", schema, error)
        now = timezone.now()
        rows = []
        for schema, answers in outcome.results.items():
            if schema not in ids:
                continue
            try:
                figures = {year: figures_from_rows({key[1:]: value for key, value in answers.items() if key[0] == year})
                           for year in years}
            except Exception:  # noqa: BLE001 — a school whose rows do not reduce keeps its old row
                logger.exception("roll-up failed for schema %s", schema)
                continue
            rows.extend(SchoolStats(school_id=ids[schema], year=year, computed_at=now, **figures[year],
                                    source_fingerprint=for_year(found[schema], year, definitions[year]))
                        for year in years)
        SchoolStats.objects.bulk_create(rows, update_conflicts=True, unique_fields=["school", "year"],
                                        update_fields=fields, batch_size=500)
        if unchanged:  # their figures stand: confirmed current now (rollup_is_due, the dashboard)
            SchoolStats.objects.filter(school_id__in=unchanged, year__in=years).update(computed_at=now)
        read = len({row.school_id for row in rows})
        tally["read"] += read
        tally["unchanged"] += len(unchanged)
        done += read + len(unchanged)
    logger.info("roll-up: %d schools read, %d unchanged", tally["read"], tally["unchanged"])
    return done


def years_to_roll_up(today: datetime.date) -> list[int]:
    """This year; in January also the last one, whose final days the last nightly run of December
    (at 02:00 on the 31st) did not see yet."""
    return [today.year, today.year - 1] if today.month == 1 else [today.year]


def rollup_now(*, years: list[int] | None = None, full: bool = False, tally: dict | None = None) -> int:
    """The nightly roll-up done here and now, school after school, in this process (no worker):
    for `make run`'s start (config/launcher.py) and the end of demo seeding. Returns the number of
    schools rolled up (``full``: every school read, see rollup_schools)."""
    years = years or years_to_roll_up(timezone.localdate())
    # one broken school must not keep the others' figures stale: rollup_schools skips it, its old
    # row stays and the dashboard names it as not rolled up
    return rollup_schools(schemas=active_school_schemas(), years=years, full=full, tally=tally)


def rollup_request(*, year: int) -> None:
    """立即重新统计 (a provincial admin, page or API): the nightly job for ``year`` now, through the
    task outbox, so a broker that is away delays it rather than loses it."""
    from tenants.outbox.services import outbox_enqueue

    outbox_enqueue(task="shared.stats.tasks.rollup_all", args=[year], schema=connection.schema_name)


def rollup_is_due(*, now: datetime.datetime | None = None, max_age: datetime.timedelta = datetime.timedelta(hours=24)) -> bool:
    """True when some active school has no figures for this year, or its figures are older than
    the nightly job would leave them (the machine was off at 02:00, or nothing was ever rolled up)."""
    now = now or timezone.now()
    active = schools(status=School.Status.ACTIVE)
    fresh = SchoolStats.objects.filter(year=timezone.localdate(now).year, computed_at__gte=now - max_age,
                                       school__in=active)
    return fresh.count() < active.count()


def dashboard(*, year: int) -> dict:
    rows = list(SchoolStats.objects.filter(year=year).select_related("school"))
    totals = {field: sum((getattr(row, field) for row in rows), Decimal("0") if field in MONEY_FIELDS else 0)
              for field in TOTAL_FIELDS}
    by_category: dict[str, Decimal] = {}
    for row in rows:
        for category, amount in row.money_by_category.items():
            by_category[category] = by_category.get(category, Decimal("0")) + Decimal(amount)
    totals["money_by_category"] = {category: str(amount) for category, amount in sorted(by_category.items())}
    for key in ("members_by_status", "members_by_employment"):
        merged: dict[str, int] = {}
        for row in rows:
            for name, value in getattr(row, key).items():
                merged[name] = merged.get(name, 0) + value
        totals[key] = merged
    totals["schools"] = len(rows)
    return {"year": year, "rows": rows, "totals": totals}
