"""Circulars: the province imports and publishes; each school acknowledges and reports item by item."""
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.files import XLSX, xlsx_response
from api.filters import CircularFilter
from api.params import validated
from api.permissions import ProvinceAdmin, UnionAdmin
from api.scoping import current_school
from api.serializers.circulars import (
    MatrixSerializer,
    AcknowledgementSerializer,
    CircularInputSerializer,
    CircularSerializer,
    ImportSerializer,
    ItemReportSerializer,
    ParsedSerializer,
    PublishSerializer,
)
from shared.circulars import export
from shared.circulars import services as s
from shared.circulars.models import Circular, CircularItem, ItemReport
from shared.circulars.selectors import circulars_listed


def circulars_queryset(action=None):
    if action == "list":
        return circulars_listed(Circular.objects.all())
    return Circular.objects.prefetch_related(Prefetch("items", queryset=CircularItem.objects.order_by("order")))


@extend_schema(tags=["通知与工作要点（省级）"])
@extend_schema_view(list=extend_schema(summary="通知列表"), retrieve=extend_schema(summary="通知详情"),
                    create=extend_schema(summary="新建通知（草稿）", request=CircularInputSerializer,
                                         responses={201: CircularSerializer}))
class ProvinceCircularViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              ProvinceViewSet):
    queryset = circulars_queryset()
    serializer_class = CircularSerializer
    filterset_class = CircularFilter

    def base_queryset(self):
        return circulars_queryset(self.action)

    # Like the circulars pages (web/province/circulars.py): the provincial admin only.
    permission_classes = [ProvinceAdmin]

    def create(self, request, *args, **kwargs):
        data = validated(request, CircularInputSerializer)
        circular = s.circular_create(by=request.user, **data)
        return Response(CircularSerializer(self.get_queryset().get(pk=circular.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="导入工作要点通知（文本）", request=ImportSerializer, responses={200: ParsedSerializer,
                                                                                      201: ParsedSerializer},
                   description="把通知全文解析为文号、发文单位、成文日期、章节与要点、行事历。dry_run 为 true 时只返回解析结果；"
                               "为 false 时同时保存为草稿通知（201），此时可用 title、doc_number、issuer、issued_on、items、calendar "
                               "更正解析结果（items 为更正后的全部要点，calendar 为更正后的行事历；某条有误时错误键为 "
                               "items.<序号>.<字段> 或 calendar.<序号>.<字段>，序号从 0 起）。"
                               "不是工作要点通知的文本答 400 并说明原因。")
    @action(detail=False, methods=["post"], url_path="import")
    def import_text(self, request):
        data = validated(request, ImportSerializer)
        text, dry_run = data.pop("text"), data.pop("dry_run")
        parsed = s.work_points_read(text=text)
        if dry_run:
            return Response(parsed)
        circular = s.circular_import(by=request.user, text=text, **data)
        return Response({**parsed, "circular": circular.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="发布给全部或指定学校", request=PublishSerializer, responses=CircularSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = validated(request, PublishSerializer)
        s.circular_publish(circular=self.get_object(), by=request.user,
                           school_slugs=data.get("schools"))
        return Response(CircularSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="落实情况矩阵：学校 × 要点", responses=MatrixSerializer)
    @action(detail=True, methods=["get"])
    def matrix(self, request, pk=None):
        return Response(s.circular_matrix(self.get_object()))

    @extend_schema(summary="导出落实情况矩阵（.xlsx）", responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="matrix/export")
    def matrix_export(self, request, pk=None):
        circular = self.get_object()
        return xlsx_response(export.matrix_workbook(circular), export.file_name(circular))


@extend_schema(tags=["通知与工作要点"])
@extend_schema_view(list=extend_schema(summary="收到的通知"), retrieve=extend_schema(summary="通知详情"))
class SchoolCircularViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Only circulars sent to this school (through its recipient row)."""

    queryset = Circular.objects.all()
    school_field = "recipients__school"
    serializer_class = CircularSerializer
    permission_classes = [IsAuthenticated]

    def base_queryset(self):
        return circulars_queryset(self.action).filter(status=Circular.Status.PUBLISHED)

    @extend_schema(summary="签收", request=None, responses=AcknowledgementSerializer)
    @action(detail=True, methods=["post"], permission_classes=[UnionAdmin])
    def acknowledge(self, request, pk=None):
        recipient = s.circular_acknowledge(circular=self.get_object(), school=current_school(request), by=request.user)
        return Response(AcknowledgementSerializer(recipient).data)

    @extend_schema(methods=["GET"], summary="本校各要点的落实情况", responses=ItemReportSerializer(many=True))
    @extend_schema(methods=["POST"], summary="填报一项要点的落实情况", request=ItemReportSerializer,
                   responses={201: ItemReportSerializer})
    @action(detail=True, methods=["get", "post"], permission_classes=[UnionAdmin])
    def reports(self, request, pk=None):
        circular, school = self.get_object(), current_school(request)
        if request.method == "POST":
            data = validated(request, ItemReportSerializer)
            item = get_object_or_404(circular.items, pk=data["item"].pk)
            report = s.item_report(item=item, school=school, by=request.user,
                                   status=data["status"],
                                   text=data.get("text", ""))
            return Response(ItemReportSerializer(report).data, status=status.HTTP_201_CREATED)
        rows = ItemReport.objects.filter(item__circular=circular).order_by("item__order")
        return self.paginated(rows, ItemReportSerializer, school_field="school")
