"""API keys: a machine client's credential on one host (a school's keys in its schema, the
province's in public), stored hashed; each key acts as its own service user."""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

DEFAULT_RATE_LIMIT = 120  # requests per minute


class ApiKey(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        REVOKED = "revoked", "已撤销"

    name = models.CharField("名称", max_length=60)
    # the public part of the key, for lookup (shown in lists); the secret part is only hashed
    prefix = models.CharField("前缀", max_length=16, unique=True)
    digest = models.CharField("摘要", max_length=64)
    scopes = ArrayField(models.CharField(max_length=40), verbose_name="权限范围", default=list)
    expires_at = models.DateTimeField("到期时间")
    rate_limit = models.PositiveIntegerField("每分钟请求上限", default=DEFAULT_RATE_LIMIT)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # the service user the key's requests run as: role checks and the audit log work unchanged
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="服务账号", on_delete=models.PROTECT,
                                related_name="api_key")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("最近使用地址", null=True, blank=True)

    class Meta:
        verbose_name = "API 密钥"
        verbose_name_plural = "API 密钥"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}）"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state_label(self) -> str:
        if self.status == self.Status.REVOKED:
            return "已撤销"
        return "已过期" if self.is_expired else "有效"


class ApiKeyWindow(models.Model):
    """Requests of one key in one minute: one row per key and minute, counted with an atomic
    INSERT … ON CONFLICT DO UPDATE, so every gunicorn worker sees the same count."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="apikeys_window_unique")]
