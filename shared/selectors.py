"""What the province expects of one school soon: the school's side of the provincial layer, read
from the shared tables and always filtered to that school (a school's workbench shows it).

A window that is open for every school (a campaign, a competition's registration) is addressed to
all schools, so it is not filtered by school; what hangs on one school (its subsidy reports, its
circulars) is. No school given → NoSchoolInContext, never every school's rows.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Value
from django.utils import timezone

from tenants.errors import NoSchoolInContext

#: how far ahead a deadline counts as approaching
DEADLINE_HORIZON_DAYS = 30


@dataclass(frozen=True)
class Deadline:
    area: str          # 荣誉推荐 / 教学竞赛 / 建家申报 / 经费补助 / 补助使用报告
    title: str
    due: datetime.datetime | datetime.date
    days_left: int


def require_school(school, what: str = "本校的省级事项"):
    """The guard of every school-side read of a shared table: one school, never none, never the
    province (whose rows would be every school's)."""
    if school is None or getattr(school, "is_province", False):
        raise NoSchoolInContext(f"{what}只对某一所学校列出。")
    return school


def _days_left(due, today) -> int:
    day = timezone.localtime(due).date() if isinstance(due, datetime.datetime) else due
    return (day - today).days


def provincial_deadlines(school, *, horizon_days: int = DEADLINE_HORIZON_DAYS) -> list[Deadline]:
    """Open provincial windows closing within the horizon, and this school's overdue-soon reports,
    soonest first."""
    from shared.competitions.models import Competition
    from shared.honours.models import HonourCampaign
    from shared.staffhomes.models import Round
    from shared.subsidies.models import Application, Programme

    if school is None or getattr(school, "is_province", False):
        raise NoSchoolInContext("省级截止事项只对某一所学校列出。")
    now = timezone.now()
    today = timezone.localdate()
    until = now + datetime.timedelta(days=horizon_days)
    # the four windows open to every school in one query (UNION ALL of area, title and closing time):
    # the 工作台 compiled and sent four SELECTs of every column for a title and a date each
    # (rows, area, closing field, the model's own order: year, then id or edition, both descending)
    windows = (
        (HonourCampaign.objects.filter(status=HonourCampaign.Status.OPEN, deadline__gte=now, deadline__lte=until),
         "荣誉推荐", "deadline", "id"),
        (Competition.objects.filter(status=Competition.Status.REGISTRATION, registration_opens_at__lte=now,
                                    registration_closes_at__gte=now, registration_closes_at__lte=until),
         "教学竞赛报名", "registration_closes_at", "edition"),
        (Round.objects.filter(status=Round.Status.OPEN, opens_at__lte=now, closes_at__gte=now, closes_at__lte=until),
         "建家申报", "closes_at", "id"),
        (Programme.objects.filter(opens_at__lte=now, closes_at__gte=now, closes_at__lte=until),
         "经费补助申报", "closes_at", "id"),
    )
    first, *rest = [rows.order_by().annotate(_area=Value(area), _due=F(due), _rank=Value(rank), _then=F(then))
                    .values_list("_area", "title", "_due", "_rank", "year", "_then")
                    for rank, (rows, area, due, then) in enumerate(windows)]
    found = [Deadline(area, title, due, _days_left(due, today))
             for area, title, due, *_ in first.union(*rest, all=True).order_by("_rank", "-year", "-_then")]
    for application in Application.objects.filter(
            school=school, status=Application.Status.DISBURSED, programme__report_due_on__isnull=False,
            programme__report_due_on__lte=today + datetime.timedelta(days=horizon_days)).select_related("programme"):
        due = application.programme.report_due_on
        found.append(Deadline("补助使用报告", application.project, due, _days_left(due, today)))
    return sorted(found, key=lambda d: d.days_left)


def circulars_to_acknowledge(school):
    """Published circulars sent to this school that it has not signed for yet."""
    from shared.circulars.models import Circular, CircularRecipient

    if school is None or getattr(school, "is_province", False):
        raise NoSchoolInContext("待签收的通知只对某一所学校列出。")
    return CircularRecipient.objects.filter(school=school, acknowledged_at__isnull=True,
                                            circular__status=Circular.Status.PUBLISHED).select_related(
        "circular").order_by("-circular__published_at")
