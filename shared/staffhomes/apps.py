from django.apps import AppConfig


class StaffHomesConfig(AppConfig):
    name = "shared.staffhomes"
    label = "staffhomes"
    verbose_name = "先进教职工之家"
    default_auto_field = "django.db.models.BigAutoField"
