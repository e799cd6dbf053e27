from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tenants.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
    default_auto_field = "django.db.models.BigAutoField"
