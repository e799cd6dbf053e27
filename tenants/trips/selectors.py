"""Reads of 疗休养: the rules in force, who is eligible and why not, the ranked list with its
reasons, who sees which applications, each member's history, and the figures per year."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q
from django.db.models.functions import ExtractYear

from tenants.accounts.roles import Role
from tenants.compiled_once import compiled_once
from tenants.counting import SubqueryCount
from tenants.members.models import Member
from tenants.trips.models import TripApplication, TripBatch, TripRules

A = TripApplication.Status
B = TripBatch.Status
#: who runs the 疗休养 (rules, batches, selection)
TRIP_OFFICE = frozenset({Role.UNION_ADMIN})
#: batches whose confirmed people count as having had (or booked) their trip
TAKEN_BATCH_STATES = (B.CONFIRMED, B.TRAVELLED)
#: applications that hold a place
HOLDING = (A.SELECTED, A.CONFIRMED)


def trip_rules() -> TripRules:
    rules = TripRules.objects.filter(pk=1).first()
    if rules is None:
        rules, _ = TripRules.objects.get_or_create(pk=1)
    return rules


# --- eligibility ----------------------------------------------------------------------------------

def service_years(member: Member, on: datetime.date) -> tuple[int, bool]:
    """Full years of service on ``on`` and whether they were estimated: from 参加工作日期, or — when
    it is not recorded — from 入会日期 (one joins the union after starting work, so it never counts
    more years than the member has)."""
    start = member.work_started_on or member.join_date
    if start is None:
        return 0, True
    years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
    return max(years, 0), member.work_started_on is None


def last_trip_years(member_ids, *, exclude_batch=None) -> dict[int, int]:
    """{member id: year of their latest trip taken or booked} (confirmed in a confirmed or travelled batch)."""
    rows = TripApplication.objects.filter(member_id__in=list(member_ids), status=A.CONFIRMED,
                                          batch__status__in=TAKEN_BATCH_STATES)
    if exclude_batch is not None:
        rows = rows.exclude(batch_id=exclude_batch.pk)
    latest = {}
    for member_id, starts_on in rows.values_list("member_id", "batch__starts_on"):
        latest[member_id] = max(latest.get(member_id, 0), starts_on.year)
    return latest


def places_held(member_ids, *, batch: TripBatch, rules: TripRules) -> dict[int, TripApplication]:
    """{member id: a place they hold (入选 or 确认参加) in another batch, not cancelled, that sets out
    within the rotation period of ``batch``} — batches running side by side (two summer batches both
    遴选中) count too, so nobody holds two places inside one rotation period. Places already counted
    as a trip taken (confirmed in a 名单已确定/已出行 batch) are left to ``last_trip_years``."""
    if not rules.rotation_years:
        return {}
    years = range(batch.starts_on.year - rules.rotation_years + 1, batch.starts_on.year + rules.rotation_years)
    rows = (TripApplication.objects.filter(member_id__in=list(member_ids), status__in=HOLDING,
                                           batch__starts_on__year__in=list(years))
            .exclude(batch_id=batch.pk).exclude(batch__status=B.CANCELLED)
            .exclude(status=A.CONFIRMED, batch__status__in=TAKEN_BATCH_STATES)
            .select_related("batch").order_by("batch__starts_on", "id"))
    held = {}
    for application in rows:
        held.setdefault(application.member_id, application)
    return held


def held_place_problem(held: TripApplication, rules: TripRules) -> str:
    return (f"已在“{held.batch.title}”（{held.batch.starts_on.year} 年出发）{held.get_status_display()}，"
            f"{rules.rotation_years} 年内不重复参加（规则：轮换年限 {rules.rotation_years} 年，"
            f"同时进行的批次也只能占一个名额）")


def member_problems(member: Member, batch: TripBatch, rules: TripRules | None = None) -> list[str]:
    """``ineligibility`` for one member, with their trips taken and the places they hold looked up."""
    rules = rules or trip_rules()
    last = last_trip_years([member.pk], exclude_batch=batch).get(member.pk)
    held = places_held([member.pk], batch=batch, rules=rules).get(member.pk)
    return ineligibility(member, batch, rules, last, held=held)


def ineligibility(member: Member, batch: TripBatch, rules: TripRules, last_year: int | None,
                  held: TripApplication | None = None) -> list[str]:
    """Why ``member`` may not go on ``batch`` under ``rules`` — each reason names its rule; [] = eligible.
    ``held``: a place they hold in another batch within the rotation period (``places_held``)."""
    problems = []
    if member.status == Member.Status.RETIRED or member.employment_type == "retiree":
        problems.append("退休会员不参加疗休养（规则：退休人员除外）")
    elif member.status != Member.Status.ACTIVE:
        problems.append(f"会员状态为“{member.get_status_display()}”（规则：限在会会员）")
    years, estimated = service_years(member, batch.starts_on)
    if years < rules.min_service_years:
        basis = "按入会日期估算，参加工作日期未登记" if estimated else "按参加工作日期计算"
        problems.append(f"工龄 {years} 年，不足 {rules.min_service_years} 年（规则：最低工龄 {rules.min_service_years} 年；"
                        f"{basis}）")
    if last_year is not None and rules.rotation_years and batch.starts_on.year - last_year < rules.rotation_years:
        problems.append(f"{last_year} 年已参加疗休养，{rules.rotation_years} 年内不重复参加"
                        f"（规则：轮换年限 {rules.rotation_years} 年）")
    if held is not None and rules.rotation_years:
        problems.append(held_place_problem(held, rules))
    return problems


def priority_reasons(member: Member, rules: TripRules, award_winners: set[int]) -> list[str]:
    reasons = []
    if rules.prefer_model_workers and member.is_model_worker:
        reasons.append("劳动模范")
    if rules.prefer_award_winners and member.pk in award_winners:
        reasons.append(f"近 {rules.award_years} 年获评先进")
    if rules.prefer_front_line and member.is_front_line:
        reasons.append("一线教职工")
    return reasons


def award_winners_for(batch: TripBatch, rules: TripRules) -> set[int]:
    if not rules.prefer_award_winners:
        return set()
    from tenants.awards.selectors import members_awarded_since

    return set(members_awarded_since(batch.starts_on.year - max(rules.award_years, 1) + 1))


@dataclass
class RankedApplication:
    application: TripApplication
    rank: int = 0
    priorities: list[str] = field(default_factory=list)
    service_years: int = 0
    service_estimated: bool = False
    last_trip_year: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.problems

    @property
    def explanation(self) -> str:
        parts = ["优先：" + "、".join(self.priorities) if self.priorities else "无优先条件",
                 f"工龄 {self.service_years} 年" + ("（按入会日期估算）" if self.service_estimated else ""),
                 f"上次疗休养 {self.last_trip_year} 年" if self.last_trip_year else "从未参加疗休养"]
        return "；".join(parts)


def ranking(batch: TripBatch, rules: TripRules | None = None) -> list[RankedApplication]:
    """The batch's applications (not withdrawn) in the order the rules give them: more priority
    reasons first, then longest since their last trip (never first), then more years of service,
    then who applied first. Ineligible ones (the rules changed, or a member's facts) come last,
    unranked, with their reasons."""
    rules = rules or trip_rules()
    applications = list(batch.applications.exclude(status=A.WITHDRAWN)
                        .select_related("member", "member__branch"))
    last = last_trip_years([a.member_id for a in applications], exclude_batch=batch)
    held = places_held([a.member_id for a in applications], batch=batch, rules=rules)
    winners = award_winners_for(batch, rules)
    rows = []
    for application in applications:
        member = application.member
        years, estimated = service_years(member, batch.starts_on)
        rows.append(RankedApplication(
            application=application, priorities=priority_reasons(member, rules, winners), service_years=years,
            service_estimated=estimated, last_trip_year=last.get(member.pk),
            problems=ineligibility(member, batch, rules, last.get(member.pk), held=held.get(member.pk))))
    rows.sort(key=lambda r: (not r.eligible, -len(r.priorities), r.last_trip_year or 0, -r.service_years,
                             r.application.applied_at, r.application.pk))
    for number, row in enumerate((r for r in rows if r.eligible), start=1):
        row.rank = number
    return rows


def next_in_line(batch: TripBatch) -> RankedApplication | None:
    """The first eligible application still waiting (已申请) in the ranking: who gets a free place."""
    return next((r for r in ranking(batch) if r.eligible and r.application.status == A.APPLIED), None)


# --- who sees what --------------------------------------------------------------------------------

def batches_visible_to(user):
    """Every batch is the school's public notice: everyone of the school reads it."""
    return TripBatch.objects.all()


def applications_visible_to(user):
    """The office: all; a branch chair: their branches' members and their own; others: their own."""
    rows = TripApplication.objects.select_related("batch", "member", "member__branch")
    if user.has_role(*TRIP_OFFICE):
        return rows
    if user.has_role(Role.BRANCH_CHAIR):
        return rows.filter(Q(member__branch__chair=user) | Q(member__user=user))
    return rows.filter(member__user=user)


def applications_listed(user):
    """A page of applications as the list shows it: its own columns, and the batch's title, the member's
    name and branch name as plain columns (listed_*, read by api.listed.ListedCharField) rather than
    select_related: the joined rows were three model instances per row and their related selections
    compiled on every request, for one name each (issue #14)."""
    return (applications_visible_to(user).select_related(None)
            .annotate(listed_batch_title=F("batch__title"), listed_member_name=F("member__name"),
                      listed_branch_name=F("member__branch__name"))
            .order_by("-applied_at", "-id"))


def holding_count(batch: TripBatch) -> int:
    return batch.applications.filter(status__in=HOLDING).count()


def batches_with_holding(batches):
    """Each batch with holding_taken: what holding_count() answers, in the list's query (for reading
    only: the services count afresh before they place anyone)."""
    return batches.annotate(holding_taken=_holding_taken())


@compiled_once(TripBatch)
def _holding_taken():
    # compiled to SQL once per process (tenants.compiled_once): it depends on nothing of the request
    return SubqueryCount(TripApplication.objects.filter(batch_id=OuterRef("pk"), status__in=HOLDING))


def member_history(member: Member):
    """A member's applications, newest batch first (the trip history: 已确认参加 in an 已出行 batch)."""
    return (TripApplication.objects.filter(member=member).select_related("batch")
            .order_by("-batch__starts_on", "-id"))


def open_batches(on: datetime.date):
    return TripBatch.objects.filter(status=B.OPEN, applications_open_on__lte=on, applications_close_on__gte=on)


def awaiting_selection():
    """Batches whose application window has closed (or were closed) and wait for the office's selection."""
    from django.utils import timezone

    today = timezone.localdate()
    return TripBatch.objects.filter(Q(status=B.SELECTING) | Q(status=B.OPEN, applications_close_on__lt=today))


def pending_confirmations():
    return TripApplication.objects.filter(status=A.SELECTED, batch__status__in=(B.SELECTING, B.CONFIRMED))


# --- figures --------------------------------------------------------------------------------------

def trips_per_year() -> dict[int, int]:
    """{year: batches travelled} (by the year they set out)."""
    rows = (TripBatch.objects.filter(status=B.TRAVELLED).annotate(year=ExtractYear("starts_on"))
            .values("year").annotate(n=Count("id")))
    return {r["year"]: r["n"] for r in rows}


def travellers_per_year() -> dict[int, int]:
    """{year: members who went} (confirmed in a travelled batch; a person twice in a year counts twice)."""
    rows = (TripApplication.objects.filter(status=A.CONFIRMED, batch__status=B.TRAVELLED)
            .annotate(year=ExtractYear("batch__starts_on")).values("year").annotate(n=Count("id")))
    return {r["year"]: r["n"] for r in rows}



# The statistics roll-up's reading of travellers_per_year's one year for many schools at once
# (shared/stats/figures.py)
def rollup_querysets(year: int) -> dict:
    return {"travellers": TripApplication.objects.filter(status=A.CONFIRMED, batch__status=B.TRAVELLED,
                                                         batch__starts_on__year=year)
            .order_by().values("status").annotate(n=Count("id"))}


def rollup_figures(rows: dict) -> dict:
    return {"trip_travellers": sum(row["n"] for row in rows["travellers"])}
