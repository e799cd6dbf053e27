from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Per-school backup and restore (issue #15): no models, commands, a nightly task."""

    name = "tenants.backups"
    label = "backups"
    verbose_name = "学校备份"
