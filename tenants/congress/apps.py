from django.apps import AppConfig


class CongressConfig(AppConfig):
    name = "tenants.congress"
    label = "congress"
    verbose_name = "教代会与提案"
    default_auto_field = "django.db.models.BigAutoField"
