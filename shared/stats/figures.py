"""Each school's figures of a year, read for many schools at once (the statistics roll-up).

One school alone computes its figures with its areas' own selectors (services.school_figures: what
its pages show). For a whole region that costs ~25 querysets built and compiled per school, more
Python than the database spends answering. Here instead:

- every area's selectors module names a fixed set of ``values()`` querysets for the year
  (``rollup_querysets(year)``) and a pure reducer of one school's rows (``rollup_figures(rows)``);
- the querysets are compiled to SQL **once per process and year** (tenants/crossschema.py
  CompiledQuery) and each is sent once per batch of schools (UNION ALL, tables qualified per school);
- each school's rows go through the reducers: no queryset is built per school.

tests/shared/test_stats_batched.py checks the result against school_figures, school by school.
"""
from __future__ import annotations

import datetime
from importlib import import_module

from django.db import connection
from django.db.models import Count, Q

#: the areas whose selectors give the roll-up's figures (this module gives members and proposals,
#: whose per-school definition is services.school_figures's own)
SOURCES = ("shared.stats.figures", "tenants.finance.selectors", "tenants.care.selectors",
           "tenants.hardship.selectors", "tenants.mutualaid.selectors", "tenants.activities.selectors",
           "tenants.awards.selectors", "tenants.healthchecks.selectors", "tenants.trips.selectors")

_compiled: dict[tuple, dict] = {}  # (database, timezone, year) -> {"module:name": CompiledQuery}


def rollup_querysets(year: int) -> dict:
    """Members by status, employment type and whether they joined in ``year``; the school congress's
    proposals of the year by status and rating (school_figures's definitions)."""
    from tenants.congress.models import Proposal
    from tenants.members.models import Member

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return {
        "members": Member.objects.order_by().values("status", "employment_type").annotate(
            n=Count("pk"), new=Count("pk", filter=Q(join_date__range=(start, end)))),
        "proposals": Proposal.objects.filter(Q(congress__opens_on__year=year)
                                             | Q(congress__opens_on__isnull=True, created__year=year),
                                             congress__branch__isnull=True)
        .order_by().values("status", "rating").annotate(n=Count("pk")),
    }


def rollup_figures(rows: dict) -> dict:
    from tenants.congress.models import Proposal, Rating
    from tenants.congress.workflow import ACCEPTED_STATES, PUBLIC_STATES
    from tenants.members.models import Member

    by_status: dict[str, int] = {}
    by_employment: dict[str, int] = {}
    for row in rows["members"]:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] == Member.Status.ACTIVE:
            by_employment[row["employment_type"]] = by_employment.get(row["employment_type"], 0) + row["n"]
    rated_states = (Proposal.Status.RATED, Proposal.Status.CLOSED)

    def proposals(keep) -> int:
        return sum(row["n"] for row in rows["proposals"] if keep(row["status"], row["rating"]))

    return {
        "members_total": sum(by_status.values()), "members_by_status": by_status,
        "members_by_employment": by_employment,
        "new_members": sum(row["new"] for row in rows["members"]),
        "proposals_received": proposals(lambda status, _: status != Proposal.Status.DRAFT),
        "proposals_accepted": proposals(lambda status, _: status in ACCEPTED_STATES),
        "proposals_handled": proposals(lambda status, _: status in PUBLIC_STATES),
        "proposals_closed": proposals(lambda status, _: status == Proposal.Status.CLOSED),
        "proposals_rated": proposals(lambda status, rating: status in rated_states and rating not in ("", None)),
        "proposals_satisfied": proposals(lambda status, rating: status in rated_states
                                         and rating in (Rating.SATISFIED, Rating.BASICALLY)),
    }


def compiled_figures(year: int) -> dict:
    """Every source's querysets of ``year``, compiled once in this process: {(source, name): CompiledQuery}."""
    from django.utils import timezone

    from tenants.crossschema import compile_querysets

    key = (connection.alias, connection.settings_dict.get("NAME"), timezone.get_current_timezone_name(), year)
    if key not in _compiled:
        _compiled[key] = compile_querysets({(source, name): queryset for source in SOURCES
                                            for name, queryset in import_module(source).rollup_querysets(year).items()})
    return _compiled[key]


def figures_from_rows(rows: dict) -> dict:
    """One school's figures of a year from its rows of compiled_figures: {(source, name): [row, …]}."""
    by_source: dict[str, dict] = {source: {} for source in SOURCES}
    for (source, name), value in rows.items():
        by_source[source][name] = value
    figures = {}
    for source, own in by_source.items():
        figures.update(import_module(source).rollup_figures(own))
    return figures
