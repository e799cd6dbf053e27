"""The transactional outbox: a task that must not be lost is written here in the same transaction
as the change that wants it, and handed to the broker only after that transaction commits.

One table, in the public schema only (SHARED_APPS): a school's connection reaches it through its
search path ("<school>, public"), so the row is written in the school's own transaction. A row
carries ids, never personal data: what the task reads it reads from the school's schema."""
from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    # One key, one effect: it is also the Celery task id, and the task (tenants.outbox.tasks.OutboxTask)
    # marks the row completed in the transaction of its effect, so a redelivery finds it done.
    key = models.CharField("键", max_length=200, unique=True)
    task = models.CharField("任务", max_length=200)
    args = models.JSONField("位置参数", default=list, blank=True)
    kwargs = models.JSONField("关键字参数", default=dict, blank=True)
    # the schema the task runs in (public for provincial tasks): the only thing that says which school
    schema_name = models.CharField("运行架构", max_length=63)
    created_at = models.DateTimeField("写入时间", default=timezone.now)
    # next time the relay looks at it: a backoff after a broker error, the redelivery deadline after a send
    available_at = models.DateTimeField("下次发送时间", default=timezone.now)
    sent_at = models.DateTimeField("最近交给队列", null=True, blank=True)
    attempts = models.PositiveIntegerField("发送尝试次数", default=0)  # every try, refused ones included
    deliveries = models.PositiveIntegerField("交给队列次数", default=0)  # tries the broker took
    last_error = models.TextField("最近错误", blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务发件箱"
        indexes = [
            # the relay's question: what is not done and due
            models.Index(fields=["available_at"], name="outbox_due_idx", condition=models.Q(completed_at__isnull=True)),
            models.Index(fields=["completed_at"], name="outbox_completed_idx"),
        ]

    def __str__(self):
        return f"{self.task} [{self.key}]"
