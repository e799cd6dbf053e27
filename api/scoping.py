"""The one way a school-side endpoint reads a shared (public-schema) table.

A school's connection sees public tables too (search_path is `school, public`), so a plain
queryset over a shared table would show every school's rows. Views over shared tables inherit
SchoolScopedMixin: the queryset is always filtered by the current school; a subclass cannot
override get_queryset (class creation fails); with no school in context it raises instead of
returning an unfiltered queryset. A deliberate bypass must be named `dangerously_unscoped_*`.
"""
from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenants.errors import NoSchoolInContext


def current_school(request):
    school = getattr(request, "tenant", None)
    if (school is None or school.schema_name == get_public_schema_name()
            or connection.schema_name != school.schema_name):
        raise NoSchoolInContext("没有当前学校：学校范围的查询拒绝执行。")
    return school


class SchoolScopedMixin:
    #: the lookup from the shared model to the School ("school" or "pk" for School itself)
    school_field: str = "school"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("get_queryset", "filter_queryset_by_school"):
            if name in cls.__dict__:
                raise TypeError(f"{cls.__name__} 不能覆盖 {name}：学校范围过滤不可跳过；请改写 scoped_queryset。")

    def scoped_queryset(self):
        """The unfiltered rows a subclass wants (select_related etc.); filtered afterwards."""
        return self.queryset.all()

    def filter_queryset_by_school(self, queryset):
        return queryset.filter(**{self.school_field: current_school(self.request).pk})

    def get_queryset(self):
        return self.filter_queryset_by_school(self.scoped_queryset())

    def perform_create(self, serializer):
        serializer.save(**{self.school_field: current_school(self.request)})
