from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "学校与租户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tenants import freshness, host_cache
        from tenants.connections import connect_signals

        connect_signals()
        host_cache.connect_signals()
        freshness.connect_signals()
