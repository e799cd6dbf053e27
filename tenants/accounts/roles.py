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
    # the union's money and care (issue #10): the treasurer records, the approver (the union chair
    # or whom the school designates) approves, the 经审 committee reads; 帮扶专干 keeps hardship files
    TREASURER = "treasurer", "财务记账员"
    FINANCE_APPROVER = "finance_approver", "经费审批人"
    AUDITOR = "auditor", "经审委员"
    CARE_OFFICER = "care_officer", "帮扶专干"


PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.JUDGE})
SCHOOL_ROLES = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR, Role.DEPARTMENT_HANDLER, Role.MEMBER,
                          Role.TREASURER, Role.FINANCE_APPROVER, Role.AUDITOR, Role.CARE_OFFICER})
# Who reads the books: whoever records, approves or reviews them, and the union office.
FINANCE_READERS = frozenset({Role.UNION_ADMIN, Role.TREASURER, Role.FINANCE_APPROVER, Role.AUDITOR})
# Who approves an entry in the books (never their own).
FINANCE_APPROVERS = frozenset({Role.UNION_ADMIN, Role.FINANCE_APPROVER})
# Who opens hardship files (confidential: every read is recorded).
HARDSHIP_READERS = frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER})
# The role that administers the host it lives on (Django admin, audit, users).
ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.UNION_ADMIN})


def on_province() -> bool:
    return connection.schema_name == get_public_schema_name()


def roles_of_this_host() -> frozenset[str]:
    return PROVINCE_ROLES if on_province() else SCHOOL_ROLES



# What the admin role of a host may touch in that host's Django admin, by app label. Every action
# (view/add/change/delete) on these apps is granted here; each ModelAdmin then narrows it to what
# its services allow (read-only pages, no deletion), so a role never gets superuser's blank cheque.
ADMIN_APPS = {
    Role.UNION_ADMIN: frozenset({"accounts", "audit", "members", "congress", "finance", "care", "hardship",
                                 "mutualaid", "activities", "healthchecks", "trips", "awards",
                                 "retirement", "workplan", "notices"}),
    Role.PROVINCE_ADMIN: frozenset({"tenants", "accounts", "audit", "honours", "competitions", "staffhomes",
                                    "subsidies", "circulars", "stats"}),
}
ADMIN_ACTIONS = frozenset({"view", "add", "change", "delete"})


def is_staff_for(roles) -> bool:
    """The Django ``is_staff`` flag follows the roles: only a host's admin role enters its admin."""
    return bool(set(roles) & ADMIN_ROLES)


def admin_apps_for(roles) -> frozenset[str]:
    return frozenset().union(*(ADMIN_APPS.get(role, frozenset()) for role in roles))


def role_grants_permission(roles, perm: str) -> bool:
    """``perm`` is Django's "app_label.action_model" (e.g. members.change_member)."""
    app_label, _, codename = perm.partition(".")
    action = codename.partition("_")[0]
    return action in ADMIN_ACTIONS and app_label in admin_apps_for(roles)
