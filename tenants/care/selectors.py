"""Reads of 帮扶慰问: who sees which visits and events, a member's care history, the year's figures."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from tenants.accounts.roles import Role
from tenants.care.models import CONFIDENTIAL_KINDS, CareBatch, CareKind, CareStandard, CareVisit, LifeEvent
from tenants.counting import RelatedIds
from tenants.care.services import CARE_OFFICE, COUNTED, care_settings, standard_in_force
from tenants.accounts.roles import FINANCE_READERS
from tenants.members.models import Branch

ZERO = Decimal("0.00")


def can_see_care(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*CARE_OFFICE, Role.BRANCH_CHAIR))


def visits_visible_to(user):
    """The office and the 帮扶专干: every visit; a branch chair: their branch's, without the confidential
    kinds (困难帮扶, 大病救助); anyone else: none."""
    visits = CareVisit.objects.select_related("member__branch", "standard", "recorded_by")
    if user.has_role(*CARE_OFFICE, *FINANCE_READERS):  # the books' readers follow an entry to its visit
        return visits
    if user.has_role(Role.BRANCH_CHAIR):
        return visits.filter(member__branch__chair=user).exclude(kind__in=CONFIDENTIAL_KINDS)
    return visits.none()


def events_visible_to(user):
    events = LifeEvent.objects.select_related("member__branch", "reported_by")
    if user.has_role(*CARE_OFFICE):
        return events
    if user.has_role(Role.BRANCH_CHAIR):
        return events.filter(member__branch__chair=user)
    return events.none()


def batches_visible_to(user):
    batches = CareBatch.objects.select_related("standard", "ledger_entry", "recorded_by")
    return batches if user.has_role(*CARE_OFFICE) else batches.none()


def visits_listed(user):
    """A page of visits as the list shows it: of the member the name and branch, of who recorded it the
    username, as plain columns (api.listed.ListedValue) rather than a member, branch and user built for
    every row; the standard's columns (issue #14)."""
    # every column of the visit and of its standard: no .only() (its deferred-loading setup costs, and loads nothing less)
    return (visits_visible_to(user).select_related(None).select_related("standard")
            .annotate(listed_member_name=F("member__name"), listed_branch=F("member__branch_id"),
                      listed_branch_name=F("member__branch__name"), listed_recorded_by=F("recorded_by__username"))
            .order_by("-visited_on", "-id"))


def events_listed(user):
    """A page of life events as the list shows it: of the member the name and branch, of who reported it
    the username, as plain columns (api.listed.ListedValue) rather than a member, branch and user
    built for every row (issue #14). The list fits on its first page, which needs no COUNT."""
    return (events_visible_to(user).select_related(None)
            .annotate(listed_member_name=F("member__name"), listed_branch=F("member__branch_id"),
                      listed_branch_name=F("member__branch__name"), listed_reported_by=F("reported_by__username"))
            .order_by("-reported_at", "-id"))


def batches_listed(user):
    """A page of batches as the list shows it: ids of the standard and ledger entry (no joined rows),
    who recorded it as a plain column (api.listed.ListedValue) rather than a user built for every row,
    and the branches' and groups' ids as arrays in the same query (issue #14)."""
    return (batches_visible_to(user).select_related(None)
            .annotate(listed_recorded_by=F("recorded_by__username"),
                      listed_branches=RelatedIds(CareBatch, "branches"), listed_groups=RelatedIds(CareBatch, "groups"))
            .order_by("-visited_on", "-id"))


def visits_matching(visits, *, year=None, kind="", branch=None, status="", member=None, query=""):
    if year:
        visits = visits.filter(visited_on__year=int(year))
    if kind:
        visits = visits.filter(kind=kind)
    if branch:
        visits = visits.filter(member__branch_id=int(branch))
    if status:
        visits = visits.filter(status=status)
    if member:
        visits = visits.filter(member_id=int(member))
    if query:
        visits = visits.filter(Q(member__name__icontains=query) | Q(member__employee_number=query))
    return visits


def visits_of_member(member):
    """A member's care history, newest first (the member page and the hardship register link to it)."""
    return (CareVisit.objects.filter(member=member).select_related("standard", "batch")
            .order_by("-visited_on", "-id"))


def counted_visits(year: int):
    return CareVisit.objects.filter(visited_on__year=year, status__in=COUNTED)


def care_totals(year: int) -> dict:
    """Care given in ``year`` (recorded or approved visits): {"count": int, "amount": Decimal}."""
    totals = counted_visits(year).aggregate(count=Count("id"), amount=Sum("amount"))
    return {"count": totals["count"] or 0, "amount": totals["amount"] or ZERO}


def care_by_kind(year: int) -> list[dict]:
    rows = {r["kind"]: r for r in counted_visits(year).values("kind").annotate(count=Count("id"),
                                                                               amount=Sum("amount"))}
    return [{"kind": kind.value, "label": kind.label, "count": rows.get(kind, {}).get("count", 0),
             "amount": rows.get(kind, {}).get("amount") or ZERO} for kind in CareKind]


def care_by_branch(year: int) -> list[dict]:
    rows = {r["member__branch"]: r for r in counted_visits(year).values("member__branch")
            .annotate(count=Count("id"), amount=Sum("amount"))}
    return [{"branch": b.pk, "name": b.name, "count": rows.get(b.pk, {}).get("count", 0),
             "amount": rows.get(b.pk, {}).get("amount") or ZERO} for b in Branch.objects.all()]


def care_figures(year: int) -> dict:
    return {"year": year, "totals": care_totals(year), "by_kind": care_by_kind(year),
            "by_branch": care_by_branch(year)}


def standards_in_force(on: datetime.date | None = None) -> list[dict]:
    """Each kind with the standard in force on ``on`` (None where the school has set none)."""
    from django.utils import timezone

    on = on or timezone.localdate()
    return [{"kind": kind.value, "label": kind.label, "standard": standard_in_force(kind, on)} for kind in CareKind]


def standard_versions():
    return CareStandard.objects.order_by("kind", "-effective_from", "-id")


def open_events():
    return LifeEvent.objects.filter(status=LifeEvent.Status.REPORTED)


def overdue_events(now=None):
    from django.utils import timezone

    now = now or timezone.now()
    days = care_settings().reminder_days
    return open_events().filter(reported_at__lt=now - datetime.timedelta(days=days))


def pending_visits():
    return CareVisit.objects.filter(status=CareVisit.Status.PENDING)


def care_history_for(user, member, limit: int = 20):
    """The member page's 慰问记录: the office, the 帮扶专干 and the chair of the member's branch see
    it; anyone else gets None (the section is not shown)."""
    if not user.has_role(*CARE_OFFICE) and not (user.has_role(Role.BRANCH_CHAIR)
                                                 and member.branch.chair_id == user.pk):
        return None
    visits = visits_of_member(member)
    if not user.has_role(*CARE_OFFICE):
        visits = visits.exclude(kind__in=CONFIDENTIAL_KINDS)
    return list(visits[:limit])


# The statistics roll-up's reading of care_totals for many schools at once (shared/stats/figures.py)
def rollup_querysets(year: int) -> dict:
    return {"visits": counted_visits(year).order_by().values("status").annotate(count=Count("id"),
                                                                               amount=Sum("amount"))}


def rollup_figures(rows: dict) -> dict:
    visits = rows["visits"]
    return {"care_visits": sum(row["count"] for row in visits),
            "care_amount": sum((row["amount"] or ZERO for row in visits), ZERO)}
