"""Reads of activities and registrations: who sees what, attendance, the year's figures."""
from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.activities.models import ACTIVE_STATES, Activity, BranchQuota, Registration
from tenants.columns import own_columns
from tenants.compiled_once import compiled_once
from tenants.counting import SubqueryCount
from tenants.members.models import Member

A, R = Activity.Status, Registration.Status


def member_of(user) -> Member | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).select_related("branch").first()


def activities_visible_to(user) -> QuerySet[Activity]:
    """Everyone of the school sees published activities; drafts only those who organise them."""
    rows = Activity.objects.select_related("organiser_branch")
    if user.has_role(Role.UNION_ADMIN):
        return rows
    published = ~Q(status=A.DRAFT)
    if user.has_role(Role.BRANCH_CHAIR):
        return rows.filter(published | Q(organiser_branch__chair=user))
    return rows.filter(published)


def activities_with_figures(rows) -> QuerySet[Activity]:
    """The list's figures in its query: 报名成功 and 候补 counts, and the quotas with their branches' names
    as an array in their order (listed_quotas) rather than a prefetch: one statement fewer (issue #14)."""
    return rows.annotate(confirmed_count=_confirmed_count(), waitlisted_count=_waitlisted_count(),
                         listed_quotas=_listed_quotas())


# The list's per-activity subqueries, compiled to SQL once per process (tenants.compiled_once): they depend
# on nothing of the request, and building and compiling them anew was a fifth of the list (issue #14).
@compiled_once(Activity)
def _confirmed_count():
    return SubqueryCount(Registration.objects.filter(activity_id=OuterRef("pk"), status=R.CONFIRMED))


@compiled_once(Activity)
def _waitlisted_count():
    return SubqueryCount(Registration.objects.filter(activity_id=OuterRef("pk"), status=R.WAITLISTED))


@compiled_once(Activity)
def _listed_quotas():
    return ArraySubquery(BranchQuota.objects.filter(activity_id=OuterRef("pk")).order_by(*BranchQuota._meta.ordering)
                         .values(quota=JSONObject(branch="branch_id", branch_name="branch__name", places="places")))


@compiled_once(Registration)
def _waitlist_ahead():
    """The number of distinct arrivals waitlisted before the registration in its activity (waitlist_ahead:
    services.waitlist_place is this + 1 for a waitlisted one), compiled once per process (it refers only
    to the listed registration's own activity_id and arrival)."""
    ahead = Registration.objects.filter(activity_id=OuterRef("activity_id"), status=R.WAITLISTED,
                                        arrival__lt=OuterRef("arrival")).values("arrival").distinct()
    return SubqueryCount(ahead)


def registrations_listed(user) -> QuerySet[Registration]:
    """A page of registrations as the list shows it, with its waitlist places: the activity's title and
    the branch's and team's names as plain columns (listed_*, read by api.listed.ListedCharField), of
    the member the user who may see the code besides the organiser, except for the office, which sees
    every code (issue #14: each joined row was a model instance per row and a related selection
    compiled per request, for one name). Who organises
    the activity is read only for a branch chair's list: the code shows to the member, to the office for
    every registration and to a chair for their branch's activities (services.code_visible_to, which
    answers the office without reading the activity); for anyone else that join was a sixth table."""
    office = user.has_role(Role.UNION_ADMIN)
    organiser = user.has_role(Role.BRANCH_CHAIR) and not office
    rows = (registrations_visible_to(user).select_related(None)
            .annotate(waitlist_ahead=_waitlist_ahead(), listed_activity_title=F("activity__title"),
                      listed_member_name=F("member__name"), listed_branch_name=F("branch__name"),
                      listed_team_name=F("team__name")))
    columns = [*own_columns(Registration)]
    if not office:  # whose the code is: the office's answer reads no member (services.code_visible_to)
        rows = rows.select_related("member")
        columns.append("member__user")
    if organiser:
        rows = rows.select_related("activity__organiser_branch")
        columns.append("activity__organiser_branch__chair")
    return rows.only(*columns).order_by("-registered_at", "-id")


def activities_organised_by(user) -> QuerySet[Activity]:
    rows = Activity.objects.select_related("organiser_branch")
    if user.has_role(Role.UNION_ADMIN):
        return rows
    if user.has_role(Role.BRANCH_CHAIR):
        return rows.filter(organiser_branch__chair=user)
    return rows.none()


def registrations_visible_to(user) -> QuerySet[Registration]:
    """The office all; a branch chair those of activities they organise and of their branch's
    members; anyone their own."""
    rows = Registration.objects.select_related("activity", "member", "branch", "team")
    if user.has_role(Role.UNION_ADMIN):
        return rows
    own = Q(member__user=user)
    if user.has_role(Role.BRANCH_CHAIR):
        return rows.filter(own | Q(activity__organiser_branch__chair=user) | Q(branch__chair=user))
    return rows.filter(own)


def open_activities() -> QuerySet[Activity]:
    now = timezone.now()
    return (Activity.objects.filter(status=A.OPEN, registration_opens_at__lte=now, registration_closes_at__gte=now)
            .select_related("organiser_branch").order_by("registration_closes_at", "id"))


def registrations_of(member: Member) -> QuerySet[Registration]:
    return (Registration.objects.filter(member=member).select_related("activity", "team")
            .order_by("-activity__starts_at", "-id"))


def attendance_by_branch(activity: Activity) -> list[dict]:
    rows = (activity.registrations.filter(status=R.CONFIRMED).values("branch__name")
            .annotate(confirmed=Count("id"), attended=Count("id", filter=Q(checked_in_at__isnull=False)))
            .order_by("branch__name"))
    return [{"branch": r["branch__name"], "confirmed": r["confirmed"], "attended": r["attended"],
             "absent": r["confirmed"] - r["attended"]} for r in rows]


def no_shows(activity: Activity) -> QuerySet[Registration]:
    return (activity.registrations.filter(status=R.CONFIRMED, checked_in_at__isnull=True)
            .select_related("member", "branch").order_by("branch__name", "member__name"))


def waitlist(activity: Activity) -> QuerySet[Registration]:
    return activity.registrations.filter(status=R.WAITLISTED).select_related("member", "branch").order_by("arrival", "id")


def member_attendance(member: Member) -> dict:
    rows = Registration.objects.filter(member=member, status=R.CONFIRMED, activity__status=A.HELD)
    return {"held": rows.count(), "attended": rows.filter(checked_in_at__isnull=False).count()}


# --- the year's figures (for the statistics roll-up) ----------------------------------------------

def activities_held(year: int) -> QuerySet[Activity]:
    """Activities held in ``year`` (by their start, Asia/Shanghai)."""
    return Activity.objects.filter(status=A.HELD, starts_at__year=year)


def participation_by_branch(year: int) -> list[dict]:
    """Per branch for activities held in ``year``: confirmed registrations (participants), how many
    checked in (attendance) and distinct people."""
    rows = (Registration.objects.filter(status=R.CONFIRMED, activity__status=A.HELD, activity__starts_at__year=year)
            .values("branch_id", "branch__name")
            .annotate(participants=Count("id"), attended=Count("id", filter=Q(checked_in_at__isnull=False)),
                      people=Count("member", distinct=True))
            .order_by("branch__name"))
    return [{"branch_id": r["branch_id"], "branch": r["branch__name"], "participants": r["participants"],
             "attended": r["attended"], "people": r["people"]} for r in rows]


def year_figures(year: int) -> dict:
    """Activities held, participants (confirmed registrations) and attendance for ``year``."""
    held = activities_held(year)
    regs = Registration.objects.filter(status=R.CONFIRMED, activity__in=held)
    return {"year": year, "activities_held": held.count(), "participants": regs.count(),
            "attended": regs.filter(checked_in_at__isnull=False).count(),
            "people": regs.values("member").distinct().count(),
            "by_kind": list(held.values("kind").annotate(count=Count("id")).order_by("kind")),
            "by_branch": participation_by_branch(year)}


def live(rows):
    return rows.filter(status__in=ACTIVE_STATES)


# The statistics roll-up's reading of year_figures for many schools at once (shared/stats/figures.py)
def rollup_querysets(year: int) -> dict:
    held = activities_held(year)
    return {"held": held.order_by().values("status").annotate(n=Count("id")),
            "registrations": Registration.objects.filter(status=R.CONFIRMED, activity__in=held).order_by()
            .values("status").annotate(participants=Count("id"),
                                       attended=Count("id", filter=Q(checked_in_at__isnull=False)))}


def rollup_figures(rows: dict) -> dict:
    return {"activities_held": sum(row["n"] for row in rows["held"]),
            "activity_participants": sum(row["participants"] for row in rows["registrations"]),
            "activity_attended": sum(row["attended"] for row in rows["registrations"])}
