from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "tenants.awards"
    label = "awards"
    verbose_name = "评先评优"
    default_auto_field = "django.db.models.BigAutoField"
