from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks: each host's subscriptions, its outbox of deliveries and their log."""

    name = "tenants.webhooks"
    label = "webhooks"
    verbose_name = "Webhook 订阅"
    default_auto_field = "django.db.models.BigAutoField"
