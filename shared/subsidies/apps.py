from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "shared.subsidies"
    label = "subsidies"
    verbose_name = "经费补助"
    default_auto_field = "django.db.models.BigAutoField"
