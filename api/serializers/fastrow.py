"""One row's answer without DRF's per-field overhead (issue #14: serializing was half of a list's CPU).

DRF's Serializer.to_representation walks, for every row, a generator of readable fields, calls each
field's `get_attribute` (which asks `inspect.signature` of every callable it meets: Django's
`get_status_display` is a functools.partial, so every row of every list paid for a signature) and
its `to_representation`, even where that is `str(value)` of a str. `represent` gives the same dict:

- the plan (readable fields, how to read and convert each) is built once per serializer instance —
  a list's rows share one child serializer, so once per list;
- a field that keeps DRF's Field.get_attribute is read by walking `source_attrs` here, exactly as
  rest_framework.fields.get_attribute does, except that "is this a callable without arguments" is
  remembered per underlying function (a bound method by its `__func__`, a partial by its function,
  number of positional arguments and keyword names) instead of computing a signature per row, and
  Django's get_FOO_display reads a {choice: label} dict built once per model field (Django builds
  it on every call); a field whose whole source is `get_FOO_display` of a model that keeps Django's
  own method reads that label straight away, without binding the method for each row;
- a value whose field's DRF to_representation would return it unchanged (a str for a CharField,
  an int for an IntegerField, a bool for a BooleanField, anything for a ReadOnlyField, a str for
  a ChoiceField through its own choice map) is not passed through the call;
- an aware datetime of DRF's own DateTimeField in ISO 8601 is moved to the timezone that was current
  when the plan was made and written as DRF writes it (DRF asks for the current timezone per value);
- everything else (relations, SerializerMethodField, masked personal data, dates, Decimal, custom
  fields, nested serializers — which come back here through their own to_representation) goes
  through the field's own get_attribute / to_representation, with DRF's SkipField, None and
  PKOnlyObject handling.

Errors are DRF's: the same exception types and messages for a missing attribute, a built-in
function as source, an AttributeError/KeyError raised inside a callable source.

`ENABLED` is the switch tests/api/test_fastrow.py turns off to compare every list and detail with
DRF's own path, byte for byte.
"""
from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from datetime import datetime
from functools import partialmethod
from inspect import getattr_static
from types import FunctionType, MethodType

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf_serializers
from rest_framework.fields import BuiltinSignatureError, SkipField, empty, is_simple_callable
from rest_framework import ISO_8601
from rest_framework.settings import api_settings
from rest_framework import relations as drf_relations
from rest_framework.relations import PKOnlyObject

from django.db.models import Model

from tenants.choice_labels import call_display, choice_label

ENABLED = True

# How a value is converted (the plan's `kind`).
CALL = 0  # the field's own to_representation
SAME = 1  # returned unchanged whatever it is (ReadOnlyField)
SAME_IF_TYPE = 2  # unchanged when its class is exactly `arg` (CharField/str, IntegerField/int, BooleanField/bool)
CHOICE = 3  # a str goes through the field's choice map, as ChoiceField.to_representation does
FOREIGN_KEY_ID = 4  # a PrimaryKeyRelatedField over a model's foreign key: the row's own <name>_id (see _fk_attname)
DATETIME_ISO = 5  # DRF's DateTimeField in ISO 8601: an aware datetime in `arg`, the timezone current when the plan was made

_field_get_attribute = drf_fields.Field.get_attribute
_IDENTITY_FOR_TYPE = (
    (drf_fields.CharField.to_representation, str),
    (drf_fields.IntegerField.to_representation, int),
    (drf_fields.BooleanField.to_representation, bool),
)

# Whether a callable met on a source path is called (DRF: is_simple_callable), per function.
_methods: dict = {}
_functions: dict = {}
_partials: dict = {}


def _simple_callable(obj) -> bool:
    """rest_framework.fields.is_simple_callable, remembered per function. Only called on callables."""
    cls = obj.__class__
    if cls is MethodType:
        func = obj.__func__
        if func.__class__ is FunctionType:
            try:
                return _methods[func]
            except KeyError:
                answer = _methods[func] = is_simple_callable(obj)
                return answer
    elif cls is FunctionType:
        try:
            return _functions[obj]
        except KeyError:
            answer = _functions[obj] = is_simple_callable(obj)
            return answer
    elif cls is functools.partial:
        # Its signature depends on the wrapped function and on how many positional arguments and
        # which keywords it binds (a bound keyword becomes a parameter with a default), not on
        # their values. Django's get_FOO_display is such a partial around a bound method.
        inner = obj.func
        if inner.__class__ is MethodType and inner.__func__.__class__ is FunctionType:
            key = (inner.__func__, True, len(obj.args), tuple(obj.keywords))
        elif inner.__class__ is FunctionType:
            key = (inner, False, len(obj.args), tuple(obj.keywords))
        else:
            return is_simple_callable(obj)
        try:
            return _partials[key]
        except KeyError:
            answer = _partials[key] = is_simple_callable(obj)
            return answer
    return is_simple_callable(obj)


# Whether a row's class is a Mapping (read with [] rather than getattr), per class.
_mapping_types: dict = {}
def _read(instance, attrs):
    """rest_framework.fields.get_attribute with the callable decision remembered."""
    for attr in attrs:
        try:
            is_mapping = _mapping_types.get(type(instance))
            if is_mapping is None:
                is_mapping = isinstance(instance, Mapping)
                if instance.__class__ is type(instance):  # not a lazy object posing as another class
                    _mapping_types[type(instance)] = is_mapping
            if is_mapping:
                instance = instance[attr]
            else:
                instance = getattr(instance, attr)
        except ObjectDoesNotExist:
            return None
        if callable(instance) and _simple_callable(instance):
            try:
                instance = call_display(instance)
            except (AttributeError, KeyError) as exc:
                raise ValueError(f'Exception raised in callable attribute "{attr}"; original exception was: {exc}')
    return instance


#: what `answer_for_missing` gives where DRF raises its own error instead
NO_ANSWER = object()


def answer_for_missing(field):
    """What rest_framework.fields.Field.get_attribute answers for a source it cannot follow (an
    attribute missing, an empty relation on the way): the field's default, None where it allows null,
    the key left out (SkipField) where it is not required; NO_ANSWER where DRF raises."""
    if field.default is not empty:
        return field.get_default()
    if field.allow_null:
        return None
    if not field.required:
        raise SkipField()
    return NO_ANSWER


def _get(field, instance):
    """rest_framework.fields.Field.get_attribute, reading through `_read`."""
    try:
        return _read(instance, field.source_attrs)
    except BuiltinSignatureError as exc:
        msg = (
            'Field source for `{serializer}.{field}` maps to a built-in '
            'function type and is invalid. Define a property or method on '
            'the `{instance}` instance that wraps the call to the built-in '
            'function.'.format(
                serializer=field.parent.__class__.__name__,
                field=field.field_name,
                instance=instance.__class__.__name__,
            )
        )
        raise type(exc)(msg)
    except (KeyError, AttributeError) as exc:
        answer = answer_for_missing(field)
        if answer is not NO_ANSWER:
            return answer
        msg = (
            'Got {exc_type} when attempting to get a value for field '
            '`{field}` on serializer `{serializer}`.\nThe serializer '
            'field might be named incorrectly and not match '
            'any attribute or key on the `{instance}` instance.\n'
            'Original exception text was: {exc}.'.format(
                exc_type=type(exc).__name__,
                field=field.field_name,
                serializer=field.parent.__class__.__name__,
                instance=instance.__class__.__name__,
                exc=exc
            )
        )
        raise type(exc)(msg)


def _iso_datetime_timezone(field):
    """The timezone DRF's DateTimeField.to_representation would put `field`'s aware datetimes in, for
    a field that writes them as DRF does in ISO 8601; None for any other (its own call decides).
    DRF asks Django for the current timezone on every value (an asgiref Local read, about half the
    call); a plan is made per serializer instance — per response — and the project never switches
    timezones, within a response or at all."""
    cls = type(field)
    if (cls.enforce_timezone is not drf_fields.DateTimeField.enforce_timezone
            or cls.default_timezone is not drf_fields.DateTimeField.default_timezone
            or hasattr(field, "timezone")):
        return None
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return None
    return field.default_timezone()


def _conversion(field):
    to_representation = type(field).to_representation
    if to_representation is drf_fields.DateTimeField.to_representation:
        tz = _iso_datetime_timezone(field)
        return (DATETIME_ISO, tz) if tz is not None else (CALL, None)
    if to_representation is drf_fields.ReadOnlyField.to_representation:
        return SAME, None
    if to_representation is drf_fields.ChoiceField.to_representation:
        return CHOICE, None
    for drf_method, value_type in _IDENTITY_FOR_TYPE:
        if to_representation is drf_method:
            return SAME_IF_TYPE, value_type
    return CALL, None


def _reads_a_foreign_key_id(field) -> bool:
    """A PrimaryKeyRelatedField as DRF writes it (its pk-only read and `value.pk` answer, no pk_field)
    whose source is one attribute of the row: what it answers for a model row whose attribute of that
    name is a foreign key is the row's `<attname>` (DRF: PKOnlyObject(row.serializable_value(name)).pk)."""
    cls = type(field)
    return (isinstance(field, drf_relations.PrimaryKeyRelatedField)
            and cls.get_attribute is drf_relations.RelatedField.get_attribute
            and cls.use_pk_only_optimization is drf_relations.PrimaryKeyRelatedField.use_pk_only_optimization
            and cls.to_representation is drf_relations.PrimaryKeyRelatedField.to_representation
            and field.pk_field is None and len(field.source_attrs) == 1)


@functools.cache
def _fk_attname(model, name):
    """A model class's foreign key column by the relation's name (False: not a foreign key), per
    class and name."""
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # not a model, or no such field: DRF's own path decides
        return False
    if (model_field.concrete and model_field.is_relation
            and (model_field.many_to_one or model_field.one_to_one) and model_field.attname != name):
        return model_field.attname
    return False


_DISPLAY_SOURCE = re.compile(r"get_(\w+)_display")


@functools.cache
def _display_field(cls, name):
    """The model field whose label a row of ``cls`` answers for get_<name>_display by Django's own
    method; None where the class has a method of its own, or no such field. Per class and name."""
    if isinstance(cls, type) and issubclass(cls, Model):
        method = getattr_static(cls, f"get_{name}_display", None)
        if (isinstance(method, partialmethod) and method.func is Model._get_FIELD_display and not method.args
                and set(method.keywords) == {"field"} and method.keywords["field"].name == name):
            return method.keywords["field"]
    return None


def _label_of(field) -> str | None:
    """The <name> of a field whose whole source is `get_<name>_display` and whose reading is DRF's."""
    if type(field).get_attribute is not _field_get_attribute or len(field.source_attrs) != 1:
        return None
    matched = _DISPLAY_SOURCE.fullmatch(field.source_attrs[0])
    return matched.group(1) if matched else None


def plan(serializer) -> list[tuple]:
    """(name, field, own get_attribute or None, kind, type, bound to_representation, the <name> of a
    get_<name>_display source or None) per readable field."""
    rows = []
    for field in serializer._readable_fields:
        own_getter = None if type(field).get_attribute is _field_get_attribute else field.get_attribute
        if _reads_a_foreign_key_id(field):
            rows.append((field.field_name, field, own_getter, FOREIGN_KEY_ID, field.source_attrs[0],
                         field.to_representation, None))
            continue
        kind, value_type = _conversion(field)
        rows.append((field.field_name, field, own_getter, kind, value_type, field.to_representation,
                     _label_of(field)))
    return rows


def represent(serializer, instance) -> dict:
    """What DRF's Serializer.to_representation(instance) answers, for `serializer`."""
    fields = serializer.fields
    cached = serializer.__dict__.get("_fastrow_plan")
    if cached is None or cached[0] is not fields or cached[1] != len(fields):
        cached = serializer.__dict__["_fastrow_plan"] = (fields, len(fields), plan(serializer))
    ret = {}
    for name, field, own_getter, kind, value_type, to_representation, label_of in cached[2]:
        if kind == FOREIGN_KEY_ID:
            attname = _fk_attname(instance.__class__, value_type)
            if attname:
                value = getattr(instance, attname)
                if value is None or value.__class__ is int:
                    ret[name] = value
                    continue
        if label_of is not None and (model_field := _display_field(instance.__class__, label_of)) is not None:
            attribute = choice_label(instance, model_field)  # what row.get_<name>_display() answers
        else:
            try:
                attribute = _get(field, instance) if own_getter is None else own_getter(instance)
            except SkipField:
                continue
        if attribute is None:
            ret[name] = None
            continue
        if isinstance(attribute, PKOnlyObject) and attribute.pk is None:
            ret[name] = None
            continue
        if kind == SAME_IF_TYPE:
            ret[name] = attribute if attribute.__class__ is value_type else to_representation(attribute)
        elif kind == DATETIME_ISO:
            # DRF: an aware datetime is moved to the timezone and written by isoformat, +00:00 as Z
            if attribute.__class__ is datetime and attribute.utcoffset() is not None:
                try:
                    text = attribute.astimezone(value_type).isoformat()
                except OverflowError:  # DRF's own call answers it with its message
                    text = to_representation(attribute)
                else:
                    if text.endswith("+00:00"):
                        text = text[:-6] + "Z"
                ret[name] = text
            else:
                ret[name] = to_representation(attribute)
        elif kind == CALL or kind == FOREIGN_KEY_ID:
            ret[name] = to_representation(attribute)
        elif kind == SAME:
            ret[name] = attribute
        elif attribute.__class__ is str:  # CHOICE: '' is itself, a str is looked up as itself
            ret[name] = attribute if attribute == "" else field.choice_strings_to_values.get(attribute, attribute)
        else:
            ret[name] = to_representation(attribute)
    return ret


# --- the fields of a ModelSerializer, built once per class ----------------------------------------

#: what ModelSerializer.get_fields builds from the model through these methods; a serializer class
#: that overrides one of them may build differently per instance (context, request) and is not cached
_BUILDERS = ("get_field_names", "get_default_field_names", "get_extra_kwargs",
             "get_uniqueness_extra_kwargs", "include_extra_kwargs", "build_field", "build_standard_field",
             "build_relational_field", "build_nested_field", "build_property_field", "build_url_field",
             "build_unknown_field", "serializer_field_mapping", "serializer_related_field",
             "serializer_related_to_field", "serializer_url_field", "serializer_choice_field")
_built_fields: dict = {}


def _fields_cacheable(cls) -> bool:
    base = drf_serializers.ModelSerializer
    return (getattr(getattr(cls, "Meta", None), "depth", 0) == 0
            and all(getattr(cls, name, None) is getattr(base, name, None) for name in _BUILDERS))


_MUTABLE = (list, dict, set)


#: attributes through which a field holds a field bound to itself (a ListSerializer's or a
#: ListField's child, a many-relation's child relation)
_HELD = ("child", "child_relation")


def _copy_field(field):
    """A field for one serializer instance, as DRF's deepcopy would give it (a field not yet bound,
    with its own validators list), without re-running its __init__: that made copying a list's
    fields 0.4–0.9 ms of every list request. What a copy shares with the others is what DRF's
    copies share too (validators, querysets) or what DRF and the project replace, never change in
    place (a ChoiceField's choice maps: `choices = …` builds new ones). A field that holds another
    (a nested many=True serializer, a ListField's child, a many-relation's child relation) gets a
    copy of it, bound to the copy as its __init__ binds it; a nested serializer gets its own empty
    context, as its __init__ gives it. Copied by DRF's deepcopy instead: a field whose default or
    initial value is a mutable object, and a nested serializer built with an instance, data or a
    context (none of the API's: what its __init__ would make of them is left to it)."""
    state = field.__dict__
    if isinstance(state.get("default"), _MUTABLE) or isinstance(state.get("initial"), _MUTABLE):
        return copy.deepcopy(field)
    is_serializer = isinstance(field, drf_serializers.BaseSerializer)
    if is_serializer and (state.get("instance") is not None or "initial_data" in state or state.get("_context")
                          or "fields" in state):
        return copy.deepcopy(field)
    held = ()
    if "child" in state or "child_relation" in state:
        held = [(name, state[name]) for name in _HELD if isinstance(state.get(name), drf_fields.Field)]
        if any(child.parent is not field for _, child in held):
            return copy.deepcopy(field)
    clone = object.__new__(field.__class__)
    clone.__dict__.update(state)
    # the containers code may change in place on one instance's field (harden appends validators;
    # a serializer may reword an error message) are the copy's own, as with DRF's copy
    if "_validators" in state:
        clone._validators = list(state["_validators"])
    for name in ("error_messages", "style"):
        if isinstance(state.get(name), dict):
            clone.__dict__[name] = dict(state[name])
    if is_serializer:
        clone._context = {}
    for name, child in held:
        child_clone = _copy_field(child)
        child_clone.parent = clone  # what child.bind(field_name="", parent=…) in __init__ sets
        clone.__dict__[name] = child_clone
    return clone


class FieldsOnceMixin:
    """DRF's ModelSerializer.get_fields introspects the model and builds every field for every
    serializer instance (about 1.3 ms for a 22-field serializer, each request). This keeps the first
    answer per class and hands each instance a copy of each field (`_copy_field`). The project's own
    adjustments (api.fields.harden, allow_blank) run above this, on the copy."""

    def get_fields(self):
        cls = type(self)
        built = _built_fields.get(cls)
        if built is None:
            if not FIELDS_ONCE or not _fields_cacheable(cls):
                return super().get_fields()
            built = _built_fields[cls] = super().get_fields()
        elif not FIELDS_ONCE:
            return super().get_fields()
        return {name: _copy_field(field) for name, field in built.items()}


#: the switch tests/api/test_fastrow.py turns off to compare the fields built both ways
FIELDS_ONCE = True
