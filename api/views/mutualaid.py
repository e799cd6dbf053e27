"""The API of mutual-aid schemes, enrolment and claims (issue #10).

Who: the union office (union_admin) and the 帮扶专干 (care_officer) run everything; everyone of the
school reads the schemes that have opened and their categories; a member sees and files only their
own enrolments and claims (another's is a 404, like another school's).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import download
from api.filters import IdFilter, YearFilter, YesNoFilter
from api.params import validated
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from api.serializers.mutualaid import (
    AidCategoryInputSerializer,
    AidCategorySerializer,
    AidClaimInputSerializer,
    AidClaimSerializer,
    AidDocumentSerializer,
    AidEnrolAllResultSerializer,
    AidEnrolInputSerializer,
    AidEnrolmentSerializer,
    AidFeesBookedSerializer,
    AidImportRejectedSerializer,
    AidImportResultSerializer,
    AidNoteSerializer,
    AidReasonSerializer,
    AidSchemeEditSerializer,
    AidSchemeFiguresSerializer,
    AidSchemeInputSerializer,
    AidSchemeRefSerializer,
    AidSchemeSerializer,
)
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.mutualaid import services as s
from tenants.mutualaid.models import Category, Claim, Enrolment, Scheme
from tenants.mutualaid.selectors import (
    claims_listed,
    claims_visible_to,
    enrolments_listed,
    enrolments_visible_to,
    scheme_figures,
    schemes_visible_to,
)

AidOffice = role_required(Role.UNION_ADMIN, Role.CARE_OFFICER)
TAGS = ["互助保障"]


class SchemeFilter(filters.FilterSet):
    year = YearFilter(field_name="year", help_text="年度")

    class Meta:
        model = Scheme
        fields = ["status"]


class CategoryFilter(filters.FilterSet):
    scheme = IdFilter(field_name="scheme_id", help_text="计划编号")

    class Meta:
        model = Category
        fields = ["mode"]


class EnrolmentFilter(filters.FilterSet):
    scheme = IdFilter(field_name="scheme_id", help_text="计划编号")
    member = IdFilter(field_name="member_id", help_text="会员编号")
    branch = IdFilter(field_name="member__branch_id", help_text="分工会编号")
    fees_booked = YesNoFilter(lookup="fees_entry__isnull", negate_lookup_value=True, help_text="缴费是否已入账")
    employee_number = filters.CharFilter(field_name="member__employee_number", max_length=30, help_text="工号")

    class Meta:
        model = Enrolment
        fields = ["via"]


class ClaimFilter(filters.FilterSet):
    scheme = IdFilter(field_name="enrolment__scheme_id", help_text="计划编号")
    member = IdFilter(field_name="enrolment__member_id", help_text="会员编号")
    category = IdFilter(field_name="category_id", help_text="类别编号")
    capped = YesNoFilter(lookup="capped", help_text="是否因年度上限核减")

    class Meta:
        model = Claim
        fields = ["status"]


class ReadForAllWriteForOffice:
    def get_permissions(self):
        return [IsAuthenticated()] if self.action in ("list", "retrieve") else [AidOffice()]


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary="互助保障计划列表", description="校工会和帮扶专干看到全部（含草稿）；其他人看到已开始参保的计划。"),
    retrieve=extend_schema(summary="计划详情"),
    create=extend_schema(summary="新建计划（草稿）", request=AidSchemeInputSerializer, responses={201: AidSchemeSerializer}),
    partial_update=extend_schema(summary="修改计划（仅草稿）", request=AidSchemeEditSerializer, responses=AidSchemeSerializer),
)
class SchemeViewSet(ReadForAllWriteForOffice, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Scheme.objects.none()
    serializer_class = AidSchemeSerializer
    filterset_class = SchemeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return schemes_visible_to(self.request.user).annotate(enrolled=Count("enrolments"))

    def _answer(self, scheme, code=status.HTTP_200_OK):
        return Response(AidSchemeSerializer(self.base_queryset().get(pk=scheme.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        return self._answer(s.scheme_create(by=request.user, **validated(request, AidSchemeInputSerializer)),
                            status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = AidSchemeEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._answer(s.scheme_update(scheme=self.get_object(), by=request.user, **serializer.validated_data))

    def _move(self, request, step):
        return self._answer(s.scheme_move(scheme=self.get_object(), by=request.user, action=step,
                                          reason=validated(request, AidNoteSerializer)["note"]))

    @extend_schema(summary="开始参保（草稿 → 参保中；须已设给付类别）", request=AidNoteSerializer, responses=AidSchemeSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self._move(request, "open")

    @extend_schema(summary="进入保障期（参保中 → 保障中，可申请互助金）", request=AidNoteSerializer, responses=AidSchemeSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._move(request, "start")

    @extend_schema(summary="结束（保障中 → 已结束）", request=AidNoteSerializer, responses=AidSchemeSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._move(request, "end")

    @extend_schema(summary="参保与给付统计", responses=AidSchemeFiguresSerializer)
    @action(detail=True, methods=["get"], permission_classes=[AidOffice])
    def figures(self, request, pk=None):
        return Response(AidSchemeFiguresSerializer(scheme_figures(self.get_object())).data)

    @extend_schema(summary="缴费入账：把尚未入账的参保缴费记为一笔“其他收入”（待审批）",
                   description="没有尚未入账的缴费时不记账（entry 为 null），重复调用不会重复记账。",
                   request=None, responses=AidFeesBookedSerializer)
    @action(detail=True, methods=["post"], url_path="book-fees")
    def book_fees(self, request, pk=None):
        entry = s.fees_book(scheme=self.get_object(), by=request.user)
        answer = ({"entry": None, "amount": None, "detail": "没有尚未入账的缴费。"} if entry is None else
                  {"entry": entry.pk, "amount": entry.amount, "detail": "已记入账簿，等待审批。"})
        return Response(AidFeesBookedSerializer(answer).data)

    @extend_schema(summary="状态变更记录", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, permission_classes=[AidOffice])
    def history(self, request, pk=None):
        records = audit_records(target_type="mutualaid.scheme", target_id=str(self.get_object().pk))
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary="给付类别列表"), retrieve=extend_schema(summary="给付类别详情"),
    create=extend_schema(summary="新建给付类别（仅草稿计划）", request=AidCategoryInputSerializer,
                         responses={201: AidCategorySerializer}),
)
class CategoryViewSet(ReadForAllWriteForOffice, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, SchoolViewSet):
    queryset = Category.objects.none()
    serializer_class = AidCategorySerializer
    filterset_class = CategoryFilter

    def base_queryset(self):
        return Category.objects.filter(scheme__in=schemes_visible_to(self.request.user)).order_by("scheme_id", "id")

    def create(self, request, *args, **kwargs):
        data = validated(request, AidCategoryInputSerializer)
        scheme = data.pop("scheme")
        category = s.category_create(scheme=scheme, by=request.user, **data)
        return Response(AidCategorySerializer(category).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary="参保记录列表", description="会员只看到本人的参保记录。"),
    retrieve=extend_schema(summary="参保记录详情"),
    create=extend_schema(summary="参保登记（校工会为会员登记；会员在参保期内为本人参保，不填 member）",
                         request=AidEnrolInputSerializer, responses={201: AidEnrolmentSerializer}),
)
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = Enrolment.objects.none()
    serializer_class = AidEnrolmentSerializer
    filterset_class = EnrolmentFilter
    permission_classes = [IsAuthenticated]

    def base_queryset(self):
        user = self.request.user
        rows = enrolments_listed(user) if self.action == "list" else enrolments_visible_to(user)
        return rows.order_by("scheme_id", "id")

    def get_permissions(self):
        if self.action in ("enrol_all", "import_sheet"):
            return [AidOffice()]
        return super().get_permissions()

    def create(self, request, *args, **kwargs):
        data = validated(request, AidEnrolInputSerializer)
        scheme = self._scheme(data["scheme"])
        enrolment = s.enrol(scheme=scheme, by=request.user, member=data["member"])
        return Response(AidEnrolmentSerializer(self.base_queryset().get(pk=enrolment.pk)).data,
                        status=status.HTTP_201_CREATED)

    def _scheme(self, scheme):
        if not schemes_visible_to(self.request.user).filter(pk=scheme.pk).exists():
            raise ValidationError({"scheme": "没有这个计划。"})
        return scheme

    @extend_schema(summary="全员参保：为所有尚未参保的在会会员登记", request=AidSchemeRefSerializer,
                   responses=AidEnrolAllResultSerializer)
    @action(detail=False, methods=["post"], url_path="enrol-all")
    def enrol_all(self, request):
        scheme = validated(request, AidSchemeRefSerializer)["scheme"]
        return Response({"added": s.enrol_all(scheme=scheme, by=request.user)})

    @extend_schema(
        summary="按表格导入参保（.xlsx，须有“工号”列；任何一行有错则全部不导入）",
        description="preview=true 时只检查、不登记。有错误时 400，problems 列出每行的行号、列和原因。",
        request={"multipart/form-data": {"type": "object", "required": ["scheme", "file"], "properties": {
            "scheme": {"type": "integer"}, "file": {"type": "string", "format": "binary"},
            "preview": {"type": "boolean"}}}},
        responses={200: AidImportResultSerializer,
                   400: OpenApiResponse(AidImportRejectedSerializer,
                                        description="有错误时一人也不登记，返回每个错误的行号、列名和原因")})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_sheet(self, request):
        ref = AidSchemeRefSerializer(data={"scheme": request.data.get("scheme")})
        ref.is_valid(raise_exception=True)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "请选择要导入的 .xlsx 文件（字段名 file）。"})
        preview = str(request.data.get("preview", "")).lower() in ("true", "1", "yes")
        try:
            members = s.enrol_import(scheme=ref.validated_data["scheme"], by=request.user, fileobj=upload,
                                     preview=preview)
        except s.ImportRejected as rejected:
            return Response({"detail": f"表格有 {len(rejected.problems)} 处错误，未登记任何人。",
                             "problems": rejected.problems}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"preview": preview, "rows": len(members),
                         "members": [f"{m.name} {m.employee_number}" for m in members]})


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary="互助金申请列表", description="会员只看到本人的申请。"),
    retrieve=extend_schema(summary="互助金申请详情（含按类别计算的金额、剩余年度额度、申请材料）"),
    create=extend_schema(summary="申请互助金（校工会代会员申请；会员为本人申请，不填 member）",
                         request=AidClaimInputSerializer, responses={201: AidClaimSerializer}),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = Claim.objects.none()
    serializer_class = AidClaimSerializer
    filterset_class = ClaimFilter
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created", "eligible_costs", "approved_amount"]

    def base_queryset(self):
        if self.action == "list":
            return claims_listed(self.request.user).order_by("-created", "-id")
        return claims_visible_to(self.request.user).prefetch_related("documents").order_by("-created", "-id")

    def _answer(self, claim, code=status.HTTP_200_OK):
        return Response(AidClaimSerializer(self.base_queryset().get(pk=claim.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = validated(request, AidClaimInputSerializer)
        if not schemes_visible_to(request.user).filter(pk=data["scheme"].pk).exists():
            raise ValidationError({"scheme": "没有这个计划。"})
        return self._answer(s.claim_file(by=request.user, **data), status.HTTP_201_CREATED)

    def _act(self, request, step, serializer_class=None):
        data = validated(request, serializer_class) if serializer_class else {}
        return self._answer(s.claim_act(claim=self.get_object(), by=request.user, action=step, **data))

    @extend_schema(summary="初审通过（待初审 → 待核准）", request=AidNoteSerializer, responses=AidClaimSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._act(request, "review", AidNoteSerializer)

    @extend_schema(summary="核准：按类别计算金额，超过该会员年度剩余额度时核减到剩余额度",
                   description="年度额度已用完时 409。", request=AidNoteSerializer, responses=AidClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, "approve", AidNoteSerializer)

    @extend_schema(summary="支付：在账簿中记一笔“维权支出”（待审批）", request=None, responses=AidClaimSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._act(request, "pay")

    @extend_schema(summary="不予给付（须填原因）", request=AidReasonSerializer, responses=AidClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(request, "reject", AidReasonSerializer)

    @extend_schema(summary="办理过程（每一次状态变更）", responses=AuditRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        records = audit_records(target_type="mutualaid.claim", target_id=str(self.get_object().pk),
                                action="transition")
        return self.paginated(records.order_by("at", "id"), AuditRecordSerializer)

    @extend_schema(summary="上传申请材料（申请人本人或校工会，初审与核准前）",
                   request={"multipart/form-data": {"type": "object", "required": ["file"], "properties": {
                       "file": {"type": "string", "format": "binary"}}}},
                   responses={201: AidDocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "请选择要上传的文件（字段名 file）。"})
        document = s.claim_attach(claim=self.get_object(), by=request.user, upload=upload)
        return Response(AidDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载申请材料", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)")
    def document_download(self, request, pk=None, document_id=None):
        return download(self.get_object().documents, document_id)


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("mutual-aid/schemes", SchemeViewSet, basename="aid-scheme")
    router.register("mutual-aid/categories", CategoryViewSet, basename="aid-category")
    router.register("mutual-aid/enrolments", EnrolmentViewSet, basename="aid-enrolment")
    router.register("mutual-aid/claims", ClaimViewSet, basename="aid-claim")
