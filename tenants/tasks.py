"""Background work. A school task runs in the schema it was sent from and refuses public."""
from celery import shared_task
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from tenant_schemas_celery.task import TenantTask

from tenants.selectors import active_school_schemas


class SchoolTaskRefused(RuntimeError):
    pass


class SchoolTask(TenantTask):
    """Base for tasks over one school's data: sent with no school, it refuses to run."""

    abstract = True

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            raise SchoolTaskRefused(f"任务 {self.name} 只能在学校架构中运行，但没有携带学校。")
        return super().__call__(*args, **kwargs)


@shared_task(name="tenants.tasks.run_for_every_school")
def run_for_every_school(task_name: str) -> int:
    """Send ``task_name`` once per active school, each carrying that school's schema."""
    from celery import current_app

    task = current_app.tasks[task_name]
    schemas = active_school_schemas()
    for schema in schemas:
        with schema_context(schema):
            task.apply_async()
    return len(schemas)


@shared_task(base=SchoolTask, name="tenants.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Each school keeps its own session table; expired sessions are removed nightly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
