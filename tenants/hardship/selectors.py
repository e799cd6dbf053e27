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


def overdue_q(today) -> Q:
    """An open case whose yearly review date has passed (HardshipCase.review_overdue, in SQL). The
    lists' filters, the reminders and _ReviewOrder (its SQL written out) read the rule from here."""
    return Q(status=HardshipCase.Status.ACTIVE, next_review_on__lt=today)


class _ReviewOrder(Func):
    """0 for an open case whose review date has passed, 1 for any other: what the lists order by first.
    The SQL of Case(When(overdue_q(today), then=0), default=1) written out:
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


#: overdue reviews first, then by next review date (the alias overdue_first: _ReviewOrder)
REVIEW_ORDER = ("overdue_first", "status", "next_review_on", "id")


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
        rows = rows.filter(overdue_q(today))
    elif overdue is False:
        rows = rows.exclude(overdue_q(today))
    query = (query or "").strip()
    if query:
        rows = rows.filter(search_q(query))
    return rows.order_by(*REVIEW_ORDER)


def search_q(query: str) -> Q:
    """A case whose member's name holds ``query`` or whose employee number starts with it."""
    return Q(member__name__icontains=query) | Q(member__employee_number__startswith=query)


def cases_listed():
    """The API's list of cases as cases_matching() orders them: of the member the name and branch, of
    the level the name, as plain columns (api.listed.ListedValue) rather than a member, branch and
    level built for every row (issue #14). Its filters: overdue_q, search_q."""
    return (HardshipCase.objects.only("id", "member", "level", "status", "registered_on", "next_review_on",
                                      "closed_on")
            .annotate(listed_member_name=F("member__name"), listed_branch=F("member__branch_id"),
                      listed_branch_name=F("member__branch__name"), listed_level_name=F("level__name"))
            .alias(overdue_first=_ReviewOrder(timezone.localdate()))
            .order_by(*REVIEW_ORDER))


def reviews_overdue():
    """Open cases whose yearly review date has passed, the longest overdue first."""
    return (HardshipCase.objects.filter(overdue_q(timezone.localdate()))
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
