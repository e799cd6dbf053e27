"""China's working days (工作日): weekends and public holidays off, adjusted workdays (调休上班) on.

The State Council publishes each year's holidays in the autumn before; `chinesecalendar` carries
them. For a year it does not cover yet, every Monday to Friday counts as a working day and
`calendar_covers(year)` is False, so a page can say the count may shift once the year's holidays
are published instead of pretending to know them.
"""
from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=64)
def calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date) -> bool:
    if calendar_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of ``days`` working days beginning on ``start`` (counted from the first
    working day on or after it): a 公示 of 5 working days from Monday 2026-09-28 runs across the
    National Day holiday and its adjusted workdays, and ends on the day this returns."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day = next_working_day(start)
    counted = 1
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days from ``start`` to ``end``, both included (0 if ``end`` is before ``start``)."""
    count, day = 0, start
    while day <= end:
        count += is_working_day(day)
        day += datetime.timedelta(days=1)
    return count
