from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = "tenants.apikeys"
    label = "apikeys"
    verbose_name = "API 密钥"
    default_auto_field = "django.db.models.BigAutoField"
