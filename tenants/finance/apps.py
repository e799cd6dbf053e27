from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "tenants.finance"
    label = "finance"
    verbose_name = "工会经费"
    default_auto_field = "django.db.models.BigAutoField"
