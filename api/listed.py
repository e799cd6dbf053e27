"""Relations a list reads in its own query (issue #14).

A page's many-to-many ids (a batch's branches, a notice's groups) cost a prefetch each: one more
statement, compiled and turned into model instances, which for a page of a few rows is most of
the list's time. The list's selector annotates the ids instead (tenants.counting.RelatedIds, named
``listed_<field>``); a serializer that sets ``serializer_related_field = ListedPrimaryKeyRelatedField``
answers them from there, and reads the relation as before for a row without the annotation (a
detail, a create's answer). Same output, same schema.
"""
from __future__ import annotations

from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from api.serializers.fastrow import NO_ANSWER, answer_for_missing


class _Listed(list):
    """Ids the row's query selected (already primary keys: nothing left to convert)."""


class ListedManyRelatedField(serializers.ManyRelatedField):
    def get_attribute(self, instance):
        listed = getattr(instance, f"listed_{self.field_name}", None)
        return _Listed(listed) if listed is not None else super().get_attribute(instance)

    def to_representation(self, iterable):
        if isinstance(iterable, _Listed):
            return list(iterable)
        return super().to_representation(iterable)


class ListedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """PrimaryKeyRelatedField whose many=True form reads the ``listed_<field>`` annotation when present."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return ListedManyRelatedField(**list_kwargs)


class OncePerResponse:
    """For a nested serializer whose row repeats across a page (a visit's standard, an assignment's batch):
    each distinct row (by primary key) is serialized once per response and the same answer reused.
    Put it before the serializer class: ``class OnceBatch(OncePerResponse, BatchSerializer)``, decorated
    with ``@extend_schema_field(BatchSerializer)`` so the schema's component stays the base's.
    Only for a nested row whose answer depends on that row alone (not on the outer row), and the rows
    share one dict: nothing may change it after it is made. The cache lives on the serializer
    instance, which is made per response."""

    def to_representation(self, instance):
        written = self.__dict__.setdefault("_written", {})
        if instance.pk not in written:
            written[instance.pk] = super().to_representation(instance)
        return written[instance.pk]


class ListedRows(serializers.ListSerializer):
    """A nested ``many=True`` serializer that reads the ``listed_<field>`` annotation when present
    (tenants.counting.RelatedRows: the related rows as dicts, in the row's own query) and the
    relation as before otherwise (a detail, a create's answer). Set it as the nested serializer's
    ``Meta.list_serializer_class``."""

    def get_attribute(self, instance):
        listed = getattr(instance, f"listed_{self.field_name}", None)
        return listed if listed is not None else super().get_attribute(instance)


class ListedValue:
    """A read-only field whose value the list's query selected as the ``listed_<field name>``
    annotation: a related row's column (a member's name, who recorded a row), selected as a joined
    column (``F("member__name")``) or as a compiled-once subquery (tenants.counting.RelatedValue),
    without the related row built for every row of the page (issue #14). A row without the annotation (a detail, a create's
    answer) reads the source as before. Put it before the field class:
    ``class ListedCharField(ListedValue, serializers.CharField)``.

    ``through_empty=True`` where the annotation is None only because a relation on the source's path is
    empty (``recorded_by.username`` of a row nobody recorded): the field then answers as DRF answers
    a source through None (its default, None if it allows null, or the key left out)."""

    def __init__(self, *args, through_empty: bool = False, **kwargs):
        self.through_empty = through_empty
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        try:
            value = instance.__dict__[f"listed_{self.field_name}"]
        except KeyError:
            return super().get_attribute(instance)
        if value is None and self.through_empty:
            answer = answer_for_missing(self)
            if answer is not NO_ANSWER:
                return answer
        return value


class ListedCharField(ListedValue, serializers.CharField):
    pass


class ListedIntegerField(ListedValue, serializers.IntegerField):
    pass


class ListedDecimalField(ListedValue, serializers.DecimalField):
    pass
