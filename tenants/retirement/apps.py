from django.apps import AppConfig


class RetirementConfig(AppConfig):
    name = "tenants.retirement"
    label = "retirement"
    verbose_name = "荣休"
    default_auto_field = "django.db.models.BigAutoField"
