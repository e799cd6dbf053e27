"""The year's figures of the current school (run in its schema), gathered through the areas' own
selectors so the summary says what each area's pages say: nothing is recounted here that an area
already counts (proposals: tenants.congress.selectors.congress_figures; care: tenants.care.selectors;
books: tenants.finance.selectors.budget_vs_actual; …). Only counts and sums: no member's name.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from tenants.congress.selectors import percent

ZERO = Decimal("0.00")
#: the years always offered (this one and the four before it), besides any year with data
RECENT_YEARS = 5


def default_year(today: datetime.date | None = None) -> int:
    """Last year in January and February (the summary is written then), otherwise this year."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month <= 2 else today.year


def recent_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return [today.year - n for n in range(RECENT_YEARS)]


def _data_years() -> set[int]:
    """Years in which the school recorded something the summary reports (one statement: the areas'
    years as a UNION, issue #14; an activity's year in the school's time zone, as the pages show it)."""
    from django.db.models.functions import ExtractYear

    from tenants.activities.models import Activity
    from tenants.care.models import CareVisit
    from tenants.congress.models import Congress
    from tenants.finance.models import LedgerEntry
    from tenants.workplan.models import Plan

    def year_of(model, field):
        return model.objects.filter(**{f"{field}__isnull": False}).order_by().values_list(ExtractYear(field), flat=True)

    years = Plan.objects.order_by().values_list("year", flat=True).union(
        year_of(LedgerEntry, "occurred_on"), year_of(Congress, "opens_on"), year_of(CareVisit, "visited_on"),
        year_of(Activity, "starts_at"))
    return {int(year) for year in years}  # EXTRACT answers numeric


def summary_years(today: datetime.date | None = None) -> list[int]:
    """The years a summary can be drafted for, newest first: the last five and any year with data
    (none after this one)."""
    today = today or timezone.localdate()
    years = set(recent_years(today)) | {y for y in _data_years() if 2000 <= y <= today.year}
    return sorted(years, reverse=True)


def check_year(year, years: list[int]) -> int:
    """`year` as an int if it is one of `years`; otherwise a Chinese refusal naming `year`."""
    value = str(year)
    if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) in years:
        return int(value)
    raise ValidationError({"year": f"年度应为有数据的年份或最近 {RECENT_YEARS} 年（{min(years)}–{max(years)} 年）之一。"})


def members_figures(year: int) -> dict:
    """Members at the end of `year` (or today, for this year), who joined, left, retired or
    transferred out in it (by the date the change took effect), branches and groups."""
    from tenants.members.models import Branch, Group, Member, MemberStatusChange

    end = datetime.date(year, 12, 31)
    today = timezone.localdate()
    as_of = min(end, today)
    joined_by_then = Member.objects.filter(join_date__lte=as_of)
    in_union = joined_by_then.filter(Q(status=Member.Status.ACTIVE) | Q(status_changed_on__gt=as_of))
    changes = dict(MemberStatusChange.objects.filter(effective_on__year=year).exclude(
        to_status=Member.Status.ACTIVE).values_list("to_status").annotate(n=Count("pk")).order_by())
    by_employment = dict(in_union.values_list("employment_type").annotate(n=Count("pk")).order_by())
    return {
        "as_of": as_of, "at_year_end": in_union.count(),
        "by_employment": by_employment,
        "new": Member.objects.filter(join_date__year=year).count(),
        "left": changes.get(Member.Status.LEFT, 0), "retired": changes.get(Member.Status.RETIRED, 0),
        "transferred": changes.get(Member.Status.TRANSFERRED, 0),
        "branches": Branch.objects.filter(is_active=True).count(),
        "groups": Group.objects.count(),
    }


def congress_year_figures(year: int) -> dict:
    """The congresses opened in `year` with each one's figures as the congress pages count them
    (congress_figures), and their sum; the rates of the year over the summed counts; suggestions
    (意见建议) received in the year."""
    from tenants.congress.models import Congress, Suggestion
    from tenants.congress.selectors import congress_figures

    # the school's congresses make the school's figures; branch (二级) congresses are counted apart,
    # as a union reports them (their forwarded proposals arrive in the school congress's figures)
    congresses = list(Congress.objects.filter(opens_on__year=year, branch__isnull=True).order_by("opens_on", "id"))
    branch_held = Congress.objects.filter(opens_on__year=year, branch__isnull=False).count()
    rows = []
    for congress in congresses:
        figures = congress_figures(congress)
        rows.append({**figures, "title": str(congress), "opens_on": congress.opens_on})
    keys = ("received", "accepted", "handled", "closed", "rated", "satisfied", "not_accepted", "merged",
            "suggestions")
    totals = {key: sum(row[key] for row in rows) for key in keys}
    suggestions = Suggestion.objects.filter(created__year=year).aggregate(
        received=Count("pk"), answered=Count("pk", filter=Q(status=Suggestion.Status.ANSWERED)))
    return {"congresses": rows, "held": len(rows), "branch_held": branch_held, **totals,
            "acceptance_rate": percent(totals["accepted"], totals["received"]),
            "closure_rate": percent(totals["closed"], totals["handled"]),
            "satisfaction_rate": percent(totals["satisfied"], totals["rated"]),
            "suggestions_received": suggestions["received"], "suggestions_answered": suggestions["answered"]}


def care_year_figures(year: int) -> dict:
    """Care visits by kind (people and amount), hardship files, mutual-aid claims paid."""
    from tenants.care.selectors import care_by_kind, care_totals
    from tenants.hardship.models import HardshipCase
    from tenants.hardship.selectors import open_cases_count
    from tenants.mutualaid.models import Claim
    from tenants.mutualaid.selectors import payouts_total

    totals = care_totals(year)
    return {
        "visits": totals["count"], "amount": totals["amount"] or ZERO,
        "by_kind": [{"kind": row["kind"], "label": row["label"], "count": row["count"],
                     "amount": row["amount"] or ZERO} for row in care_by_kind(year) if row["count"]],
        "hardship_on_register": open_cases_count(),
        "hardship_registered": HardshipCase.objects.filter(registered_on__year=year).count(),
        "hardship_closed": HardshipCase.objects.filter(closed_on__year=year).count(),
        "aid_claims_paid": Claim.objects.filter(status=Claim.Status.PAID, paid_on__year=year).count(),
        "aid_paid": payouts_total(year) or ZERO,
    }


def activity_year_figures(year: int) -> dict:
    """Activities held, participants and attendance; health-check coverage; 疗休养 travellers;
    award winners (the roll-up's sources)."""
    from tenants.activities.selectors import year_figures
    from tenants.awards.selectors import awards_per_year
    from tenants.healthchecks.selectors import coverage
    from tenants.trips.selectors import travellers_per_year, trips_per_year

    activities = year_figures(year)
    awards = next((row for row in awards_per_year() if row["year"] == year), {})
    health = coverage(year)
    return {
        "held": activities["activities_held"], "participants": activities["participants"],
        "attended": activities["attended"], "people": activities["people"],
        "health_checked": health["checked"], "health_eligible": health["eligible"],
        "health_rate": percent(health["checked"], health["eligible"]),
        "trips": trips_per_year().get(year, 0), "trip_travellers": travellers_per_year().get(year, 0),
        "award_campaigns": awards.get("campaigns", 0), "award_winners": awards.get("winners", 0),
        "award_persons": awards.get("persons", 0), "award_collectives": awards.get("branches", 0),
    }


def money_year_figures(year: int) -> dict:
    """Income and expense by category from the books: approved entries only (budget_vs_actual)."""
    from tenants.finance.selectors import budget_vs_actual

    books = budget_vs_actual(year)

    def rows(kind):
        return [{"category": r["category"], "label": r["label"], "amount": r["actual"], "entries": r["entries"],
                 "budget": r["budget"]} for r in books[kind] if r["entries"] or r["budget"] is not None]

    totals = books["totals"]
    return {"income": rows("income"), "expense": rows("expense"),
            "income_total": totals["income"]["actual"], "expense_total": totals["expense"]["actual"],
            "balance": books["balance"], "closed": books["closed"],
            "pending_count": totals["income"]["pending_count"] + totals["expense"]["pending_count"],
            "pending_amount": totals["income"]["pending"] + totals["expense"]["pending"]}


def plan_year_figures(year: int) -> dict:
    """The year's plan: tasks by status, the done rate (已完成 ÷ tasks not cancelled) and the
    十件实事 with their status. Read from the models (tenants.workplan)."""
    from tenants.workplan.models import Plan, Task

    plan = Plan.objects.filter(year=year).first()
    counts = dict.fromkeys(Task.Status.values, 0)
    pledges = []
    if plan is not None:
        counts.update(dict(Task.objects.filter(plan=plan).values_list("status").annotate(n=Count("pk")).order_by()))
        pledges = [{"number": t.number, "title": t.title, "status": t.status, "status_label": t.get_status_display(),
                    "progress": t.progress}
                   for t in Task.objects.filter(plan=plan, is_pledge=True).order_by("order", "id")]
    planned = sum(counts.values())
    S = Task.Status
    return {"exists": plan is not None, "title": plan.title if plan else "",
            "doc_number": plan.doc_number if plan else "",
            "planned": planned, "done": counts[S.DONE], "in_progress": counts[S.IN_PROGRESS],
            "not_started": counts[S.NOT_STARTED], "cancelled": counts[S.CANCELLED],
            "done_rate": percent(counts[S.DONE], planned - counts[S.CANCELLED]),
            "pledges": pledges, "pledges_done": sum(1 for p in pledges if p["status"] == S.DONE)}


def school_figures(school, year: int) -> dict:
    """Everything the school's summary of `year` says, in numbers (read in the school's schema)."""
    return {"scope": "school", "year": year, "school": {"slug": school.slug, "name": school.name},
            "union_name": union_name(school), "drafted_on": timezone.localdate(),
            "members": members_figures(year), "congress": congress_year_figures(year),
            "care": care_year_figures(year), "activities": activity_year_figures(year),
            "money": money_year_figures(year), "plan": plan_year_figures(year)}


def union_name(school) -> str:
    """「桂林学院工会」: the school's name with 工会, unless it already ends so."""
    name = school.name.strip()
    return name if name.endswith("工会") else f"{name}工会"
