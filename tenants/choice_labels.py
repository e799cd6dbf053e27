"""A row's get_FOO_display() without Django rebuilding the field's {choice: label} dict on every call
(issue #14: a list of 50 rows with two such columns rebuilt it 100 times per page).

Used by the API's rows (api/serializers/fastrow.py) and the pages' tables (web/templatetags/ui.py).
"""
from __future__ import annotations

import functools

from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_get_FIELD_display = Model._get_FIELD_display

# A model field's {choice: label}, built once per field rather than per row (see choice_label).
_choice_dicts: dict = {}


def choice_label(row, field):
    """Model._get_FIELD_display(row, field) — what get_status_display answers — with the field's
    choices turned into a dict once. Choices given as a callable (re-read on each use) are not kept."""
    value = getattr(row, field.attname)
    choices = field.choices
    cached = _choice_dicts.get(id(field))
    if cached is None or cached[0] is not field or cached[1] is not choices:
        choices_dict = dict(make_hashable(field.flatchoices))
        if choices.__class__ is list:
            _choice_dicts[id(field)] = (field, choices, choices_dict)
    else:
        choices_dict = cached[2]
    return force_str(choices_dict.get(make_hashable(value), value), strings_only=True)


def call_display(obj):
    """obj() — where obj is a row's get_FOO_display, answered by choice_label; anything else is called."""
    if obj.__class__ is functools.partial and not obj.args:
        inner = obj.func
        if getattr(inner, "__func__", None) is _get_FIELD_display and len(obj.keywords) == 1:
            field = obj.keywords.get("field")
            if field is not None:
                return choice_label(inner.__self__, field)
    return obj()
