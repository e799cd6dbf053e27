from django.apps import AppConfig


class HardshipConfig(AppConfig):
    name = "tenants.hardship"
    label = "hardship"
    verbose_name = "困难教职工档案"
    default_auto_field = "django.db.models.BigAutoField"
