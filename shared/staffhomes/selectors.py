"""Reads of 先进教职工之家.

The school's side: rounds (once opened) are the province's, for every school; applications are only
the given school's. The province's side: rounds with their counts, every school's applications,
what waits for a reviewer or the admin, the confirmed list and the re-check (复查) list by year.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from shared.selectors import require_school
from shared.staffhomes.models import Criterion, HomeApplication, Inspection, ReviewScore, Round
from tenants.audit.services import actor_name
from tenants.columns import own_columns
from tenants.counting import RelatedRows

H = HomeApplication.Status
R = Round.Status
#: the states in which reviewers score and the admin decides (services.DECIDING)
DECIDING = (R.OPEN, R.REVIEWING)
#: how far ahead a round's deadline shows on the admin's workbench
CLOSING_HORIZON_DAYS = 14


# ---- the school's side ----------------------------------------------------------------------------

def rounds_for_school(school):
    """Rounds a school sees: every round once it has opened (a round 筹备中 is the province's draft)."""
    require_school(school, "建家评选")
    return Round.objects.exclude(status=R.DRAFT).order_by("-year", "-id")


def criteria_of(round_):
    return Criterion.objects.filter(round=round_).order_by("order", "id")


def applications_of(school):
    require_school(school, "建家申报")
    return (HomeApplication.objects.filter(school=school).select_related("round")
            .annotate(material_count=Count("materials")).order_by("-submitted_at", "-id"))


def applications_listed(rows, *, reviews: bool):
    """Applications as a list shows them: of the school only its name, the round as its id (no join),
    and the inspections, the materials and — where the reader may see them (not a school) — the reviews
    read in the row's own query, not by a prefetch each (issue #14)."""
    own = own_columns(HomeApplication)
    rows = rows.select_related("school").only(*own, "school__name").annotate(
        listed_inspections=RelatedRows(HomeApplication, "inspections", ["id", "inspected_on", "inspectors", "notes"]),
        listed_materials=RelatedRows(HomeApplication, "materials", ["id", "name", "size", "uploaded_at"]))
    if reviews:
        rows = rows.annotate(listed_reviews=RelatedRows(
            HomeApplication, "reviews", ["id", "reviewer", "scores", "total", "comment", "scored_at"]))
    return rows


# ---- the province's side --------------------------------------------------------------------------

def rounds_overview():
    """Every round with how many applications it has, how many are confirmed and undecided."""
    return Round.objects.annotate(
        application_count=Count("applications", distinct=True),
        confirmed_count=Count("applications", filter=Q(applications__status=H.CONFIRMED), distinct=True),
        undecided_count=Count("applications", filter=Q(applications__status=H.SUBMITTED), distinct=True),
        criterion_count=Count("criteria", distinct=True),
    ).order_by("-year", "-id")


def round_years() -> list[int]:
    return sorted(set(Round.objects.values_list("year", flat=True)), reverse=True)


def province_applications(*, round_=None, status: str = "", level: str = "", school: str = "", q: str = ""):
    """Every school's applications, with the number of reviews and inspections, for the lists."""
    rows = (HomeApplication.objects.select_related("school", "round")
            .annotate(review_count=Count("reviews", distinct=True),
                      inspection_count=Count("inspections", distinct=True)))
    if round_ is not None:
        rows = rows.filter(round=round_)
    if status:
        rows = rows.filter(status=status)
    if level:
        rows = rows.filter(level=level)
    if school:
        rows = rows.filter(school__slug=school)
    if q:
        rows = rows.filter(Q(unit_name__icontains=q) | Q(school__name__icontains=q))
    return rows.order_by("-submitted_at", "-id")


def applications_to_score(user, rows=None):
    """Undecided applications of a round being reviewed that this person has not scored yet."""
    rows = province_applications() if rows is None else rows
    scored = ReviewScore.objects.filter(application=OuterRef("pk"), reviewer=actor_name(user))
    return rows.filter(status=H.SUBMITTED, round__status__in=DECIDING).exclude(Exists(scored))


def applications_to_decide(rows=None):
    """Undecided applications that at least one reviewer has scored: the admin may decide them."""
    rows = province_applications() if rows is None else rows
    reviewed = ReviewScore.objects.filter(application=OuterRef("pk"))
    return rows.filter(Exists(reviewed), status=H.SUBMITTED, round__status__in=DECIDING)


def rounds_closing(*, horizon_days: int = CLOSING_HORIZON_DAYS):
    """Rounds still 申报中 whose deadline is within the horizon or already past (to close)."""
    until = timezone.now() + datetime.timedelta(days=horizon_days)
    return Round.objects.filter(status=R.OPEN, closes_at__lte=until).order_by("closes_at", "id")


def confirmed_homes(*, year: int | None = None):
    """先进教职工之家（小家）confirmed, of one round year or of all."""
    rows = (HomeApplication.objects.filter(status=H.CONFIRMED).select_related("school", "round")
            .order_by("-round__year", "school__name", "unit_name", "id"))
    return rows.filter(round__year=year) if year else rows


def due_for_recheck(*, year: int):
    """The confirmed titles the province re-checks in `year`.

    A title confirmed in round year Y is re-checked in Y + the round's re-check years (its
    `recheck_year`, set when it is confirmed). The list of a year holds the titles due that year,
    and those due earlier that were not re-checked before this year (an inspection recorded on the
    confirmed application on or after 1 January of its re-check year counts as the re-check). A
    title the same unit of the same school won again in a later round, up to this year, is not due:
    the newer confirmation replaces it.

    Each row carries `rechecked_on`: the date of its latest re-check inspection, if any.
    """
    rechecks = Inspection.objects.filter(application=OuterRef("pk"),
                                         inspected_on__year__gte=OuterRef("recheck_year"))
    rechecked_before = rechecks.filter(inspected_on__lt=datetime.date(year, 1, 1))
    renewed = HomeApplication.objects.filter(school=OuterRef("school"), unit_name=OuterRef("unit_name"),
                                             status=H.CONFIRMED, round__year__gt=OuterRef("round__year"),
                                             round__year__lte=year)
    latest = rechecks.order_by().values("application").annotate(last=Max("inspected_on")).values("last")
    return (confirmed_homes().filter(recheck_year__lte=year)
            .exclude(Exists(rechecked_before)).exclude(Exists(renewed))
            .annotate(rechecked_on=Subquery(latest))
            .order_by("recheck_year", "school__name", "unit_name", "id"))
