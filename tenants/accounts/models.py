from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.accounts.roles import ADMIN_ROLES, Role


class User(AbstractUser):
    """A person's account on one host: each school schema and the provincial one have their own."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    roles = ArrayField(models.CharField(max_length=32, choices=Role.choices), verbose_name="角色",
                       default=list, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return bool(set(self.roles) & set(roles))

    @property
    def is_host_admin(self) -> bool:
        return self.has_role(*ADMIN_ROLES)

    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles if role in Role.values]


class Notification(models.Model):
    """A message in one user's inbox on this host (e.g. a proposal became overdue)."""

    user = models.ForeignKey(User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField("内容", max_length=300)
    link = models.CharField("链接", max_length=200, blank=True)
    created = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.message
