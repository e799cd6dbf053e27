from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "tenants.outbox"
    label = "outbox"
    verbose_name = "任务发件箱"
    default_auto_field = "django.db.models.BigAutoField"
