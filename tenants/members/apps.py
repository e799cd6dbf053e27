from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"
    verbose_name = "会员与组织"
    default_auto_field = "django.db.models.BigAutoField"
