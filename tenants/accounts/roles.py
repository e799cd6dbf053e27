"""Roles. Province roles exist only in the public schema, school roles only in school schemas."""
from django.db import connection, models
from django_tenants.utils import get_public_schema_name


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省教育工会管理员"
    PROVINCE_REVIEWER = "province_reviewer", "省教育工会评审员"
    JUDGE = "judge", "竞赛评委"
    UNION_ADMIN = "union_admin", "校工会管理员"
    BRANCH_CHAIR = "branch_chair", "分工会主席"
    DEPARTMENT_HANDLER = "department_handler", "承办部门经办人"
    MEMBER = "member", "会员"


PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.JUDGE})
SCHOOL_ROLES = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR, Role.DEPARTMENT_HANDLER, Role.MEMBER})
# The role that administers the host it lives on (Django admin, audit, users).
ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.UNION_ADMIN})


def on_province() -> bool:
    return connection.schema_name == get_public_schema_name()


def roles_of_this_host() -> frozenset[str]:
    return PROVINCE_ROLES if on_province() else SCHOOL_ROLES

