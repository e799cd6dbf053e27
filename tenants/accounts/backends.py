"""Django permissions derived from roles, so admin accounts need neither superuser nor stored grants."""
from django.apps import apps
from django.contrib.auth.backends import BaseBackend

from tenants.accounts.roles import ADMIN_ACTIONS, admin_apps_for, role_grants_permission


class RolePermissionBackend(BaseBackend):
    """Grants nothing at login (ModelBackend authenticates); answers permission questions from roles.

    Permissions live in the code beside the roles instead of in Group rows because every schema has its
    own auth tables: Group rows would have to be kept in step in every school after every migration.
    """

    def _roles(self, user_obj):
        if not user_obj.is_active or user_obj.is_anonymous:
            return ()
        return getattr(user_obj, "roles", ()) or ()

    def has_perm(self, user_obj, perm, obj=None):
        return role_grants_permission(self._roles(user_obj), perm)

    def has_module_perms(self, user_obj, app_label):
        return app_label in admin_apps_for(self._roles(user_obj))

    def get_all_permissions(self, user_obj, obj=None):
        perms = set()
        for app_label in admin_apps_for(self._roles(user_obj)):
            try:
                config = apps.get_app_config(app_label)
            except LookupError:
                continue
            for model in config.get_models():
                perms |= {f"{app_label}.{action}_{model._meta.model_name}" for action in ADMIN_ACTIONS}
        return perms
