"""The statistics roll-up: each school's figures computed in its own schema, stored in public."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from shared.stats.models import SchoolStats
from tenants.congress.models import Proposal, Rating
from tenants.congress.workflow import ACCEPTED_STATES
from tenants.finance.models import LedgerEntry
from tenants.members.models import Member
from tenants.models import School

TOTAL_FIELDS = ["members_total", "new_members", "proposals_received", "proposals_accepted", "proposals_closed",
                "proposals_rated", "proposals_satisfied", "income", "spent"]


def compute_current_school(*, year: int) -> SchoolStats:
    """Run inside a school's schema (the roll-up task): read its tables, write its public row."""
    school = School.objects.get(schema_name=connection.schema_name)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    by_status = dict(Member.objects.values_list("status").annotate(n=Count("pk")).order_by())
    by_employment = dict(Member.objects.filter(status=Member.Status.ACTIVE).values_list("employment_type")
                         .annotate(n=Count("pk")).order_by())
    # A proposal counts in the year its congress opened (or, without a date, the year it was written).
    proposals = Proposal.objects.filter(Q(congress__opens_on__year=year)
                                        | Q(congress__opens_on__isnull=True, created__year=year))
    counts = proposals.aggregate(
        received=Count("pk", filter=~Q(status=Proposal.Status.DRAFT)),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATES)),
        closed=Count("pk", filter=Q(status=Proposal.Status.CLOSED)),
        rated=Count("pk", filter=Q(status__in=[Proposal.Status.RATED, Proposal.Status.CLOSED]) & ~Q(rating="")),
        satisfied=Count("pk", filter=Q(status__in=[Proposal.Status.RATED, Proposal.Status.CLOSED],
                                       rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    )
    money = LedgerEntry.objects.filter(status=LedgerEntry.Status.APPROVED, occurred_on__range=(start, end)).aggregate(
        income=Sum("amount", filter=Q(kind=LedgerEntry.Kind.INCOME)),
        spent=Sum("amount", filter=Q(kind=LedgerEntry.Kind.EXPENSE)))
    stats, _ = SchoolStats.objects.update_or_create(school=school, year=year, defaults={
        "members_total": sum(by_status.values()), "members_by_status": by_status,
        "members_by_employment": by_employment,
        "new_members": Member.objects.filter(join_date__range=(start, end)).count(),
        "proposals_received": counts["received"], "proposals_accepted": counts["accepted"],
        "proposals_closed": counts["closed"], "proposals_rated": counts["rated"],
        "proposals_satisfied": counts["satisfied"],
        "income": money["income"] or Decimal("0"), "spent": money["spent"] or Decimal("0"),
        "computed_at": timezone.now()})
    return stats


def dashboard(*, year: int) -> dict:
    rows = list(SchoolStats.objects.filter(year=year).select_related("school"))
    totals = {field: sum((getattr(row, field) for row in rows), Decimal("0") if field in ("income", "spent") else 0)
              for field in TOTAL_FIELDS}
    for key in ("members_by_status", "members_by_employment"):
        merged: dict[str, int] = {}
        for row in rows:
            for name, value in getattr(row, key).items():
                merged[name] = merged.get(name, 0) + value
        totals[key] = merged
    totals["schools"] = len(rows)
    return {"year": year, "rows": rows, "totals": totals}
