from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "tenants.activities"
    label = "activities"
    verbose_name = "文体活动"
    default_auto_field = "django.db.models.BigAutoField"
