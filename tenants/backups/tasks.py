"""The nightly backups: one task on the provincial side walks every active school (a school task
could not write the province's audit record nor see the other schools' backups to prune)."""
from celery import shared_task

from tenants.backups.services import backup_every_school


@shared_task(name="tenants.backups.tasks.nightly_backups")
def nightly_backups() -> dict[str, str]:
    return backup_every_school()
