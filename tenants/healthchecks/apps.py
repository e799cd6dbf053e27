from django.apps import AppConfig


class HealthchecksConfig(AppConfig):
    name = "tenants.healthchecks"
    label = "healthchecks"
    verbose_name = "体检"
    default_auto_field = "django.db.models.BigAutoField"
