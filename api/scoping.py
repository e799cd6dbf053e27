"""The current school of a request, or a refusal: never a widened query.

A school's connection sees public tables too (search_path is `school, public`); api.base uses
this to filter every shared table to the school and to fail closed without one.
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
