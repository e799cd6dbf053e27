"""The one base of every API view: `SchoolHostView` on school hosts, `ProvinceHostView` on the
provincial host.

Isolation must hold because a view cannot be written another way, not because each view
remembered a filter. So the base owns the three places where rows and rights are decided:

- `initial`: the request must come through a host of the right kind (a school view reached on
  the provincial host, or the reverse, answers 404 as if it did not exist);
- `check_permissions`: on the provincial host, only province roles (provincial admin, reviewer,
  judge) get past it, whatever permission classes the view lists;
- `get_queryset` and `filter_queryset`: rows of a shared (public-schema) table are always filtered
  to the current school, again after the filter backends ran — unless the rows they return
  provably still carry that very condition (`_carries_school_condition`), which a repeat would
  only write twice into the SQL.

A subclass — or a mixin placed before the base in the MRO — that defines any of these fails at
import. Views describe their rows in `base_queryset()`. A view that deliberately serves a shared
table without the school filter (provincial items addressed to every school) must say why in
`dangerously_unscoped = "<why>"`; a provincial view open to people without a province role
(signing in) says why in `open_to_anyone`.
"""
from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.db.models.sql.where import AND, WhereNode
from django_filters.utils import translate_validation
from django_tenants.utils import get_public_schema_name
from rest_framework import exceptions, generics, viewsets
from rest_framework.views import APIView

from api import key_scopes
from api.scoping import current_school
from tenants.app_lists import public_only_app_labels
from tenants.apikeys.scopes import PROVINCE, SCHOOL
from tenants.apikeys.scopes import grants as key_scope_grants
from tenants.accounts.roles import PROVINCE_ROLES
from tenants.errors import NoSchoolInContext

GUARDED = ("initial", "check_permissions", "get_queryset", "filter_queryset", "scope", "paginated")


def is_shared_model(model) -> bool:
    """A table that lives only in the public schema, visible from every school's connection."""
    return model._meta.app_label in public_only_app_labels()


def check_key_scope(view, request, host: str) -> None:
    """A request made with an API key (request.auth is an ApiKey) must hold a scope for the view's
    area at the method's level (api/key_scopes.py); otherwise 403 in Chinese, audited. Views no key
    may call (key management, tokens) and views of an unknown module are refused to every key."""
    from tenants.apikeys.models import ApiKey

    key = getattr(request, "auth", None)
    if not isinstance(key, ApiKey) or type(view).__name__ in key_scopes.KEY_OPEN_VIEWS:
        return
    needed = key_scopes.required(view, request.method, host)
    if needed is not None and key_scope_grants(key.scopes, *needed):
        return
    from tenants.accounts.login_guard import client_address
    from tenants.apikeys.services import audit_refusal

    area, level = needed or (None, "write")
    message = key_scopes.refusal_message(area, level)
    audit_refusal(key=key, why=message, address=client_address(request), method=request.method, path=request.path)
    raise exceptions.PermissionDenied(message)


def _on_public_schema(request) -> bool:
    tenant = getattr(request, "tenant", None)
    public = get_public_schema_name()
    return tenant is not None and tenant.schema_name == public and connection.schema_name == public


def _school_condition_added(rows, scoped, field: str, school_pk):
    """The one condition `scoped` (rows.filter(<field>=school_pk)) added to the top of `rows`'
    WHERE, with what it says; None where the filter put it anywhere else (under an OR)."""
    before = {id(child) for child in rows.query.where.children}
    added = [child for child in scoped.query.where.children if id(child) not in before]
    if len(added) != 1 or isinstance(added[0], WhereNode) or scoped.query.where.connector != AND:
        return None
    return scoped.model, field, school_pk, added[0]


def _carries_school_condition(rows, condition, field: str, school_pk) -> bool:
    """Whether every row of `rows` still meets the school condition `scope` added to this request's
    rows: that very condition (the same object — a filter backend's .filter()/.exclude() keeps it,
    anything rebuilt, relabelled or combined does not) is a term of the top-level AND of the WHERE
    of a plain query of the same model. Filtering again would only repeat it in the SQL (compiled,
    then planned by PostgreSQL, on every request of a shared table's list)."""
    if condition is None:
        return False
    model, scoped_field, scoped_pk, lookup = condition
    query = rows.query
    where = query.where
    return (rows.model is model and scoped_field == field and scoped_pk == school_pk
            and not query.combinator and not query.is_sliced
            and where.connector == AND and not where.negated and any(child is lookup for child in where.children))


class _HostBound:
    """What both bases share: the guard against overriding the methods they own."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in GUARDED:
            # The first class in the MRO that defines the method must be one of the bases here:
            # a subclass override, or a mixin listed before the base, is refused.
            owner = next((klass for klass in cls.__mro__ if name in klass.__dict__), None)
            if owner is not None and owner.__module__ != __name__:
                raise TypeError(f"{cls.__name__}：{owner.__name__} 不能定义 {name}——行的范围与权限只由 "
                                f"api.base 决定；请改写 base_queryset，并把主机基类放在其他混入类之前。")
        queryset = getattr(cls, "queryset", None)  # also one inherited from a mixin
        if queryset is not None:
            cls.check_scope_declared(queryset.model)

    @classmethod
    def check_scope_declared(cls, model) -> None:
        pass

    def base_queryset(self):
        """The rows this user may see before filters; the base adds the school scope."""
        return self.queryset.all()

    def paginated(self, rows, serializer_class, *, school_field=None, **context):
        """A list answered like every list: a page of rows with count, next and previous.

        ``school_field`` names the lookup to the school when ``rows`` are of another shared model
        than the view's own."""
        page = self.paginate_queryset(self.scope(rows, school_field=school_field))
        data = serializer_class(page, many=True, context={**self.get_serializer_context(), **context}).data
        return self.get_paginated_response(data)

    def scope(self, rows, school_field=None):
        """Rows limited to what this host may show (the school's own, on a school host)."""
        return rows

    def filter_values(self) -> dict:
        """This action's query parameters checked by its filterset_class (400 naming a bad one),
        for lists a service computes itself."""
        filterset = self.filterset_class(self.request.query_params, queryset=self.queryset, request=self.request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.form.cleaned_data


class SchoolHostView(_HostBound):
    """Base of every view on a school host. Put it first among the bases."""

    #: lookup from a shared model to its School ("school", or "pk" for School itself)
    school_field: str | None = None
    #: why this view serves a shared table to every school unfiltered (empty: it must not)
    dangerously_unscoped: str = ""

    @classmethod
    def check_scope_declared(cls, model) -> None:
        if is_shared_model(model) and not (cls.school_field or cls.dangerously_unscoped):
            raise TypeError(f"{cls.__name__} 读取省级共享表 {model._meta.label}：必须声明 school_field，"
                            f"或用 dangerously_unscoped 写明不按学校过滤的理由。")

    def initial(self, request, *args, **kwargs):
        if _on_public_schema(request) or getattr(request, "tenant", None) is None:
            raise exceptions.NotFound("没有这个接口。")
        current_school(request)
        super().initial(request, *args, **kwargs)

    def check_permissions(self, request):
        check_key_scope(self, request, SCHOOL)
        super().check_permissions(request)

    def scope(self, rows, school_field=None):
        school = current_school(self.request)
        if not is_shared_model(rows.model):
            return rows
        own_model = self.queryset is not None and rows.model is self.queryset.model
        field = school_field or (self.school_field if own_model else None)
        if field:
            if _carries_school_condition(rows, self.__dict__.get("_school_condition"), field, school.pk):
                return rows
            scoped = rows.filter(**{field: school.pk})
            self._school_condition = _school_condition_added(rows, scoped, field, school.pk)
            return scoped
        if own_model and self.dangerously_unscoped:
            return rows
        raise NoSchoolInContext(f"{type(self).__name__} 读取 {rows.model._meta.label} 时没有按学校过滤。")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()  # the OpenAPI generator only asks for the model
        return self.scope(self.base_queryset())

    def filter_queryset(self, queryset):
        return self.scope(super().filter_queryset(queryset))


class ProvinceHostView(_HostBound):
    """Base of every view on the provincial host: public schema, province roles only."""

    #: why people without a province role may call this view (e.g. to sign in)
    open_to_anyone: str = ""

    def initial(self, request, *args, **kwargs):
        if not _on_public_schema(request):
            raise exceptions.NotFound("没有这个接口。")
        super().initial(request, *args, **kwargs)

    def check_permissions(self, request):
        check_key_scope(self, request, PROVINCE)
        if not self.open_to_anyone:
            user = request.user
            if not (user and user.is_authenticated):
                self.permission_denied(request)
            if not set(user.roles) & PROVINCE_ROLES:
                self.permission_denied(request, message="省级站点只对自治区教育工会的账号开放。")
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()  # the OpenAPI generator only asks for the model
        if not _on_public_schema(self.request):
            raise NoSchoolInContext("省级接口只在公共 schema 中查询。")
        return self.base_queryset()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset)


class SchoolViewSet(SchoolHostView, viewsets.GenericViewSet):
    """A school host's viewset: add DRF's mixins before it (they define no guarded method)."""


class SchoolAPIView(SchoolHostView, APIView):
    pass


class SchoolGenericAPIView(SchoolHostView, generics.GenericAPIView):
    pass


class ProvinceViewSet(ProvinceHostView, viewsets.GenericViewSet):
    pass


class ProvinceAPIView(ProvinceHostView, APIView):
    pass


def host_base_of(view_class):
    """The host base a view class inherits (None: a view outside the contract)."""
    for base in (SchoolHostView, ProvinceHostView):
        if issubclass(view_class, base):
            return base
    return None


def shared_models():
    return [model for model in apps.get_models() if is_shared_model(model)]
