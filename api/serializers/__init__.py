"""The bases every API serializer derives from (tests/api/test_input_hygiene.py checks that).

They apply api.fields.harden to every writable field — declared, generated from a model, nested
or a list's child — so no serializer can forget the project's rules for text and dates.
"""
from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from api.fields import harden, normalize_newlines, nul_in_input
from api.serializers import fastrow


def listed_or(obj, attribute: str, compute: Callable[[], Any]):
    """What a list's query put on the row as `attribute` (an annotation or a prefetch, issue #14), or
    `compute()` for a row read on its own (a detail, a create's answer) that has no such attribute."""
    value = getattr(obj, attribute, None)
    return value if value is not None else compute()


class InputHygieneMixin:
    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            harden(name, field)
        return fields

    def to_internal_value(self, data):
        problems = nul_in_input(data)
        if problems:
            raise serializers.ValidationError(problems)
        return normalize_newlines(self.fields, super().to_internal_value(data))


class FastRowMixin:
    """Every answer goes through api.serializers.fastrow: the same dict as DRF's
    Serializer.to_representation for a fraction of the CPU (issue #14). A serializer that overrides
    to_representation and calls super() keeps the fast path."""

    def to_representation(self, instance):
        if fastrow.ENABLED:
            return fastrow.represent(self, instance)
        return super().to_representation(instance)


class Serializer(FastRowMixin, InputHygieneMixin, serializers.Serializer):
    pass


class ModelSerializer(FastRowMixin, InputHygieneMixin, fastrow.FieldsOnceMixin, serializers.ModelSerializer):
    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        for name, field in fields.items():
            # A read-only choice over a blank=True model field answers "" when unset (no rating
            # yet, no award); DRF drops allow_blank for read-only fields, so the schema's enum
            # would leave "" out and a generated client would reject real answers.
            if field.read_only and isinstance(field, serializers.ChoiceField) and model is not None:
                try:
                    model_field = model._meta.get_field(field.source or name)
                except Exception:
                    continue
                if getattr(model_field, "blank", False):
                    field.allow_blank = True
        return fields
