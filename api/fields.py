"""What every field of every API input accepts, whichever serializer declares it.

api.serializers.Serializer and ModelSerializer (the only bases the API's serializers use; a test
walks them all) apply `harden` to each field they build, declared or generated from a model:

- text: no NUL and no control characters. Multi-line text (a model TextField, or a field whose
  name says it is prose: reason, body, note…) keeps newlines and tabs, with Windows' \\r\\n turned
  into \\n; a lone \\r or \\x08 is refused there too. PostgreSQL cannot store NUL, and a name
  like "Ï\\rG" breaks every list, export and letter it appears in.
- dates and times: between 1900 and 2100. Year 183 is a typing accident, and years outside what
  PostgreSQL and Excel both handle break exports and date arithmetic downstream.
"""
from __future__ import annotations


from rest_framework import serializers

from tenants.text import date_problem, text_problem, unstorable

MULTILINE_NAMES = {
    "answer", "body", "comment", "content", "deeds", "description", "measures", "note", "notes", "purpose",
    "reason", "reasons", "self_assessment", "statement", "text",
}
MULTILINE_SUFFIXES = ("_note", "_notes", "_comment", "_reason", "_text", "_description")



def is_multiline(name: str, field) -> bool:
    return (field.style.get("base_template") == "textarea.html" or name in MULTILINE_NAMES
            or name.endswith(MULTILINE_SUFFIXES))


class NoControlCharacters:
    # What api/schema.py documents (stricter than what is accepted: a \r\n pair is taken too).
    SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f\u2028\u2029]*$"
    MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"

    def __init__(self, multiline: bool):
        self.multiline = multiline
        self.pattern = self.MULTI_LINE_PATTERN if multiline else self.SINGLE_LINE_PATTERN

    def __call__(self, value):
        problem = text_problem(value, multiline=self.multiline)
        if problem:
            raise serializers.ValidationError(problem, code="control_characters")


class SaneYear:
    def __call__(self, value):
        problem = date_problem(value)
        if problem:
            raise serializers.ValidationError(problem, code="date_range")


def harden(name: str, field) -> None:
    if getattr(field, "read_only", False):
        return
    if isinstance(field, serializers.ListField) and field.child is not None:
        harden(name, field.child)
    elif isinstance(field, serializers.CharField):
        multiline = is_multiline(name, field)
        field.validators.append(NoControlCharacters(multiline))
        field.multiline = multiline
    elif isinstance(field, (serializers.DateField, serializers.DateTimeField)):
        field.validators.append(SaneYear())


def normalize_newlines(fields, data: dict) -> dict:
    for field in fields.values():
        source = getattr(field, "source", "")
        if not getattr(field, "multiline", False) or "." in source or not isinstance(data, dict):
            continue
        value = data.get(source)
        if isinstance(value, str) and "\r\n" in value:
            data[source] = value.replace("\r\n", "\n")
    return data


def nul_in_input(data) -> dict:
    """Field → message for any NUL in the raw input, before fields (relations, slugs) query with it."""
    problems = {}
    if hasattr(data, "lists"):
        items = ((key, values) for key, values in data.lists())
    elif isinstance(data, dict):
        items = ((key, value if isinstance(value, list) else [value]) for key, value in data.items())
    else:
        return problems
    for key, values in items:
        if any(isinstance(value, str) and unstorable(value) for value in values):
            problems[key] = ["不能含有空字符或无效字符。"]
    return problems
