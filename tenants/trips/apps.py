from django.apps import AppConfig


class TripsConfig(AppConfig):
    name = "tenants.trips"
    label = "trips"
    verbose_name = "疗休养"
    default_auto_field = "django.db.models.BigAutoField"
