from rest_framework import serializers

from api.listed import ListedPrimaryKeyRelatedField, ListedRows
from api.serializers import ModelSerializer, Serializer
from tenants.members.models import Branch, Group
from tenants.notices.models import Notice, NoticeAttachment, NoticeRecipient


class NoticeAttachmentSerializer(ModelSerializer):
    """通知附件"""

    class Meta:
        model = NoticeAttachment
        fields = ["id", "name", "size", "uploaded_at"]
        read_only_fields = fields
        list_serializer_class = ListedRows


class NoticeSerializer(ModelSerializer):
    """通知公告；my_read_at: 当前用户作为接收人的阅读时间（不是接收人则为空）"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    audience_label = serializers.CharField(read_only=True, label="发送范围说明")
    publisher_label = serializers.CharField(read_only=True, label="发布单位")
    attachments = NoticeAttachmentSerializer(many=True, read_only=True, label="附件")
    my_read_at = serializers.SerializerMethodField(label="我的阅读时间")
    # a list's rows carry the ids (api.listed); declared rather than by serializer_related_field,
    # which would keep api.serializers.fastrow from building the fields once
    branches = ListedPrimaryKeyRelatedField(many=True, read_only=True, label="指定分工会")
    groups = ListedPrimaryKeyRelatedField(many=True, read_only=True, label="指定工会小组")

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "publisher", "publisher_branch", "publisher_label", "audience",
                  "audience_label", "branches", "groups", "status", "status_label", "read_by", "published_at",
                  "reminded_at", "created_at", "attachments", "my_read_at"]
        read_only_fields = fields

    def get_my_read_at(self, notice) -> str | None:
        if hasattr(notice, "my_read_at"):  # annotated by the list (one query for the page)
            read_at = notice.my_read_at
        else:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            receipt = NoticeRecipient.objects.filter(notice=notice, member__user=user).only("read_at").first() \
                if user is not None and user.is_authenticated else None
            read_at = receipt.read_at if receipt else None
        return serializers.DateTimeField().to_representation(read_at) if read_at else None


class NoticeInputSerializer(Serializer):
    title = serializers.CharField(label="标题", max_length=200)
    body = serializers.CharField(label="正文")
    audience = serializers.ChoiceField(label="发送范围", choices=Notice.Audience.choices, default=Notice.Audience.ALL)
    branches = serializers.PrimaryKeyRelatedField(label="指定分工会", queryset=Branch.objects.all(), many=True,
                                                  required=False, default=list)
    groups = serializers.PrimaryKeyRelatedField(label="指定工会小组", queryset=Group.objects.all(), many=True,
                                                required=False, default=list)
    read_by = serializers.DateField(label="要求阅读日期", required=False, allow_null=True, default=None)
    publish = serializers.BooleanField(label="立即发布（否则保存为草稿）", required=False, default=False)


class NoticeWithdrawInputSerializer(Serializer):
    reason = serializers.CharField(label="撤回原因", allow_blank=True)


class NoticeBranchReceiptSerializer(Serializer):
    branch = serializers.IntegerField(source="branch.pk", label="分工会编号")
    branch_name = serializers.CharField(source="branch.name", label="分工会")
    recipients = serializers.IntegerField(label="接收人数")
    read = serializers.IntegerField(label="已读")
    unread = serializers.IntegerField(label="未读")
    rate = serializers.CharField(label="阅读率")


class NoticeReceiptsSerializer(Serializer):
    recipients = serializers.IntegerField(label="接收人数")
    read = serializers.IntegerField(label="已读")
    unread = serializers.IntegerField(label="未读")
    rate = serializers.CharField(label="阅读率")
    branches = NoticeBranchReceiptSerializer(many=True, label="按分工会")


class NoticeRecipientSerializer(ModelSerializer):
    """阅读回执（按人员；手机号已脱敏）"""

    name = serializers.CharField(source="member.name", read_only=True, label="姓名")
    employee_number = serializers.CharField(source="member.employee_number", read_only=True, label="工号")
    branch_name = serializers.CharField(source="branch.name", read_only=True, label="分工会")
    phone = serializers.CharField(source="masked_phone", read_only=True, label="手机号（脱敏）")

    class Meta:
        model = NoticeRecipient
        fields = ["id", "member", "name", "employee_number", "branch", "branch_name", "phone", "read_at",
                  "reminded_at"]
        read_only_fields = fields


class NoticeRemindResultSerializer(Serializer):
    reminded = serializers.IntegerField(label="已提醒人数")
