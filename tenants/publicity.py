"""Rules of 公示 (public notice) and quotas shared by the provincial honours (shared.honours) and the
school's own awards (tenants.awards): one wording, one check, in both flows.

- a quota or count typed by a person (`whole_number`);
- a quota that is used up (`check_quota_left`);
- a 公示 of N working days counted on China's calendar (`publicity_period`), never shorter than the
  rule, and never starting before today (`publicity_start_error`): a backdated 公示 could already be
  over, with no day left for objections;
- objections only while the 公示 runs (`check_objection_window`);
- a decision only after it ended (`check_publicity_over`).
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.errors import Conflict
from tenants.text import cn_date
from tenants.workdays import add_working_days, calendar_covers


def whole_number(value, *, field: str, label: str, low: int, high: int, errors: dict, blank: str = "") -> int | None:
    """``value`` as an int within [low, high]; puts the Chinese reason into ``errors`` otherwise.
    Blank (None or "") is an error unless ``blank`` is "ok"; then it answers None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if blank != "ok":
            errors[field] = blank or f"请填写{label}。"
        return None
    if isinstance(value, bool):
        errors[field] = f"{label}应为整数。"
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = f"{label}应为整数。"
        return None
    if not low <= number <= high:
        errors[field] = f"{label}应在 {low} 到 {high} 之间。"
        return None
    return number


def check_quota_left(*, used: int, quota: int, who: str, what: str, field: str | None = None) -> None:
    """409 when ``who`` has used all of its ``quota`` in ``what``."""
    if used >= quota:
        raise Conflict(f"{who}在“{what}”的推荐名额为 {quota} 名，已用完。", field=field)


def publicity_days_error(days: int | None, *, minimum: int) -> str:
    """The Chinese refusal of a 公示 shorter than the rule ("" when it is long enough)."""
    if days is not None and days < minimum:
        return f"按规定公示期不少于 {minimum} 个工作日，不能设为 {days} 个工作日。"
    return ""


def publicity_start_error(starts_on: datetime.date | None, today: datetime.date | None = None) -> str:
    """The Chinese refusal of a 公示 that would start before today ("" when it starts today or later).
    A 公示 is a notice to the staff: one begun in the past may already have ended, so objections would
    be refused at once and the decision could follow in the same minute."""
    today = today or timezone.localdate()
    if starts_on is not None and starts_on < today:
        return f"公示开始日期不能早于今天（{cn_date(today)}），公示期须从今天或以后开始。"
    return ""


def publicity_period(starts_on: datetime.date, days: int, *, minimum: int,
                     field: str = "publicity_days") -> tuple[datetime.date, datetime.date, bool]:
    """(first day, last day, whether the calendar knows that year's holidays) of a 公示 of ``days``
    working days from ``starts_on`` — China's working days, holidays off and 调休 workdays on. A 公示
    shorter than ``minimum`` is refused (400 on ``field``)."""
    error = publicity_days_error(days, minimum=minimum)
    if error:
        raise ValidationError({field: error})
    ends_on = add_working_days(starts_on, days)
    return starts_on, ends_on, calendar_covers(starts_on.year) and calendar_covers(ends_on.year)


def check_objection_window(starts_on: datetime.date | None, ends_on: datetime.date | None,
                           today: datetime.date | None = None) -> None:
    """409 unless today is within the 公示 (objections are recorded only while it runs)."""
    today = today or timezone.localdate()
    if starts_on and ends_on and not starts_on <= today <= ends_on:
        raise Conflict(f"公示期为 {cn_date(starts_on)} 至 {cn_date(ends_on)}，现在不能记录异议。")


def publicity_over_error(ends_on: datetime.date | None, doing: str, today: datetime.date | None = None) -> str:
    """Why ``doing`` must wait for the 公示 to end ("" once its last day is over)."""
    today = today or timezone.localdate()
    if ends_on and today <= ends_on:
        return f"公示期到 {cn_date(ends_on)} 结束，结束后才能{doing}。"
    return ""


def check_publicity_over(ends_on: datetime.date | None, doing: str, today: datetime.date | None = None) -> None:
    """409 while the 公示 has not ended yet: nothing is final before its last day is over."""
    if error := publicity_over_error(ends_on, doing, today):
        raise Conflict(error)
