"""The API of issue #12's notices area (通知公告).

- GET notices/: a member lists the published notices addressed to them; the union office every
  notice; a branch chair their own notices and those sent to their branch; ?status=, ?unread=1.
- GET notices/{id}/ reads a notice without marking it read; POST notices/{id}/read/ marks it read
  (for a recipient; idempotent — the first time stays).
- POST notices/ (office or chair: draft, or publish=true), POST {id}/publish/, {id}/withdraw/
  (reason), {id}/remind/ (409 within an hour), POST {id}/attachments/ (multipart, draft only),
  GET {id}/attachments/{file}/ (recipients, publisher, office).
- GET {id}/receipts/ (per branch) and {id}/recipients/ (per person, ?unread=1; phones masked):
  the publisher and the office; a chair for their branch only.
Another school's notices do not exist here (404).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import UPLOAD_REQUEST, download
from api.params import validated
from api.serializers.notices import (
    NoticeAttachmentSerializer,
    NoticeInputSerializer,
    NoticeSerializer,
    NoticeWithdrawInputSerializer,
    NoticeReceiptsSerializer,
    NoticeRecipientSerializer,
    NoticeRemindResultSerializer,
)
from tenants.notices import selectors as q
from tenants.notices import services as s
from tenants.notices.models import Notice, NoticeRecipient


class NoticeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Notice.Status.choices, help_text="状态")
    unread = filters.BooleanFilter(method="only_unread", help_text="只看我未读的（true）")

    class Meta:
        model = Notice
        fields = []

    def only_unread(self, rows, name, value):
        if not value:
            return rows
        return rows.filter(pk__in=q.unread_for(self.request.user).values("pk"))


class RecipientFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="只看未读（true）")

    class Meta:
        model = NoticeRecipient
        fields = []


@extend_schema(tags=["通知公告"])
@extend_schema_view(
    list=extend_schema(summary="通知列表（会员：发给自己的已发布通知；校工会：全部；分工会主席：本人发布及发往本分工会的）"),
    retrieve=extend_schema(summary="通知详情（不标记已读，见 read/）"),
    create=extend_schema(summary="撰写通知（publish=true 立即发布；分工会主席只能发往本分工会：400）",
                         request=NoticeInputSerializer, responses={201: NoticeSerializer}),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = Notice.objects.order_by("-published_at", "-id")
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def base_queryset(self):
        if self.action == "list":
            return (q.with_my_read_at(q.notices_listed_with_relations(self.request.user), self.request.user)
                    .order_by("-created_at", "-id"))
        return (q.with_my_read_at(q.notices_visible_to(self.request.user), self.request.user)
                .prefetch_related("branches", "groups__branch", "attachments").order_by("-created_at", "-id"))

    def create(self, request, *args, **kwargs):
        notice = s.notice_create(by=request.user, **validated(request, NoticeInputSerializer))
        return Response(self.get_serializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="发布草稿", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request, pk=None):
        return Response(self.get_serializer(s.notice_publish(notice=self.get_object(), by=request.user)).data)

    @extend_schema(summary="撤回（须填写原因；会员不再看到）", request=NoticeWithdrawInputSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        notice = s.notice_withdraw(notice=self.get_object(), by=request.user,
                                   **validated(request, NoticeWithdrawInputSerializer))
        return Response(self.get_serializer(notice).data)

    @extend_schema(summary="标记为已读（接收人；重复调用保持首次阅读时间）", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def read(self, request, pk=None):
        notice = self.get_object()
        receipt = s.notice_mark_read(notice=notice, by=request.user)
        if receipt is None:
            raise ValidationError({"notice": "您不是这条已发布通知的接收人。"})
        notice.my_read_at = receipt.read_at
        return Response(self.get_serializer(notice).data)

    @extend_schema(summary="提醒未读人员（一小时内只能提醒一次：409）", request=None, responses=NoticeRemindResultSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def remind(self, request, pk=None):
        return Response({"reminded": s.notice_remind(notice=self.get_object(), by=request.user)})

    def _receipt_scope(self, notice):
        scope = q.receipt_branches(notice, self.request.user)
        if not (scope is None or scope):
            raise Http404
        return scope

    @extend_schema(summary="阅读回执（合计与按分工会）", responses=NoticeReceiptsSerializer)
    @action(detail=True, methods=["get"], filterset_class=None)
    def receipts(self, request, pk=None):
        notice = self.get_object()
        per_branch = q.receipts_per_branch(notice, self._receipt_scope(notice))
        totals = q.receipt_totals(per_branch)
        return Response(NoticeReceiptsSerializer({"recipients": totals.recipients, "read": totals.read,
                                            "unread": totals.unread, "rate": totals.rate,
                                            "branches": per_branch}).data)

    @extend_schema(summary="阅读回执（按人员；?unread=true 只看未读；手机号脱敏）",
                   responses=NoticeRecipientSerializer(many=True),
                   parameters=[OpenApiParameter("unread", bool, description="只看未读（true）")])
    @action(detail=True, methods=["get"], filterset_class=None)
    def recipients(self, request, pk=None):
        notice = self.get_object()
        rows = q.recipients_in(notice, self._receipt_scope(notice))
        filterset = RecipientFilter(request.query_params, queryset=rows, request=request)
        if not filterset.is_valid():
            raise ValidationError({name: "；".join(errors) for name, errors in filterset.errors.items()})
        return self.paginated(filterset.qs, NoticeRecipientSerializer)

    @extend_schema(summary="上传附件（草稿阶段，发布人或校工会）", request=UPLOAD_REQUEST,
                   responses={201: NoticeAttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], filterset_class=None)
    def attachments(self, request, pk=None):
        attachment = s.notice_attach(notice=self.get_object(), by=request.user, upload=request.FILES.get("file"))
        return Response(NoticeAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载附件（接收人、发布人、校工会）",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)", filterset_class=None)
    def attachment_download(self, request, pk=None, attachment_id=None):
        notice = self.get_object()
        if not (s.manages(notice, request.user) or q.receipt_of(notice, request.user)):
            raise Http404
        return download(notice.attachments.all(), attachment_id)


def register(router) -> None:
    """Registers this area's viewsets on the school host's router."""
    router.register("notices", NoticeViewSet, basename="notice")
