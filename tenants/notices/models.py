"""Notices (通知公告) the union office or a branch chair publishes to members, with read receipts (issue #12).

A notice is written (draft), published to an audience — every member (全体会员), chosen branches
(指定分工会) or chosen groups (指定工会小组) — and may be withdrawn (撤回, with a reason). Publishing
takes a snapshot: one NoticeRecipient per member of the audience who is active at that moment. A
member who joins (or moves into the branch) later is not a recipient and never counts as unread;
receipts are always "read x of the y people it was sent to".
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.members.models import Branch, Group, Member


class Notice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class Audience(models.TextChoices):
        ALL = "all", "全体会员"
        BRANCHES = "branches", "指定分工会"
        GROUPS = "groups", "指定工会小组"

    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    publisher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True,
                                  on_delete=models.SET_NULL, related_name="published_notices")
    # None: published by the school union (校工会); a branch: by that branch's chair, for it
    publisher_branch = models.ForeignKey(Branch, verbose_name="发布单位（分工会）", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="own_notices")
    audience = models.CharField("发送范围", max_length=10, choices=Audience.choices, default=Audience.ALL)
    branches = models.ManyToManyField(Branch, verbose_name="指定分工会", blank=True, related_name="notices")
    groups = models.ManyToManyField(Group, verbose_name="指定工会小组", blank=True, related_name="notices")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    read_by = models.DateField("要求阅读日期", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    # the publisher's last 「提醒未读人员」 (one per hour at most)
    reminded_at = models.DateTimeField("最近提醒时间", null=True, blank=True)
    # the daily task's reminder once 要求阅读日期 is reached (once per notice)
    due_reminded_on = models.DateField("到期提醒日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title[:60]

    @property
    def publisher_label(self) -> str:
        return f"{self.publisher_branch.name}分工会" if self.publisher_branch_id else "校工会"

    def audience_label(self) -> str:
        listed = self.__dict__.get("listed_audience_label")  # a list's rows carry it (notices.selectors)
        if listed is not None:
            return listed
        if self.audience == self.Audience.BRANCHES:
            return "、".join(b.name for b in self.branches.all()) or "指定分工会"
        if self.audience == self.Audience.GROUPS:
            return "、".join(str(g) for g in self.groups.all()) or "指定工会小组"
        return self.get_audience_display()


def notice_attachment_path(instance, filename):
    return f"notices/{instance.notice_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=notice_attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "通知附件"
        verbose_name_plural = "通知附件"
        ordering = ["id"]

    def __str__(self):
        return self.name


class NoticeRecipient(models.Model):
    """One member a published notice was sent to; ``branch`` is the member's branch at publication,
    so the per-branch receipts do not move when a member changes branch afterwards."""

    notice = models.ForeignKey(Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey(Member, verbose_name="会员", on_delete=models.PROTECT, related_name="notices_received")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    branch = models.ForeignKey(Branch, verbose_name="分工会", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    reminded_at = models.DateTimeField("最近提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知接收人"
        verbose_name_plural = "通知接收人"
        ordering = ["notice_id", "branch_id", "member_id"]
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="one_receipt_per_member")]
        indexes = [models.Index(fields=["notice", "read_at"])]

    def __str__(self):
        return f"{self.notice_id}→{self.member_id}"

    @property
    def masked_phone(self) -> str:
        from tenants.personal_data import mask_phone

        return mask_phone(self.member.phone)
