from rest_framework.permissions import BasePermission

from tenants.accounts.roles import Role


class HasRole(BasePermission):
    """Grants access to users holding any of ``roles`` on this host."""

    roles: frozenset[str] = frozenset()
    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and set(user.roles) & self.roles)


def role_required(*roles: str) -> type[HasRole]:
    return type("HasRole_" + "_".join(roles), (HasRole,), {"roles": frozenset(roles)})


UnionAdmin = role_required(Role.UNION_ADMIN)
ProvinceAdmin = role_required(Role.PROVINCE_ADMIN)
ProvinceStaff = role_required(Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER)
