from django.apps import AppConfig


class CircularsConfig(AppConfig):
    name = "shared.circulars"
    label = "circulars"
    verbose_name = "通知与工作要点"
    default_auto_field = "django.db.models.BigAutoField"
