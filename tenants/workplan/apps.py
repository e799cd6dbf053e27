from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "tenants.workplan"
    label = "workplan"
    verbose_name = "工作计划"
    default_auto_field = "django.db.models.BigAutoField"
