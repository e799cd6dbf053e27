"""Reads of the hardship register. Lists carry only what a list may show (name, branch, level,
next review): the household and incomes are read through services.case_read, which is audited."""
from __future__ import annotations

from django.db.models import F, Func, IntegerField, Q
from django.utils import timezone

from tenants.hardship.models import HardshipCase, HardshipLevel

LIST_FIELDS = ["id", "member_id", "member__name", "member__branch_id", "member__branch__name", "level_id",
               "level__name", "status", "registered_on", "next_review_on", "closed_on"]


def levels(*, active_only: bool = False):
    rows = HardshipLevel.objects.all()
    return rows.filter(is_active=True) if active_only else rows


class _ReviewOrder(Func):
    """0 for an open case whose review date has passed, 1 for any other: what the lists order by first.
    The SQL of Case(When(status=ACTIVE, next_review_on__lt=today, then=0), default=1) written out:
    building, resolving and hashing that Case and its When, Q, lookups and Values was a fifth of the
    hardship list's request (issue #14)."""

    output_field = IntegerField()

    def __init__(self, today):
        super().__init__(F("status"), F("next_review_on"))
        self.today = today

    def as_sql(self, compiler, connection, **extra):
        status, review = self.source_expressions
        status_sql, status_params = compiler.compile(status)
        review_sql, review_params = compiler.compile(review)
        return (f"CASE WHEN ({status_sql} = %s AND {review_sql} < %s) THEN 0 ELSE 1 END",
                (*status_params, HardshipCase.Status.ACTIVE.value, *review_params, self.today))


def cases_matching(*, level=None, status=None, branch=None, overdue=None, query: str = ""):
    """Cases for a list, overdue reviews first, then by next review date. Only list columns are loaded."""
    today = timezone.localdate()
    rows = (HardshipCase.objects.select_related("member", "member__branch", "level")
            .only("id", "member__name", "member__employee_number", "member__branch__name", "level__name",
                  "status", "registered_on", "next_review_on", "closed_on")
            .alias(overdue_first=_ReviewOrder(today)))
    if level:
        rows = rows.filter(level_id=level)
    if status:
        rows = rows.filter(status=status)
    if branch:
        rows = rows.filter(member__branch_id=branch)
    if overdue is True:
        rows = rows.filter(status=HardshipCase.Status.ACTIVE, next_review_on__lt=today)
    elif overdue is False:
        rows = rows.exclude(status=HardshipCase.Status.ACTIVE, next_review_on__lt=today)
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(member__name__icontains=query) | Q(member__employee_number__startswith=query))
    return rows.order_by("overdue_first", "status", "next_review_on", "id")


def reviews_overdue():
    """Open cases whose yearly review date has passed, the longest overdue first."""
    return (HardshipCase.objects.filter(status=HardshipCase.Status.ACTIVE, next_review_on__lt=timezone.localdate())
            .select_related("member").only("id", "member__name", "next_review_on").order_by("next_review_on", "id"))


def open_cases_count() -> int:
    """Cases on the register (在册), for the statistics roll-up: a count, nothing personal."""
    return HardshipCase.objects.filter(status=HardshipCase.Status.ACTIVE).count()


# The statistics roll-up's reading of open_cases_count for many schools at once (shared/stats/figures.py)
def rollup_querysets(year: int) -> dict:
    from django.db.models import Count

    return {"open": HardshipCase.objects.filter(status=HardshipCase.Status.ACTIVE).order_by()
            .values("status").annotate(n=Count("id"))}


def rollup_figures(rows: dict) -> dict:
    return {"hardship_cases": sum(row["n"] for row in rows["open"])}
