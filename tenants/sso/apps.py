from django.apps import AppConfig


class SsoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tenants.sso"
    label = "sso"
    verbose_name = "统一身份认证"
