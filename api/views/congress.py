import django_filters.rest_framework as filters
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import XLSX, xlsx_response
from api.filters import DelegateFilter, DelegationFilter, IdFilter, NotificationFilter, ProposalFilter, SuggestionFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from api.serializers.congress import (
    AnswerSerializer,
    AssignSerializer,
    AttachmentSerializer,
    CongressSerializer,
    DelegateSerializer,
    DelegationSerializer,
    FiguresSerializer,
    ForwardSerializer,
    MergeSerializer,
    NoteSerializer,
    NotificationSerializer,
    ProposalDetailSerializer,
    ProposalEditSerializer,
    ProposalForwardSerializer,
    ProposalInputSerializer,
    ProposalSerializer,
    RateSerializer,
    ReasonRequiredSerializer,
    ReplyInputSerializer,
    SuggestionSerializer,
)
from api.serializers.congress_committees import (
    CommitteeInputSerializer,
    CommitteeMemberInputSerializer,
    CommitteeMembershipSerializer,
    CommitteeRoleSerializer,
    CommitteeSerializer,
    RemovalSerializer,
)
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.congress import figures_export
from tenants.congress import services as s
from tenants.accounts.models import Notification
from tenants.congress.models import (
    CommitteeMembership,
    Congress,
    Delegate,
    Delegation,
    Proposal,
    ProposalAttachment,
    Suggestion,
)
from tenants.congress.selectors import (
    committees_of,
    delegates_listed,
    congress_figures,
    department_figures,
    may_read_committees,
    proposal_attachments,
    proposals_listed,
    proposals_visible_to,
    suggestions_visible_to,
)

# The office runs every congress; a branch chair the 二级教代会 of the branches they chair (the
# services check which congress: a chair of another branch is refused with 403).
CongressManagers = role_required(Role.UNION_ADMIN, Role.BRANCH_CHAIR)


class ReadForAllWriteForManagers:
    read_actions = ("list", "retrieve")

    def get_permissions(self):
        if self.action in self.read_actions:
            return [IsAuthenticated()]
        return [CongressManagers()]


def _require_manager(user, congress):
    from tenants.errors import NotAllowed

    if not s.may_manage_congress(user, congress):
        raise NotAllowed("只有校工会或该二级教代会所属分工会的主席可以查看。")


class CongressFilter(filters.FilterSet):
    branch = IdFilter(field_name="branch_id", help_text="分工会编号：该分工会的二级教代会")
    level = filters.ChoiceFilter(method="by_level", choices=[("school", "学校教代会"), ("branch", "二级教代会")],
                                 help_text="school：学校教代会；branch：二级教代会")

    class Meta:
        model = Congress
        fields = ["status"]

    def by_level(self, queryset, name, value):
        return queryset.filter(branch__isnull=value == "school")


@extend_schema(tags=["教代会"])
@extend_schema_view(list=extend_schema(summary="教代会列表（学校教代会在前，二级教代会按分工会）"),
                    retrieve=extend_schema(summary="教代会详情"),
                    create=extend_schema(summary="新建教代会（branch 为空：学校教代会，校工会；填分工会：二级教代会，"
                                                 "校工会或该分工会主席）"),
                    partial_update=extend_schema(summary="修改教代会"))
class CongressViewSet(ReadForAllWriteForManagers, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Congress.objects.select_related("branch").order_by(
        F("branch__sort_order").asc(nulls_first=True), "branch_id", "-term", "-session", "-id")
    serializer_class = CongressSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = CongressFilter
    read_actions = ("list", "retrieve", "committees")

    def perform_create(self, serializer):
        serializer.instance = s.congress_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = s.congress_update(congress=serializer.instance, by=self.request.user,
                                                **serializer.validated_data)

    @extend_schema(summary="开幕（筹备中 → 召开中；未填开幕日期时记为今天）", request=NoteSerializer,
                   responses=CongressSerializer,
                   description="非筹备中的教代会不能开幕：409，并说明当前状态。")
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        congress = s.congress_open(congress=self.get_object(), by=request.user, **validated(request, NoteSerializer))
        return Response(CongressSerializer(congress).data)

    @extend_schema(summary="闭幕（召开中 → 已闭幕；未填闭幕日期时记为今天）", request=NoteSerializer,
                   responses=CongressSerializer,
                   description="只有召开中的教代会可以闭幕，已闭幕的不能重新筹备或召开：409，并说明当前状态。")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        congress = s.congress_close(congress=self.get_object(), by=request.user, **validated(request, NoteSerializer))
        return Response(CongressSerializer(congress).data)

    @extend_schema(summary="状态变更记录（谁、何时、从何到何、原因）", responses=AuditRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        congress = self.get_object()
        _require_manager(request.user, congress)
        records = audit_records(target_type="congress.congress", target_id=str(congress.pk),
                                action="transition")
        # Paged like every list (and like a proposal's history), as the schema says.
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)

    def _figures(self, congress):
        return {"congress": congress_figures(congress), "departments": department_figures(congress)}

    @extend_schema(summary="提案工作统计：收到、立案率、办结率、满意率、督办；各部门交办与按期答复",
                   responses=FiguresSerializer)
    @action(detail=True, methods=["get"], permission_classes=[CongressManagers])
    def figures(self, request, pk=None):
        congress = self.get_object()
        _require_manager(request.user, congress)
        return Response(FiguresSerializer(self._figures(congress)).data)

    @extend_schema(summary="导出提案工作统计（.xlsx）", responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="figures/export", permission_classes=[CongressManagers])
    def figures_export(self, request, pk=None):
        congress = self.get_object()
        _require_manager(request.user, congress)
        content = figures_export.workbook(self._figures(congress))
        return xlsx_response(content, f"{congress.label}提案工作统计.xlsx")

    @extend_schema(methods=["GET"], summary="专门委员会及其成员（提案工作委员会在前）",
                   description="学校教代会的委员会全校可见；二级教代会的只对校工会、该分工会主席和本次教代会代表可见，其他人 404。",
                   responses=CommitteeSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], summary="新建专门委员会（每次教代会一个提案工作委员会；校工会或二级教代会所属分工会主席）",
                   request=CommitteeInputSerializer, responses={201: CommitteeSerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def committees(self, request, pk=None):
        congress = self.get_object()
        if request.method == "POST":
            committee = s.committee_create(by=request.user, congress=congress,
                                           **validated(request, CommitteeInputSerializer))
            return Response(CommitteeSerializer(committees_of(congress).get(pk=committee.pk)).data,
                            status=status.HTTP_201_CREATED)
        if not may_read_committees(request.user, congress):
            raise Http404  # a 二级教代会's committees stay inside it, like its proposals
        return self.paginated(committees_of(congress), CommitteeSerializer)

    def _committee(self, congress, committee_id):
        committee = congress.committees.filter(pk=committee_id).first()
        if committee is None:
            raise Http404
        return committee

    def _membership(self, congress, committee_id, membership_id):
        membership = CommitteeMembership.objects.filter(
            pk=membership_id, committee_id=self._committee(congress, committee_id).pk).first()
        if membership is None:
            raise Http404
        return membership

    @extend_schema(summary="增加委员会成员（须是本次教代会的代表，否则 400 指明 member）",
                   request=CommitteeMemberInputSerializer, responses={201: CommitteeMembershipSerializer})
    @action(detail=True, methods=["post"], url_path=r"committees/(?P<committee_id>\d+)/members")
    def committee_member_add(self, request, pk=None, committee_id=None):
        committee = self._committee(self.get_object(), committee_id)
        membership = s.committee_member_add(by=request.user, committee=committee,
                                            **validated(request, CommitteeMemberInputSerializer))
        return Response(CommitteeMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="变更委员会成员的职务（主任、副主任、委员）", request=CommitteeRoleSerializer,
                   responses=CommitteeMembershipSerializer)
    @action(detail=True, methods=["post"],
            url_path=r"committees/(?P<committee_id>\d+)/members/(?P<membership_id>\d+)/role")
    def committee_member_role(self, request, pk=None, committee_id=None, membership_id=None):
        membership = self._membership(self.get_object(), committee_id, membership_id)
        membership = s.committee_member_set_role(by=request.user, membership=membership,
                                                 **validated(request, CommitteeRoleSerializer))
        return Response(CommitteeMembershipSerializer(membership).data)

    @extend_schema(summary="移出委员会（记入操作日志）", request=RemovalSerializer, responses={204: None})
    @action(detail=True, methods=["post"],
            url_path=r"committees/(?P<committee_id>\d+)/members/(?P<membership_id>\d+)/remove")
    def committee_member_remove(self, request, pk=None, committee_id=None, membership_id=None):
        membership = self._membership(self.get_object(), committee_id, membership_id)
        s.committee_member_remove(by=request.user, membership=membership, **validated(request, RemovalSerializer))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["教代会"])
@extend_schema_view(list=extend_schema(summary="代表团列表"),
                    retrieve=extend_schema(summary="代表团详情"), create=extend_schema(summary="新建代表团"))
class DelegationViewSet(ReadForAllWriteForManagers, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, SchoolViewSet):
    queryset = Delegation.objects.order_by("congress_id", "id")
    serializer_class = DelegationSerializer
    filterset_class = DelegationFilter

    def perform_create(self, serializer):
        serializer.instance = s.delegation_create(by=self.request.user, **serializer.validated_data)


@extend_schema(tags=["教代会"])
@extend_schema_view(
    list=extend_schema(summary="代表列表"),
    retrieve=extend_schema(summary="代表详情"), create=extend_schema(summary="登记当选代表"))
class DelegateViewSet(ReadForAllWriteForManagers, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, SchoolViewSet):
    queryset = Delegate.objects.select_related("member", "branch", "delegation").order_by("congress_id", "id")
    serializer_class = DelegateSerializer
    filterset_class = DelegateFilter

    def base_queryset(self):
        rows = self.queryset.all()
        return delegates_listed(rows) if self.action == "list" else rows

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = s.delegate_elect(by=self.request.user, congress=data["congress"],
                                               member=data["member"], delegation=data.get("delegation"))


@extend_schema(tags=["提案"])
@extend_schema_view(
    list=extend_schema(summary="提案列表（?congress= 按教代会）",
                       description="会员看到自己的提案和学校教代会全部已立案提案；代表还能看到本次教代会征集中的提案以便附议，"
                                   "以及所在二级教代会的已立案提案（二级教代会的提案只在本分工会内可见）；"
                                   "提案工作委员会委员和二级教代会所属分工会主席看到所审查教代会的全部已提交提案；"
                                   "承办部门经办人看到交办给本部门的提案；校工会看到全部。"),
    retrieve=extend_schema(summary="提案详情", responses=ProposalDetailSerializer),
    create=extend_schema(summary="起草提案（仅本次教代会代表）", request=ProposalInputSerializer,
                         responses={201: ProposalDetailSerializer}),
    partial_update=extend_schema(summary="修改草稿（仅提案人）", request=ProposalEditSerializer,
                                 responses=ProposalDetailSerializer),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Proposal.objects.none()  # for the schema; base_queryset decides what a user sees
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = ProposalFilter
    ordering_fields = ["created", "submitted_at", "number", "due_date"]

    def get_serializer_class(self):
        return ProposalSerializer if self.action == "list" else ProposalDetailSerializer

    def base_queryset(self):
        if self.action == "list":
            return proposals_visible_to(self.request.user, proposals_listed())
        return proposals_visible_to(self.request.user).prefetch_related("replies__department")

    def _detail(self, proposal, code=status.HTTP_200_OK):
        detail = ProposalDetailSerializer(self.base_queryset().get(pk=proposal.pk), context={"request": self.request})
        return Response(detail.data, status=code)

    def create(self, request, *args, **kwargs):
        proposal = s.proposal_create(by=request.user, **validated(self.request, ProposalInputSerializer))
        return self._detail(proposal, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        proposal = s.proposal_edit(proposal=self.get_object(), by=request.user, **validated(self.request, ProposalEditSerializer))
        return self._detail(proposal)

    @extend_schema(summary="提交（须写明案由、理由、建议措施）", request=None, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._detail(s.proposal_submit(proposal=self.get_object(), by=request.user))

    @extend_schema(summary="附议（本次教代会的其他代表）", request=None, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def second(self, request, pk=None):
        return self._detail(s.proposal_second(proposal=self.get_object(), by=request.user))

    @extend_schema(summary="撤回附议（初审前）", request=None, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-second")
    def withdraw_second(self, request, pk=None):
        return self._detail(s.proposal_withdraw_second(proposal=self.get_object(), by=request.user))

    @extend_schema(summary="进入初审", request=NoteSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        return self._detail(s.proposal_start_review(proposal=self.get_object(), by=request.user,
                                                    **validated(self.request, NoteSerializer)))

    @extend_schema(summary="立案（自动编号，如 六届四次-001）", request=NoteSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._detail(s.proposal_accept(proposal=self.get_object(), by=request.user,
                                              **validated(self.request, NoteSerializer)))

    @extend_schema(summary="不立案，转为意见建议（须填原因）", request=ReasonRequiredSerializer,
                   responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"], url_path="convert-to-suggestion")
    def convert_to_suggestion(self, request, pk=None):
        return self._detail(s.proposal_convert_to_suggestion(proposal=self.get_object(), by=request.user,
                                                             **validated(self.request, ReasonRequiredSerializer)))

    @extend_schema(summary="不立案（须填原因）", request=ReasonRequiredSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._detail(s.proposal_reject(proposal=self.get_object(), by=request.user,
                                              **validated(self.request, ReasonRequiredSerializer)))

    @extend_schema(summary="并案：把其他提案并入本提案（本提案随之立案），所有提案人联名",
                   request=MergeSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        data = validated(self.request, MergeSerializer)
        visible = set(self.get_queryset().filter(pk__in=[p.pk for p in data["sources"]]).values_list("pk", flat=True))
        if len(visible) != len(data["sources"]):
            raise Http404
        return self._detail(s.proposal_merge(target=self.get_object(), sources=data["sources"], by=request.user,
                                             note=data["note"]))

    @extend_schema(summary="转报学校教代会（二级教代会的初审中或已立案提案；分工会主席或校工会；须填理由；只能一次）",
                   request=ProposalForwardSerializer, responses={201: ProposalDetailSerializer},
                   description="在学校教代会生成一件关联原提案（forwarded_from）的提案，进入附议已满等待初审；"
                               "原提案变为“已转报学校教代会”。转报到二级教代会或已闭幕的教代会：400；重复转报：409。")
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        school = s.proposal_forward(proposal=self.get_object(), by=request.user,
                                    **validated(self.request, ProposalForwardSerializer))
        return self._detail(school, status.HTTP_201_CREATED)

    @extend_schema(summary="交办（主办部门、协办部门、办理期限）", request=AssignSerializer,
                   responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._detail(s.proposal_assign(proposal=self.get_object(), by=request.user,
                                              **validated(self.request, AssignSerializer)))

    @extend_schema(summary="答复（主办部门经办人）", request=ReplyInputSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        proposal = self.get_object()
        s.proposal_reply(proposal=proposal, by=request.user, **validated(self.request, ReplyInputSerializer))
        return self._detail(proposal)

    @extend_schema(summary="提案人评价答复：满意/基本满意/不满意（第一次不满意退回再办一轮）", request=RateSerializer,
                   responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        return self._detail(s.proposal_rate(proposal=self.get_object(), by=request.user,
                                            **validated(self.request, RateSerializer)))

    @extend_schema(summary="结案（两轮后仍不满意须填提案委员会意见）", request=NoteSerializer,
                   responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._detail(s.proposal_close(proposal=self.get_object(), by=request.user,
                                             **validated(self.request, NoteSerializer)))

    @extend_schema(summary="办理过程（每一次状态变更：谁、何时、从何到何、原因）", responses=AuditRecordSerializer(many=True),
                   filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        records = audit_records(target_type="congress.proposal", target_id=str(self.get_object().pk))
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)

    @extend_schema(
        summary="上传附件（提案人在初审前上传提案附件；主办部门在办理中上传答复附件）",
        request={"multipart/form-data": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "kind": {"type": "string", "enum": ["proposal", "reply"]}}}},
        responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        upload = request.FILES.get("file")
        kind = request.data.get("kind", ProposalAttachment.Kind.PROPOSAL)
        if upload is None:
            raise ValidationError({"file": "请选择要上传的文件（字段名 file）。"})
        if kind not in ProposalAttachment.Kind.values:
            raise ValidationError({"kind": "附件类别只能是 proposal 或 reply。"})
        attachment = s.proposal_attach(proposal=self.get_object(), by=request.user, upload=upload, kind=kind)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载附件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment_download(self, request, pk=None, attachment_id=None):
        attachment = proposal_attachments(self.get_object()).filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@extend_schema(tags=["意见建议"])
@extend_schema_view(
    list=extend_schema(summary="意见建议列表"),
    retrieve=extend_schema(summary="意见建议详情"),
    create=extend_schema(summary="提交意见建议（任何会员，网上提案快捷通道）"),
)
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        SchoolViewSet):
    queryset = Suggestion.objects.none()
    serializer_class = SuggestionSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = SuggestionFilter

    def base_queryset(self):
        return suggestions_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = s.suggestion_submit(by=self.request.user, **serializer.validated_data)

    def _act(self, request, name, serializer_class=None):
        data = {}
        if serializer_class is not None:
            data = validated(request, serializer_class)
        suggestion = s.suggestion_act(suggestion=self.get_object(), action=name, by=request.user, **data)
        return Response(SuggestionSerializer(suggestion).data)

    @extend_schema(summary="受理", request=None, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, "acknowledge")

    @extend_schema(summary="转交部门", request=ForwardSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._act(request, "forward", ForwardSerializer)

    @extend_schema(summary="答复", request=AnswerSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._act(request, "answer", AnswerSerializer)


@extend_schema(tags=["通知"])
@extend_schema_view(list=extend_schema(summary="我的站内通知"))
class NotificationViewSet(mixins.ListModelMixin, SchoolViewSet):
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = NotificationFilter

    def base_queryset(self):
        return self.request.user.notifications.all()

    @extend_schema(summary="标为已读", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.base_queryset().filter(pk=pk).first()
        if notification is None:
            raise Http404
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(NotificationSerializer(notification).data)
