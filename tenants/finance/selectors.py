"""Reading the books: entries matching filters, budget vs actual for a year, an entry's trail and
the record it came from. Only approved entries count in any figure."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tenants.audit.selectors import audit_records
from tenants.finance.models import Budget, ClosedYear, LedgerEntry
from tenants.finance.services import LEDGER_FLOW, all_categories

ZERO = Decimal("0.00")

#: where an entry's source record is shown, by source_type (pk = source_id); pages built by other
#: areas, resolved when drawn so a page not there yet falls back to plain text
SOURCE_PAGES = {
    LedgerEntry.Source.CARE_VISIT: "school:care-visit",
    LedgerEntry.Source.AID_CLAIM: "school:aid-claim",
    LedgerEntry.Source.AID_FEES: "school:aid-scheme",
    LedgerEntry.Source.SUBSIDY: "school:subsidy",
    # issue #11
    LedgerEntry.Source.ACTIVITY: "school:activity",
    LedgerEntry.Source.TRIP: "school:trip",
    LedgerEntry.Source.HEALTH_CHECK: "school:health-check",
    LedgerEntry.Source.AWARD: "school:award-campaign",
}


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def entries_matching(*, year: int | None = None, kind: str = "", category: str = "", status: str = "",
                     source_type: str = "", q: str = ""):
    rows = LedgerEntry.objects.all()
    if year:
        start, end = year_bounds(int(year))
        rows = rows.filter(occurred_on__gte=start, occurred_on__lte=end)
    if kind:
        rows = rows.filter(kind=kind)
    if category:
        rows = rows.filter(category=category)
    if status:
        rows = rows.filter(status=status)
    if source_type:
        rows = rows.filter(source_type=source_type)
    if q:
        rows = rows.filter(Q(description__icontains=q) | Q(recorded_by__icontains=q))
    return rows


def books_years() -> list[int]:
    """Years that have entries or budgets, and the current one, newest first."""
    years = {timezone.localdate().year}
    years.update(d.year for d in LedgerEntry.objects.dates("occurred_on", "year"))
    years.update(Budget.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def is_year_closed(year: int) -> bool:
    return ClosedYear.objects.filter(year=year).exists()


def _percent(actual: Decimal, budget: Decimal | None):
    if not budget:
        return None
    return (actual * 100 / budget).quantize(Decimal("0.1"))


def budget_vs_actual(year: int) -> dict:
    """The year's books by category in the union accounting layout (收入 then 支出): budget, actual
    (approved entries only), % of budget used, what remains, and what still waits for approval.
    One aggregate query over the year's entries (index on occurred_on, status, category) and one
    over its budget lines."""
    start, end = year_bounds(year)
    sums = {row["category"]: row for row in (
        LedgerEntry.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
        .order_by().values("category")
        .annotate(actual=Sum("amount", filter=Q(status=LedgerEntry.Status.APPROVED)),
                  entries=Count("id", filter=Q(status=LedgerEntry.Status.APPROVED)),
                  pending=Sum("amount", filter=Q(status=LedgerEntry.Status.PENDING)),
                  pending_count=Count("id", filter=Q(status=LedgerEntry.Status.PENDING))))}
    budgets = dict(Budget.objects.filter(year=year).values_list("category", "amount"))
    sections = {"income": [], "expense": []}
    for kind, category, label in all_categories():
        row = sums.get(category, {})
        actual = row.get("actual") or ZERO
        budget = budgets.get(category)
        sections[kind].append({
            "kind": kind, "category": category, "label": label, "budget": budget, "actual": actual,
            "entries": row.get("entries", 0), "percent": _percent(actual, budget),
            "remaining": None if budget is None else budget - actual,
            "pending": row.get("pending") or ZERO, "pending_count": row.get("pending_count", 0),
        })
    totals = {}
    for kind, rows in sections.items():
        budget = sum((r["budget"] for r in rows if r["budget"] is not None), ZERO)
        actual = sum((r["actual"] for r in rows), ZERO)
        has_budget = any(r["budget"] is not None for r in rows)
        totals[kind] = {"budget": budget if has_budget else None, "actual": actual,
                        "percent": _percent(actual, budget if has_budget else None),
                        "remaining": budget - actual if has_budget else None,
                        "pending": sum((r["pending"] for r in rows), ZERO),
                        "pending_count": sum(r["pending_count"] for r in rows),
                        "entries": sum(r["entries"] for r in rows)}
    return {"year": year, "closed": is_year_closed(year), "income": sections["income"],
            "expense": sections["expense"], "totals": totals,
            "balance": totals["income"]["actual"] - totals["expense"]["actual"],
            "budget_balance": (totals["income"]["budget"] or ZERO) - (totals["expense"]["budget"] or ZERO)}


def source_link(entry: LedgerEntry) -> str:
    """The URL of the record an entry came from, or "" (manual, or that page does not exist)."""
    if entry.source_type == LedgerEntry.Source.CARE_BATCH and entry.source_id is not None:
        # a batch is read as its visits (the care list filtered to it)
        return f"{reverse('school:care')}?batch={entry.source_id}"
    name = SOURCE_PAGES.get(entry.source_type)
    if not name or entry.source_id is None:
        return ""
    try:
        return reverse(name, args=[entry.source_id])
    except NoReverseMatch:
        return ""


def entry_trail(entry: LedgerEntry) -> list:
    """Every audit record of the entry (recorded, changed, approved, sent back), oldest first."""
    return list(audit_records(target_type=entry._meta.label_lower, target_id=str(entry.pk))
                .order_by("at", "id"))


def awaiting_approval_by(user):
    """Pending entries ``user`` may approve: everyone's but their own."""
    return (LedgerEntry.objects.filter(status=LedgerEntry.Status.PENDING)
            .exclude(recorded_by=user.get_username()).order_by("occurred_on", "id"))


def sent_back_to(user):
    """Entries ``user`` recorded that an approver sent back."""
    return (LedgerEntry.objects.filter(status=LedgerEntry.Status.REJECTED, recorded_by=user.get_username())
            .order_by("-occurred_on", "-id"))


def allowed_actions(entry: LedgerEntry, user) -> list[str]:
    """The workflow steps ``user`` may take on ``entry`` now (never approving their own)."""
    actions = LEDGER_FLOW.allowed_actions(state=entry.status, user=user)
    if entry.recorded_by == user.get_username():
        actions = [a for a in actions if a not in ("approve", "reject")]
    elif entry.source_type == LedgerEntry.Source.MANUAL:
        # another area's entry is resubmitted by the office or the treasurer, a manual one by its recorder
        actions = [a for a in actions if a != "resubmit"]
    return actions


# The province's statistics roll-up (shared/stats/figures.py) reads these figures of many schools
# at once: a fixed queryset compiled once, and a reducer of one school's rows. They give what
# budget_vs_actual gives its page (tests/shared/test_stats_batched.py compares the two).
def rollup_querysets(year: int) -> dict:
    start, end = year_bounds(year)
    return {"approved": LedgerEntry.objects.filter(occurred_on__gte=start, occurred_on__lte=end,
                                                   status=LedgerEntry.Status.APPROVED)
            .order_by().values("category").annotate(actual=Sum("amount"), entries=Count("id"))}


def rollup_figures(rows: dict) -> dict:
    """Approved income and expense of the year, and the approved money per category with entries:
    budget_vs_actual's totals and rows (categories outside the accounting layout not counted)."""
    sums = {row["category"]: row for row in rows["approved"]}
    totals = {"income": ZERO, "expense": ZERO}
    by_category = {}
    for kind, category, _label in all_categories():
        row = sums.get(category)
        if row and row["entries"]:
            totals[kind] += row["actual"] or ZERO
            by_category[category] = str(row["actual"] or ZERO)
    return {"income": totals["income"], "spent": totals["expense"], "money_by_category": by_category}
