"""Webhook subscriptions and their deliveries, per host.

The app is in both SHARED_APPS and TENANT_APPS: a school's subscriptions and deliveries live in the
school's schema, the province's in public, so one school's rows can never reach another's.

A delivery row is the outbox: it is written in the same transaction as the change it announces and
carries the exact body that is signed and sent, its retry schedule (`next_attempt_at`) and the
outcome of its last attempt; `WebhookAttempt` keeps every attempt (the delivery log).
"""
from django.db import models
from django.utils import timezone


class Subscription(models.Model):
    url = models.URLField("回调地址", max_length=500)
    description = models.CharField("说明", max_length=200, blank=True)
    event_types = models.JSONField("事件类型", default=list)
    is_active = models.BooleanField("启用", default=True)
    # whsec_<base64>, encrypted at rest like ID numbers (tenants/personal_data.py)
    secret_encrypted = models.TextField("签名密钥（密文）")
    # the secret before the last rotation: still signs (beside the new one) until it expires
    previous_secret_encrypted = models.TextField("上一个签名密钥（密文）", blank=True)
    previous_secret_expires_at = models.DateTimeField("上一个密钥失效时间", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField("连续失败次数", default=0)
    disabled_at = models.DateTimeField("自动停用时间", null=True, blank=True)
    disabled_reason = models.CharField("停用原因", max_length=300, blank=True)
    created_by = models.CharField("创建人", max_length=150, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "Webhook 订阅"
        verbose_name_plural = "Webhook 订阅"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Webhook {self.url}"[:200]


class Delivery(models.Model):
    # Named `outcome`, not `status`: it is what the delivery machinery observed (one value per HTTP
    # attempt), not a workflow people move — a state machine would write an audit record per attempt
    # into the 操作日志. Every attempt is kept in `Attempt` instead; redelivery by hand is audited.
    class Outcome(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "失败（已停止重试）"

    subscription = models.ForeignKey(Subscription, verbose_name="订阅", on_delete=models.CASCADE,
                                     related_name="deliveries")
    message_id = models.CharField("消息编号（webhook-id）", max_length=40, unique=True)
    event_type = models.CharField("事件类型", max_length=60)
    body = models.TextField("请求体")
    outcome = models.CharField("投递结果", max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    last_status_code = models.PositiveIntegerField("最近状态码", null=True, blank=True)
    last_response_ms = models.PositiveIntegerField("最近响应时间（毫秒）", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("产生时间", default=timezone.now)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "Webhook 投递"
        verbose_name_plural = "Webhook 投递"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["outcome", "next_attempt_at"], name="webhook_due")]

    def __str__(self):
        return f"{self.event_type} {self.message_id}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, verbose_name="投递", on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField("时间", default=timezone.now)
    status_code = models.PositiveIntegerField("状态码", null=True, blank=True)
    response_ms = models.PositiveIntegerField("响应时间（毫秒）", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    manual = models.BooleanField("手动重发", default=False)

    class Meta:
        verbose_name = "Webhook 投递尝试"
        verbose_name_plural = "Webhook 投递尝试"
        ordering = ["-at", "-id"]
