"""E-mail on each host (installed in both app lists, like accounts): a person's preferences, the
outbox of mails to send, and the notifications waiting for a person's daily digest."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.mail.kinds import Kind


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "即时发送"
    DAILY_DIGEST = "daily_digest", "每日汇总"


class Preference(models.Model):
    """What a person wants by e-mail. No row: the defaults (every kind, immediately)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference",
                                verbose_name="用户")
    todo = models.BooleanField("待办事项", default=True)
    reminder = models.BooleanField("逾期提醒", default=True)
    result = models.BooleanField("办理结果", default=True)
    delivery = models.CharField("发送方式", max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    updated = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "邮件提醒设置"
        verbose_name_plural = "邮件提醒设置"

    def __str__(self):
        return f"{self.user} 的邮件提醒设置"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


class OutgoingMail(models.Model):
    """One mail to send (the outbox): written in the transaction that wrote its notification(s).

    Where it is, is told by its timestamps — an outbox's bookkeeping, not a workflow: waiting (none
    set), being sent (`claimed_at`), sent (`sent_at`), given up (`failed_at`)."""

    DIGEST = "digest"
    KIND_CHOICES = [*Kind.choices, (DIGEST, "每日汇总")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outgoing_mails",
                             verbose_name="收件人")
    to = models.EmailField("收件地址")
    subject = models.CharField("主题", max_length=200)
    body = models.TextField("正文")
    kind = models.CharField("类别", max_length=16, choices=KIND_CHOICES)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    claimed_at = models.DateTimeField("开始发送", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    failed_at = models.DateTimeField("放弃时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=200, blank=True)

    class Meta:
        verbose_name = "外发邮件"
        verbose_name_plural = "外发邮件"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="mail_outbox_waiting",
                                condition=models.Q(claimed_at__isnull=True, sent_at__isnull=True,
                                                   failed_at__isnull=True))]

    def __str__(self):
        return self.subject

    @property
    def progress(self) -> str:
        if self.sent_at:
            return "已发送"
        if self.failed_at:
            return "发送失败"
        return "发送中" if self.claimed_at else "待发送"


class DigestEntry(models.Model):
    """A notification waiting for its person's daily digest (`mail` set once a digest took it)."""

    notification = models.OneToOneField("accounts.Notification", on_delete=models.CASCADE,
                                        related_name="digest_entry", verbose_name="通知")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_entries",
                             verbose_name="接收人")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    url = models.CharField("链接", max_length=300, blank=True)
    created = models.DateTimeField("时间", auto_now_add=True)
    mail = models.ForeignKey(OutgoingMail, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="digest_entries", verbose_name="汇总邮件")

    class Meta:
        verbose_name = "待汇总通知"
        verbose_name_plural = "待汇总通知"
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["mail", "user"], name="mail_digest_pending")]
