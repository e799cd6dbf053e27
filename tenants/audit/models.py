from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditRecord(models.Model):
    """Who did what to which record, when; kept in the schema where it happened."""

    class Action(models.TextChoices):
        CREATE = "create", "创建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        TRANSITION = "transition", "状态变更"
        READ = "read", "查看敏感信息"
        # an attempt turned away: a bad API key, a call outside a key's scopes, a refused sign-in
        REFUSED = "refused", "拒绝访问"
        SIGN_IN = "sign_in", "登录"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人名称", max_length=150)
    action = models.CharField("动作", max_length=16, choices=Action.choices)
    target_type = models.CharField("对象类型", max_length=100, db_index=True)
    target_id = models.CharField("对象编号", max_length=64, db_index=True)
    target_repr = models.CharField("对象", max_length=200)
    changes = models.JSONField("变更字段", default=dict, blank=True)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32, blank=True)
    reason = models.TextField("原因", blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target_repr}"
