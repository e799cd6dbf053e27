from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tenants.audit"
    label = "audit"
    verbose_name = "审计记录"
    default_auto_field = "django.db.models.BigAutoField"
