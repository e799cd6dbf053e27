"""What text and dates a person may store: no NUL and no control characters, whichever door it comes in by
(API serializers, page forms, the admin, roster cells).

PostgreSQL cannot store NUL, and a name like "Ï\\rG" breaks every list, export and letter it
appears in. Multi-line text keeps newlines and tabs, with Windows' \\r\\n read as \\n.
"""
from __future__ import annotations

import datetime
import re

SINGLE_LINE_ILLEGAL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
MULTI_LINE_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \t and \n stay; \r only before \n
SINGLE_LINE_MESSAGE = "不能含有换行、制表符或其他控制字符。"
MULTI_LINE_MESSAGE = "不能含有控制字符（换行和制表符以外的不可见字符）。"


def unstorable(value: str) -> bool:
    """NUL, or a lone surrogate (e.g. from a "\ud800" JSON escape): text PostgreSQL cannot hold."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text_problem(value, *, multiline: bool) -> str | None:
    """The Chinese reason ``value`` cannot be stored as text, or None."""
    if not isinstance(value, str):
        return None
    if multiline:
        bad = MULTI_LINE_ILLEGAL.search(value.replace("\r\n", "\n"))
    else:
        bad = SINGLE_LINE_ILLEGAL.search(value)
    if bad or unstorable(value):
        return MULTI_LINE_MESSAGE if multiline else SINGLE_LINE_MESSAGE
    return None


# Year 183 is a typing accident, and years outside what PostgreSQL and Excel both handle break
# exports and date arithmetic downstream.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def date_problem(value) -> str | None:
    if isinstance(value, (datetime.date, datetime.datetime)) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return f"日期应在 {EARLIEST_YEAR} 年至 {LATEST_YEAR} 年之间。"
    return None


class RefuseControlCharacters:
    """For Django forms (the pages' and the admin's): every text and date field refuses what the
    API refuses, beside the field; a Textarea is multi-line text."""

    def clean(self):
        cleaned = super().clean()
        from django import forms

        for name, field in self.fields.items():
            value = cleaned.get(name) if cleaned else None
            problem = (text_problem(value, multiline=isinstance(field.widget, forms.Textarea))
                       or date_problem(value))
            if problem and name not in self.errors:
                self.add_error(name, problem)
        return cleaned


def cn_date(value) -> str:
    """2026年3月5日 — how a date reads in every message, notification and page (datetimes in
    Asia/Shanghai)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def ascii_int(value, *, max_digits: int = 9) -> int | None:
    """`value` as an int when it is ASCII digits only (at most `max_digits`), else None.
    ("²".isdigit() is True but int("²") raises; a 20-digit id would overflow the database's integer.)"""
    value = str(value if value is not None else "").strip()
    if value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None
