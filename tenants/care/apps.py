from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "tenants.care"
    label = "care"
    verbose_name = "帮扶慰问"
    default_auto_field = "django.db.models.BigAutoField"
