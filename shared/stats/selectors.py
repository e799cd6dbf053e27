"""Reads of the statistics: a school's own rows, and the province's dashboard.

The dashboard's figures per school come from two places: what the nightly roll-up computed in each
school's schema (SchoolStats: members, new members, proposals, care, money by category) and what the province holds itself
in the shared tables (subsidy money, honours) — the latter read live, the former as of the last
roll-up, whose time the page shows.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from shared.selectors import require_school
from shared.stats.models import SchoolStats
from tenants.finance.models import ExpenseCategory
from tenants.members.models import EmploymentType
from tenants.models import School
from tenants.selectors import schools

#: older than this, a school's figures of this year missed at least one nightly roll-up
STALE_AFTER = datetime.timedelta(hours=26)


def stats_of(school):
    """This school's own yearly figures, newest year first."""
    require_school(school, "统计")
    return SchoolStats.objects.filter(school=school).order_by("-year")


def percent(part, whole) -> Decimal | None:
    """A rate in percent with one decimal, None when there is nothing to divide (as the school's
    own figures page: tenants.congress.selectors.percent)."""
    from tenants.congress.selectors import percent as congress_percent

    return congress_percent(part or 0, whole or 0)


def rates(row) -> dict:
    """立案率 (accepted / received), 办结率 (closed / handled), 满意率 (满意 + 基本满意 / rated) of a
    SchoolStats row or of the totals dict — the definitions of the school's figures page."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    return {"acceptance_rate": percent(get("proposals_accepted"), get("proposals_received")),
            "closure_rate": percent(get("proposals_closed"), get("proposals_handled")),
            "satisfaction_rate": percent(get("proposals_satisfied"), get("proposals_rated"))}


def with_figures(rows, *, year: int):
    """Schools annotated with their roll-up of `year`: `members_total` (None: never rolled up)
    and `rolled_up_at`."""
    # at most one row per school and year: no ordering (SchoolStats' default one joins the school)
    own = SchoolStats.objects.filter(school=OuterRef("pk"), year=year).order_by()
    return rows.annotate(members_total=Subquery(own.values("members_total")[:1]),
                         rolled_up_at=Subquery(own.values("computed_at")[:1]))


def last_rollup(*, year: int) -> datetime.datetime | None:
    return SchoolStats.objects.filter(year=year).aggregate(last=Max("computed_at"))["last"]


def stale_schools(*, now: datetime.datetime | None = None):
    """Active schools whose figures of this year are missing or older than a nightly roll-up
    would leave them (the worker or beat is not running). A school opened since the last nightly
    run has missed none yet."""
    now = now or timezone.now()
    fresh = SchoolStats.objects.filter(year=timezone.localdate(now).year, computed_at__gte=now - STALE_AFTER)
    return (with_figures(schools(status=School.Status.ACTIVE), year=timezone.localdate(now).year)
            .exclude(pk__in=fresh.values("school")).exclude(created__gt=now - STALE_AFTER).order_by("slug"))


def dashboard_years() -> list[int]:
    """The years the dashboard can show: any with figures, programmes or honours, and this one."""
    from shared.honours.models import HonourCampaign, HonourRecord
    from shared.subsidies.models import Programme

    # one statement: the four tables' years as a UNION (it was a DISTINCT per table, each also
    # ordered by its model's ordering, which made the DISTINCT keep a row per year and ordering key)
    def years_of(model):
        return model.objects.order_by().values_list("year", flat=True)

    years = {timezone.localdate().year}
    years.update(years_of(SchoolStats).union(years_of(Programme), years_of(HonourCampaign), years_of(HonourRecord)))
    return sorted((y for y in years if 2000 <= y <= 2100), reverse=True)


@dataclass
class Series:
    """One column of a chart's table; `charted` ones are also drawn."""

    name: str
    values: list
    format: str = ""          # "" (a count) | "money" (yuan) | "percent"
    charted: bool = True
    total: object = None


@dataclass
class Chart:
    key: str
    title: str
    note: str
    schools: list[School]
    series: list[Series]
    stacked: bool = False
    unit: str = ""            # what the chart's axis counts: 人 / 件 / 元 / %
    source: str = "rollup"    # "rollup" (as of the last roll-up) | "live" (the province's own tables)
    rows: list = field(default_factory=list)

    def __post_init__(self):
        self.rows = [{"school": school, "cells": [{"name": s.name, "value": s.values[i], "format": s.format}
                                                  for s in self.series]} for i, school in enumerate(self.schools)]
        self.totals = [{"name": s.name, "value": s.total, "format": s.format} for s in self.series]

    @property
    def empty(self) -> bool:
        return not any(value for s in self.series if s.charted for value in s.values if value)

    def data(self) -> dict:
        """What the page's script draws (json_script): numbers as JSON numbers, None as null."""
        def number(value):
            return None if value is None else float(value) if isinstance(value, Decimal) else value

        return {"key": self.key, "unit": self.unit, "stacked": self.stacked,
                "schools": [s.short_name or s.name for s in self.schools],
                "series": [{"name": s.name, "data": [number(v) for v in s.values]} for s in self.series if s.charted]}


def _schools_for(year: int, stats: dict) -> list[School]:
    """Every member school not archived, and any archived one with figures of the year."""
    rows = schools().filter(~Q(status=School.Status.ARCHIVED) | Q(pk__in=list(stats)))
    return list(rows.order_by("id"))


def _sum(values):
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def dashboard_charts(*, year: int) -> list[Chart]:
    """The province's dashboard of `year`: one Chart per figure, each a table of schools."""
    from shared.honours.models import HonourRecord, Nomination
    from shared.honours.selectors import COUNTED as NOMINATED
    from shared.subsidies.models import Application
    from shared.subsidies.selectors import COUNTED as ALLOCATED

    stats = {row.school_id: row for row in SchoolStats.objects.filter(year=year)}
    members = _schools_for(year, stats)

    def of(name):
        return [getattr(stats[s.pk], name) if s.pk in stats else None for s in members]

    charts = []
    by_type = [Series(label, [stats[s.pk].members_by_employment.get(kind, 0) if s.pk in stats else None
                              for s in members]) for kind, label in EmploymentType.choices]
    for series in by_type:
        series.total = _sum(series.values)
    active = [_sum(values) for values in zip(*(s.values for s in by_type))] if members else []
    by_type.append(Series("在会会员合计", active, charted=False, total=_sum(active)))
    charts.append(Chart("members", "各校会员（按用工类型）", "在会会员按用工类型分列（在编、非编、人事代理、退休）。",
                        members, by_type, stacked=True, unit="人"))

    new = of("new_members")
    charts.append(Chart("new-members", f"{year} 年新入会会员", f"入会日期在 {year} 年内的会员。", members,
                        [Series("新入会", new, total=_sum(new))], unit="人"))

    totals = {name: _sum(of(name)) for name in ("proposals_received", "proposals_accepted", "proposals_handled",
                                                 "proposals_closed", "proposals_rated", "proposals_satisfied")}
    per_school = [rates(stats[s.pk]) if s.pk in stats else dict.fromkeys(("acceptance_rate", "closure_rate",
                                                                          "satisfaction_rate")) for s in members]
    overall = rates(totals)
    congress = [Series("收到提案", of("proposals_received"), charted=False, total=totals["proposals_received"])]
    for key, label, count_name, count_label in (
            ("acceptance_rate", "立案率", "proposals_accepted", "立案"),
            ("closure_rate", "办结率", "proposals_closed", "办结"),
            ("satisfaction_rate", "满意率", "proposals_satisfied", "满意和基本满意")):
        congress.append(Series(count_label, of(count_name), charted=False, total=totals[count_name]))
        congress.append(Series(label, [r[key] for r in per_school], format="percent", total=overall[key]))
    charts.append(Chart("congress", "教代会提案：立案率、办结率、满意率",
                        f"{year} 年召开的教代会收到的提案；立案率 = 立案 ÷ 收到，办结率 = 办结 ÷ 立案后办理，"
                        "满意率 = 满意和基本满意 ÷ 已评价。", members, congress, unit="%"))

    visits, care_amount, payouts, cases = of("care_visits"), of("care_amount"), of("aid_payouts"), of("hardship_cases")
    charts.append(Chart("care", "帮扶慰问与互助保障",
                        f"{year} 年各校已登记（或超标准已批准）的慰问人次和金额、已支付的互助金，以及困难教职工"
                        "档案在册人数；按慰问和给付记录统计，其账目是否已审批见“工会经费”图。",
                        members, [Series("慰问人次", visits, charted=False, total=_sum(visits)),
                                  Series("慰问金额", care_amount, format="money", total=_sum(care_amount)),
                                  Series("互助金给付", payouts, format="money", total=_sum(payouts)),
                                  Series("在册困难教职工", cases, charted=False, total=_sum(cases))], unit="元"))

    held, participants, attended = of("activities_held"), of("activity_participants"), of("activity_attended")
    travellers, winners = of("trip_travellers"), of("award_winners")
    checked, eligible = of("health_checked"), of("health_eligible")
    charts.append(Chart("activities", "文体活动、疗休养与评先评优",
                        f"{year} 年各校已举办活动的报名参与人次和签到人次、疗休养出行人次；举办场次、评先评优"
                        "获评（人、集体）和体检覆盖见表格。",
                        members, [Series("举办活动（场）", held, charted=False, total=_sum(held)),
                                  Series("参与人次", participants, total=_sum(participants)),
                                  Series("签到人次", attended, total=_sum(attended)),
                                  Series("疗休养人次", travellers, total=_sum(travellers)),
                                  Series("评先评优获评", winners, charted=False, total=_sum(winners)),
                                  Series("已体检（人）", checked, charted=False, total=_sum(checked)),
                                  Series("应体检（人）", eligible, charted=False, total=_sum(eligible))],
                        unit="人次"))

    spent_by = []
    for category, label in ExpenseCategory.choices:
        values = [Decimal(stats[s.pk].money_by_category.get(category, "0")) if s.pk in stats else None
                  for s in members]
        spent_by.append(Series(label, values, format="money", total=_sum(values)))
    income = of("income")
    spent_by.append(Series("支出合计", of("spent"), format="money", charted=False, total=_sum(of("spent"))))
    spent_by.append(Series("收入合计", income, format="money", charted=False, total=_sum(income)))
    charts.append(Chart("money", "工会经费：已审批支出（按科目）",
                        f"{year} 年各校账目中已审批的支出，按工会会计科目分列；未审批的收支不计入。",
                        members, spent_by, stacked=True, unit="元"))

    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
    money = {row["school"]: row for row in Application.objects.filter(programme__year=year).values("school").annotate(
        allocated=Coalesce(Sum("allocated_amount", filter=Q(status__in=ALLOCATED)), zero),
        disbursed=Coalesce(Sum("allocated_amount", filter=Q(status__in=[Application.Status.DISBURSED,
                                                                        Application.Status.REPORTED])), zero))}
    honours = {row["school"]: row for row in Nomination.objects.filter(campaign__year=year).values("school").annotate(
        nominated=Count("pk", filter=Q(status__in=NOMINATED)))}
    awarded = dict(HonourRecord.objects.filter(year=year).values_list("school").annotate(n=Count("pk")).order_by())
    everyone = list(schools().filter(~Q(status=School.Status.ARCHIVED)
                                     | Q(pk__in=[*stats, *money, *honours, *awarded])).order_by("id"))
    allocated = [money.get(s.pk, {}).get("allocated", Decimal("0.00")) for s in everyone]
    disbursed = [money.get(s.pk, {}).get("disbursed", Decimal("0.00")) for s in everyone]
    charts.append(Chart("subsidies", "经费补助：核定与拨付", f"{year} 年度补助项目中核定给各校的金额和其中已拨付的金额。",
                        everyone, [Series("已核定", allocated, format="money", total=sum(allocated, Decimal("0.00"))),
                                   Series("已拨付", disbursed, format="money", total=sum(disbursed, Decimal("0.00")))],
                        unit="元", source="live"))
    nominated = [honours.get(s.pk, {}).get("nominated", 0) for s in everyone]
    granted = [awarded.get(s.pk, 0) for s in everyone]
    charts.append(Chart("honours", "荣誉：推荐与授予", f"{year} 年度荣誉推荐活动中各校的有效推荐人选，以及 {year} 年授予的荣誉。",
                        everyone, [Series("推荐人选", nominated, total=sum(nominated)),
                                   Series("获得荣誉", granted, total=sum(granted))], unit="人", source="live"))
    return charts


def dashboard_chart(*, year: int, key: str) -> Chart | None:
    return next((chart for chart in dashboard_charts(year=year) if chart.key == key), None)
