from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.listed import ListedCharField, ListedPrimaryKeyRelatedField
from api.serializers import ModelSerializer, Serializer, listed_or
from tenants.accounts.links import api_link, page_path
from tenants.accounts.models import Notification
from tenants.congress.models import (
    Congress,
    Delegate,
    Delegation,
    Proposal,
    ProposalAttachment,
    ProposalReply,
    Rating,
    Suggestion,
)
from tenants.members.models import Branch, Department, Member


class CongressSerializer(ModelSerializer):
    """教代会"""

    label = serializers.CharField(read_only=True, label="届次（如 六届四次）")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    branch = serializers.PrimaryKeyRelatedField(
        label="所属分工会", queryset=Branch.objects.all(), required=False, allow_null=True,
        help_text="空：学校教代会；填分工会：该分工会的二级教代会（建立后不能更改）")
    level_label = serializers.CharField(read_only=True, label="层级（全校或分工会名称）")
    name = serializers.CharField(source="__str__", read_only=True, label="完整名称")

    class Meta:
        model = Congress
        fields = ["id", "branch", "level_label", "name", "term", "session", "label", "title", "opens_on",
                  "closes_on", "status", "status_label", "seconder_minimum", "submission_opens_at",
                  "submission_closes_at", "seconding_closes_at"]
        # The status moves only through the congress's own steps, never by writing the field.
        read_only_fields = ["status"]
        # Uniqueness of term+session is checked by the service (409 in Chinese), not here.
        validators = []


class DelegationSerializer(ModelSerializer):
    """代表团"""

    class Meta:
        model = Delegation
        fields = ["id", "congress", "name"]
        validators = []


class DelegateSerializer(ModelSerializer):
    """代表"""

    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all())
    # a list's rows carry the names in their own statement (congress.selectors.delegates_listed)
    name = ListedCharField(source="member.name", read_only=True, through_empty=True, label="姓名")
    branch_name = ListedCharField(source="branch.name", read_only=True, through_empty=True, label="选举单位")
    delegation_name = ListedCharField(source="delegation.name", read_only=True, default="", through_empty=True, label="代表团")

    class Meta:
        model = Delegate
        fields = ["id", "congress", "member", "name", "branch", "branch_name", "delegation", "delegation_name",
                  "elected_on"]
        read_only_fields = ["branch", "elected_on"]
        validators = []


class ReplySerializer(ModelSerializer):
    """答复"""

    department_name = serializers.CharField(source="department.name", read_only=True, label="答复部门")
    on_time = serializers.BooleanField(read_only=True, label="按期答复")
    rating_label = serializers.CharField(source="get_rating_display", read_only=True, label="评价")

    class Meta:
        model = ProposalReply
        fields = ["id", "handling_round", "department", "department_name", "text", "replied_at", "due_date",
                  "on_time", "rating", "rating_label", "rating_comment", "rated_at"]


class AttachmentSerializer(ModelSerializer):
    """附件"""

    class Meta:
        model = ProposalAttachment
        fields = ["id", "kind", "name", "size", "uploaded_at"]


class ProposalSerializer(ModelSerializer):
    """提案"""

    congress_label = serializers.CharField(source="congress.label", read_only=True, label="届次")
    proposer_name = serializers.CharField(source="proposer_display", read_only=True, label="提案人")
    congress_branch = serializers.IntegerField(source="congress.branch_id", read_only=True, allow_null=True,
                                               label="所属分工会（二级教代会的提案）")
    forwarded_to = serializers.SerializerMethodField(label="已转报为学校教代会提案")
    co_proposer_names = serializers.SerializerMethodField(label="联名提案人")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    seconds_count = serializers.IntegerField(read_only=True, default=0, label="有效附议人数")
    # a list's rows carry the name in their own statement (congress.selectors.proposals_listed)
    lead_department_name = ListedCharField(source="lead_department.name", read_only=True, default="",
                                           through_empty=True, label="主办部门")
    co_departments = ListedPrimaryKeyRelatedField(many=True, read_only=True, label="协办部门")  # api.listed
    rating_label = serializers.CharField(source="get_rating_display", read_only=True, label="评价")
    merged_into_number = serializers.CharField(source="merged_into.number", read_only=True, default="",
                                               label="并入提案编号")

    class Meta:
        model = Proposal
        fields = ["id", "congress", "congress_label", "congress_branch", "number", "title", "reasons", "measures",
                  "proposer", "proposer_name", "forwarded_from", "forwarded_to", "co_proposer_names", "status", "status_label", "seconds_count",
                  "decision_reason", "lead_department", "lead_department_name", "co_departments", "due_date",
                  "handling_round", "rating", "rating_label", "committee_note", "merged_into",
                  "merged_into_number", "overdue", "escalated_at", "submitted_at", "closed_at", "created"]
        read_only_fields = fields

    def get_co_proposer_names(self, proposal) -> list[str]:
        return listed_or(proposal, "listed_co_proposer_names",
                         lambda: [delegate.member.name for delegate in proposal.co_proposers.all()])

    def get_forwarded_to(self, proposal) -> int | None:
        if proposal.status != Proposal.Status.FORWARDED:
            return None
        try:  # selected with the row by proposals_with_details: no query per proposal
            return proposal.forwarded_to.pk
        except Proposal.DoesNotExist:
            return None


class ProposalDetailSerializer(ProposalSerializer):
    replies = ReplySerializer(many=True, read_only=True, label="答复")
    attachments = serializers.SerializerMethodField(label="附件（转报的提案：含原提案的提案附件）")
    seconders = serializers.SerializerMethodField(label="附议人")
    my_actions = serializers.SerializerMethodField(label="我现在可以执行的操作")

    class Meta(ProposalSerializer.Meta):
        fields = ProposalSerializer.Meta.fields + ["replies", "attachments", "seconders", "my_actions"]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, proposal):
        from tenants.congress.selectors import proposal_attachments

        return AttachmentSerializer(proposal_attachments(proposal), many=True).data

    def get_seconders(self, proposal) -> list[str]:
        from tenants.congress.selectors import active_seconders

        return [second.delegate.member.name for second in active_seconders(proposal)]

    def get_my_actions(self, proposal) -> list[str]:
        from tenants.congress.selectors import proposal_actions_for

        request = self.context.get("request")
        return proposal_actions_for(proposal, request.user) if request else []


class ProposalInputSerializer(Serializer):
    """起草提案（草稿）"""

    congress = serializers.PrimaryKeyRelatedField(label="教代会", queryset=Congress.objects.all())
    title = serializers.CharField(label="案由", max_length=200)
    reasons = serializers.CharField(label="理由", max_length=5000, required=False, allow_blank=True, default="")
    measures = serializers.CharField(label="建议措施", max_length=5000, required=False, allow_blank=True, default="")


class ProposalEditSerializer(Serializer):
    """修改草稿"""

    title = serializers.CharField(label="案由", max_length=200, required=False)
    reasons = serializers.CharField(label="理由", max_length=5000, required=False, allow_blank=True)
    measures = serializers.CharField(label="建议措施", max_length=5000, required=False, allow_blank=True)


class NoteSerializer(Serializer):
    """说明"""

    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class ReasonRequiredSerializer(Serializer):
    """原因（必填）"""

    reason = serializers.CharField(label="原因", max_length=2000, required=False, allow_blank=True, default="")


class MergeSerializer(Serializer):
    """并案"""

    sources = serializers.PrimaryKeyRelatedField(label="并入的提案", many=True, queryset=Proposal.objects.all())
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class AssignSerializer(Serializer):
    """交办"""

    lead_department = serializers.PrimaryKeyRelatedField(label="主办部门",
                                                         queryset=Department.objects.filter(is_active=True))
    co_departments = serializers.PrimaryKeyRelatedField(label="协办部门", many=True, required=False, default=list,
                                                        queryset=Department.objects.filter(is_active=True))
    due_date = serializers.DateField(label="办理期限")
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class ReplyInputSerializer(Serializer):
    """答复"""

    text = serializers.CharField(label="答复内容", max_length=10000)


class RateSerializer(Serializer):
    """评价答复"""

    rating = serializers.ChoiceField(label="评价", choices=Rating.choices)
    comment = serializers.CharField(label="意见", max_length=2000, required=False, allow_blank=True, default="")


class CongressFiguresSerializer(Serializer):
    """提案工作统计（比率为百分数，无数据时为 null）"""

    congress = serializers.IntegerField(label="教代会")
    label = serializers.CharField(label="届次")
    received = serializers.IntegerField(label="收到提案")
    accepted = serializers.IntegerField(label="立案（含并案）")
    handled = serializers.IntegerField(label="进入办理")
    closed = serializers.IntegerField(label="办结")
    rated = serializers.IntegerField(label="已评价")
    satisfied = serializers.IntegerField(label="满意和基本满意")
    overdue = serializers.IntegerField(label="督办中")
    suggestions = serializers.IntegerField(label="转为意见建议")
    not_accepted = serializers.IntegerField(label="不立案")
    merged = serializers.IntegerField(label="并案")
    acceptance_rate = serializers.DecimalField(label="立案率%", max_digits=5, decimal_places=1, allow_null=True)
    closure_rate = serializers.DecimalField(label="办结率%", max_digits=5, decimal_places=1, allow_null=True)
    satisfaction_rate = serializers.DecimalField(label="满意率%", max_digits=5, decimal_places=1, allow_null=True)


class DepartmentFiguresSerializer(Serializer):
    department = serializers.IntegerField(label="部门")
    name = serializers.CharField(label="部门名称")
    assigned = serializers.IntegerField(label="交办")
    replied_on_time = serializers.IntegerField(label="按期答复")
    replied_late = serializers.IntegerField(label="逾期答复")
    overdue = serializers.IntegerField(label="逾期未复")


class FiguresSerializer(Serializer):
    """教代会提案统计"""

    congress = CongressFiguresSerializer(label="总体")
    departments = DepartmentFiguresSerializer(many=True, label="各部门")


class SuggestionSerializer(ModelSerializer):
    """意见建议"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    department_name = serializers.CharField(source="department.name", read_only=True, default="", label="转交部门")

    class Meta:
        model = Suggestion
        fields = ["id", "title", "content", "status", "status_label", "department", "department_name", "answer",
                  "answered_at", "source_proposal", "created"]
        read_only_fields = ["status", "department", "answer", "answered_at", "source_proposal", "created"]


class ProposalForwardSerializer(Serializer):
    """转报学校教代会"""

    congress = serializers.PrimaryKeyRelatedField(label="学校教代会", queryset=Congress.objects.all())
    reason = serializers.CharField(label="转报理由", max_length=2000, required=False, allow_blank=True, default="")


class ForwardSerializer(Serializer):
    """转交部门"""

    department = serializers.PrimaryKeyRelatedField(label="部门", queryset=Department.objects.filter(is_active=True))


class AnswerSerializer(Serializer):
    """答复意见建议"""

    answer = serializers.CharField(label="答复", max_length=10000)


class NotificationSerializer(ModelSerializer):
    """站内通知"""

    link = serializers.SerializerMethodField(label="相关资源（API 地址）")
    page = serializers.SerializerMethodField(label="相关页面")

    class Meta:
        model = Notification
        fields = ["id", "message", "link", "page", "created", "read_at"]

    def get_link(self, notification) -> str:
        return api_link(notification.link)

    def get_page(self, notification) -> str:
        return page_path(notification.link)
