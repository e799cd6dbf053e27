"""api.serializers.fastrow answers exactly what DRF's own Serializer.to_representation answers.

The first test is generated from the routers: every list of both hosts (and the detail of its first
row) with the demo data, asked once with the fast path and once without; the bytes must be equal.
The others pin the edge cases one by one on small serializers built from the project's bases.
"""
from __future__ import annotations

import datetime
import decimal

import pytest
from django.db import models
from rest_framework import serializers

from api import urls_public, urls_tenant
from api.serializers import FastRowMixin, ModelSerializer, Serializer, fastrow
from tenants.accounts.roles import Role
from tenants.models import School


def _routes(router):
    routes = []
    for prefix, viewset, basename in router.registry:
        actions = {action for route in router.get_routes(viewset) for action in route.mapping.values()}
        if "list" in actions:
            routes.append((prefix, "retrieve" in actions))
    return routes


def test_every_list_and_detail_answers_as_drf(demo_region, host_client, monkeypatch):
    """Each request serializes every object twice, with the fast path and with DRF's own
    Serializer.to_representation, and answers DRF's; any object (a row, a nested object) whose two
    representations differ in a value, a type or the order of keys is reported. One request per
    path instead of two keeps this within the suite's time budget."""
    differ = {}

    def both(self, instance):
        fast = fastrow.represent(self, instance)
        drf = super(FastRowMixin, self).to_representation(instance)
        if repr(fast) != repr(drf):
            differ.setdefault(type(self).__name__, (fast, drf))
        return drf

    monkeypatch.setattr(FastRowMixin, "to_representation", both)
    province = School.objects.get(schema_name="public")
    school = School.objects.get(slug="guilin")
    clients = {"school": host_client(school, [Role.UNION_ADMIN]),
               "province": host_client(province, [Role.PROVINCE_ADMIN])}
    paths, rows = [], 0
    for host, router in (("school", urls_tenant.router), ("province", urls_public.router)):
        for prefix, has_detail in _routes(router):
            path = f"/api/v1/{prefix}/"
            response = clients[host].get(path, {"page_size": 20})
            paths.append(path)
            if response.status_code != 200:
                continue  # a refusal (a judge's own list…) serializes nothing
            body = response.json()
            results = body.get("results", body) if isinstance(body, dict) else body
            rows += len(results) if isinstance(results, list) else 0
            first = results[0] if isinstance(results, list) and results else None
            if has_detail and isinstance(first, dict) and "id" in first:
                clients[host].get(f"{path}{first['id']}/")
                paths.append(f"{path}{first['id']}/")
    assert not differ, f"the fast path answers differently: {differ}"
    assert len(paths) > 100 and rows > 300, (len(paths), rows)  # the demo really filled the lists


# --- the edge cases -------------------------------------------------------------------------------


class Plain:
    def __init__(self, **values):
        self.__dict__.update(values)


class Inner(Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField(required=False)


class Outer(Serializer):
    title = serializers.CharField()
    inner = Inner(allow_null=True)
    inners = Inner(many=True)
    shout = serializers.CharField(source="loud")
    count = serializers.IntegerField()
    flag = serializers.BooleanField()
    kind = serializers.ChoiceField(choices=[("a", "甲"), (1, "一")])
    anything = serializers.ReadOnlyField()
    amount = serializers.DecimalField(max_digits=6, decimal_places=2)
    at = serializers.DateTimeField()
    missing = serializers.CharField(required=False)
    defaulted = serializers.CharField(default="默认")
    nullable = serializers.CharField(allow_null=True)
    masked = serializers.SerializerMethodField()
    dotted = serializers.CharField(source="inner.name", allow_null=True)

    def get_masked(self, obj):
        return obj.phone[:3] + "****" + obj.phone[-4:]


def _row(**changes):
    values = dict(title="标题", inner=Plain(name="里", size=3), inners=[Plain(name="一"), Plain(name="二", size=None)],
                  loud=lambda: "大声", count=7, flag=True, kind="a", anything={"k": [1]},
                  amount=decimal.Decimal("1.005"), at=datetime.datetime(2026, 1, 2, 3, 4, 5, 123456,
                                                                        tzinfo=datetime.timezone.utc),
                  phone="13800138000")
    values.update(changes)
    return Plain(**values)


def _same(serializer_class, instance, **kwargs):
    fastrow.ENABLED = True
    fast = serializer_class(instance, **kwargs).data
    fastrow.ENABLED = False
    try:
        drf = serializer_class(instance, **kwargs).data
    finally:
        fastrow.ENABLED = True
    assert fast == drf and list(fast) == list(drf) and repr(fast) == repr(drf)
    return fast


@pytest.mark.parametrize("changes", [
    {},
    {"inner": None},  # None in a nested object: the nested answer and the dotted source are None
    {"count": True, "flag": 1, "kind": "1", "title": 5},  # values the identity shortcut must not take
    {"kind": ""},
    {"amount": decimal.Decimal("2.5"), "count": 3.9},
], ids=["plain", "none-nested", "other-types", "blank-choice", "decimal"])
def test_edge_cases_answer_as_drf(changes, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    data = _same(Outer, _row(**changes))
    assert "missing" not in data and data["defaulted"] == "默认" and data["nullable"] is None
    assert data["shout"] == "大声" and data["masked"] == "138****8000"
    if not changes:
        assert data["amount"] == "1.00" or data["amount"] == "1.01"  # quantized as DRF does
        assert data["at"] == "2026-01-02T11:04:05.123456+08:00"  # aware, shown in Asia/Shanghai
        assert data["inners"][1] == {"name": "二", "size": None}
    if changes.get("kind") == "1":
        assert data["kind"] == 1  # the choice map turns "1" into the choice's own key


class Times(Serializer):
    at = serializers.DateTimeField()
    formatted = serializers.DateTimeField(format="%Y年%m月%d日 %H:%M", source="at")
    in_utc = serializers.DateTimeField(default_timezone=datetime.timezone.utc, source="at")
    unformatted = serializers.DateTimeField(format=None, source="at")


@pytest.mark.parametrize("at", [
    datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc),
    datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    datetime.datetime(2026, 1, 2, 3, 4, 5),  # naive: DRF makes it aware
    "2026-01-02 03:04",  # a str is answered as it is
], ids=["utc", "minus-five", "naive", "text"])
@pytest.mark.parametrize("time_zone", ["Asia/Shanghai", "UTC"])
def test_datetimes_answer_as_drf_in_the_current_timezone(at, time_zone, settings):
    settings.TIME_ZONE = time_zone
    data = _same(Times, Plain(at=at))
    if time_zone == "UTC" and not isinstance(at, str) and at.tzinfo is datetime.timezone.utc:
        assert data["at"] == "2026-01-02T03:04:05.123456Z"  # +00:00 written as Z
    _same(Times, [Plain(at=at), Plain(at=None)], many=True)


def test_many_rows_share_one_plan_and_answer_as_drf():
    rows = [_row(count=index) for index in range(5)]
    assert _same(Outer, rows, many=True)[4]["count"] == 4


def test_a_mapping_row_and_a_missing_required_attribute_fail_as_drf():
    data = _same(Inner, {"name": "字典", "size": 2})
    assert data == {"name": "字典", "size": 2}
    messages = []
    for enabled in (True, False):
        fastrow.ENABLED = enabled
        try:
            with pytest.raises(AttributeError) as raised:
                Inner(Plain(size=1)).data
            messages.append(str(raised.value))
        finally:
            fastrow.ENABLED = True
    assert messages[0] == messages[1] and "`name` on serializer `Inner`" in messages[0]


def test_a_callable_source_that_raises_is_reported_as_drf():
    def broken():
        raise KeyError("内部")

    messages = []
    for enabled in (True, False):
        fastrow.ENABLED = enabled
        try:
            with pytest.raises(ValueError) as raised:
                Outer(_row(loud=broken)).data
            messages.append(str(raised.value))
        finally:
            fastrow.ENABLED = True
    assert messages[0] == messages[1] and 'callable attribute "loud"' in messages[0]


def test_a_model_rows_display_method_and_masked_member_answer_as_drf(demo_region):
    from api.serializers.members import MemberSerializer
    from django_tenants.utils import schema_context
    from tenants.members.models import Member

    class Display(ModelSerializer):
        gender_label = serializers.CharField(source="get_gender_display")

        class Meta:
            model = Member
            fields = ["id", "name", "gender", "gender_label"]

    with schema_context(School.objects.get(slug="guilin").schema_name):
        members = list(Member.objects.exclude(phone="").order_by("id")[:5])
        assert _same(Display, members, many=True)[0]["gender_label"] in {"男", "女"}
        masked = _same(MemberSerializer, members, many=True)
        assert "*" in masked[0]["phone"] and masked[0]["phone"] != members[0].phone


def test_a_label_read_without_binding_get_display_answers_what_the_models_own_method_does(demo_region,
                                                                                       monkeypatch):
    # fastrow reads a get_<name>_display source straight from the choices, but only where the model
    # keeps Django's own method: one that answers differently is still asked
    from django_tenants.utils import schema_context
    from tenants.members.models import Member

    class Display(ModelSerializer):
        gender_label = serializers.CharField(source="get_gender_display")
        status_label = serializers.CharField(source="get_status_display")

        class Meta:
            model = Member
            fields = ["id", "gender_label", "status_label"]

    with schema_context(School.objects.get(slug="guilin").schema_name):
        members = list(Member.objects.order_by("id")[:3])
        members[1].gender = "x"  # not a listed choice: the stored value itself, as Django answers
        plain = _same(Display, members, many=True)
        assert [row["gender_label"] for row in plain][1] == "x"
        assert {row["gender_label"] for row in plain[::2]} <= {"男", "女"}
        # a model whose method answers something else (what fastrow learns once per class and name)
        monkeypatch.setattr(Member, "get_gender_display", lambda self: "【性别】")
        fastrow._display_field.cache_clear()
        try:
            assert [row["gender_label"] for row in _same(Display, members, many=True)] == ["【性别】"] * 3
        finally:
            fastrow._display_field.cache_clear()


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_model_serializer_gets_the_same_fields_built_once_per_class():
    """fastrow.FieldsOnceMixin hands each instance a copy of its class's first fields: every
    ModelSerializer of the API gets the same fields (class, arguments, the project's validators and
    allow_blank) as when DRF builds them anew — the third time as the first — and a copy is never the
    cached fields themselves."""
    import importlib
    import pkgutil

    import api.serializers

    for module in pkgutil.iter_modules(api.serializers.__path__):
        importlib.import_module(f"api.serializers.{module.name}")
    classes = [cls for cls in _all_subclasses(ModelSerializer) if getattr(cls, "Meta", None)
               and getattr(cls.Meta, "model", None) and not cls.__module__.startswith("tests.")]
    assert len(classes) > 50

    def value(item):
        if isinstance(item, models.QuerySet):
            return ("queryset", item.model, str(item.query))
        if isinstance(item, models.Manager):
            return ("manager", item.model, item.name)
        if isinstance(item, serializers.Field):
            return (type(item).__name__, {key: value(v) for key, v in sorted(item._kwargs.items())})
        if isinstance(item, (list, tuple)):
            return [value(v) for v in item]
        return repr(item)

    def described(serializer):
        return {name: (value(field), type(field).__name__, field.read_only, field.required,
                       getattr(field, "allow_blank", None), field.allow_null,
                       [type(validator).__name__ for validator in field.validators])
                for name, field in serializer.fields.items()}

    cached = 0
    for cls in classes:
        fastrow.FIELDS_ONCE = False
        try:
            anew = described(cls())
        finally:
            fastrow.FIELDS_ONCE = True
        first, second, third = cls(), cls(), cls()
        assert described(first) == anew == described(second) == described(third), cls
        for name, field in first.fields.items():
            assert second.fields[name] is not field and field.parent is first
            # the project's validators are appended per copy: never to a list another copy holds
            assert second.fields[name].validators is not field.validators
            assert second.fields[name].error_messages is not field.error_messages
            assert second.fields[name].style is not field.style
            # a field holding another (a nested many=True serializer, a ListField's child, a
            # many-relation's child relation) holds its own copy, bound to it
            for held in ("child", "child_relation"):
                child = getattr(field, held, None)
                if isinstance(child, serializers.Field):
                    assert child.parent is field and getattr(second.fields[name], held) is not child
                    assert child.validators is not getattr(second.fields[name], held).validators
        cached += cls in fastrow._built_fields
    assert cached > 50
