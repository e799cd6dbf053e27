from rest_framework import serializers

from api.listed import ListedRows
from api.serializers import ModelSerializer, Serializer

from shared.circulars.models import Circular, CircularItem, ItemReport


class CircularItemSerializer(ModelSerializer):
    """通知要点"""

    class Meta:
        model = CircularItem
        fields = ["id", "order", "section_number", "section_title", "number", "title", "body", "due_on"]
        list_serializer_class = ListedRows


class CircularSerializer(ModelSerializer):
    """通知"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    items = CircularItemSerializer(many=True, read_only=True, label="要点")

    class Meta:
        model = Circular
        fields = ["id", "title", "doc_number", "issuer", "issued_on", "status", "status_label", "published_at",
                  "calendar", "items"]
        read_only_fields = fields


class PointInputSerializer(Serializer):
    section = serializers.CharField(label="章节序号（如 一）", max_length=8, required=False, allow_blank=True,
                                    default="")
    title = serializers.CharField(label="要点", max_length=2000)
    body = serializers.CharField(label="内容", max_length=10000, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(label="完成期限", required=False, allow_null=True, default=None)


class CircularInputSerializer(Serializer):
    """新建通知"""

    title = serializers.CharField(label="标题", max_length=300)
    doc_number = serializers.CharField(label="文号", max_length=60, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(label="发文单位", max_length=100, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(label="成文日期", required=False, allow_null=True, default=None)
    items = PointInputSerializer(label="要点", many=True, allow_empty=False)


class ImportedPointSerializer(Serializer):
    section_number = serializers.CharField(label="章节序号", max_length=8, required=False, allow_blank=True,
                                           default="")
    section_title = serializers.CharField(label="章节标题", max_length=300, required=False, allow_blank=True,
                                          default="")
    number = serializers.CharField(label="序号", max_length=8, required=False, allow_blank=True, default="")
    title = serializers.CharField(label="要点", max_length=2000)
    body = serializers.CharField(label="内容", max_length=10000, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(label="完成期限", required=False, allow_null=True, default=None)


class ImportedMonthSerializer(Serializer):
    month = serializers.CharField(label="月份（如 3月、七-八月）", max_length=20)
    tasks = serializers.ListField(child=serializers.CharField(max_length=500), label="工作安排", required=False,
                                  default=list, max_length=50)


class ImportSerializer(Serializer):
    """工作要点导入（保存时可先更正解析结果）"""

    text = serializers.CharField(label="通知全文", trim_whitespace=False, max_length=200_000)
    dry_run = serializers.BooleanField(label="只解析不保存", default=True)
    title = serializers.CharField(label="标题（更正解析结果；不传则用解析结果）", max_length=300, required=False)
    doc_number = serializers.CharField(label="文号（更正）", max_length=60, required=False, allow_blank=True)
    issuer = serializers.CharField(label="发文单位（更正）", max_length=100, required=False, allow_blank=True)
    issued_on = serializers.DateField(label="成文日期（更正；null 表示无）", required=False, allow_null=True)
    items = ImportedPointSerializer(label="要点（更正后的全部要点；不传则用解析结果）", many=True, required=False,
                                    allow_empty=False)
    calendar = ImportedMonthSerializer(label="行事历（更正后的全部月份；不传则用解析结果，空列表表示无）", many=True,
                                       required=False)


class ParsedItemSerializer(Serializer):
    number = serializers.CharField(allow_null=True, label="序号")
    title = serializers.CharField(label="要点")
    body = serializers.CharField(allow_blank=True, label="内容")


class ParsedSectionSerializer(Serializer):
    number = serializers.CharField(label="章节序号")
    title = serializers.CharField(label="章节标题")
    items = ParsedItemSerializer(many=True)


class ParsedMonthSerializer(Serializer):
    month = serializers.CharField(label="月份")
    months = serializers.ListField(child=serializers.IntegerField(), label="月份（数字）")
    tasks = serializers.ListField(child=serializers.CharField(), label="工作")


class ParsedSerializer(Serializer):
    """解析结果"""

    title = serializers.CharField(allow_null=True)
    plan_title = serializers.CharField(allow_null=True, label="要点标题")
    doc_number = serializers.CharField(allow_null=True, label="文号")
    issuer = serializers.CharField(allow_null=True, label="发文单位")
    issued_on = serializers.DateField(allow_null=True, label="成文日期（无法确定时为 null）")
    sections = ParsedSectionSerializer(many=True)
    calendar = ParsedMonthSerializer(many=True)
    circular = serializers.IntegerField(required=False, label="保存的草稿通知编号（dry_run 为 false 时）")


class PublishSerializer(Serializer):
    """发布"""

    schools = serializers.ListField(child=serializers.SlugField(), label="学校站点标识（不传则发给全部学校）",
                                    required=False, allow_empty=False)


class AcknowledgementSerializer(Serializer):
    """签收"""

    acknowledged_at = serializers.DateTimeField(label="签收时间")
    acknowledged_by = serializers.CharField(label="签收人")


class ItemReportSerializer(ModelSerializer):
    """落实情况"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="进展")

    class Meta:
        model = ItemReport
        fields = ["id", "item", "status", "status_label", "text", "updated_by", "updated_at"]
        read_only_fields = ["updated_by", "updated_at"]
        validators = []


class MatrixItemSerializer(Serializer):
    id = serializers.IntegerField(label="要点编号")
    section = serializers.CharField(label="所属部分序号", allow_blank=True)
    number = serializers.CharField(label="要点序号", allow_blank=True)
    title = serializers.CharField(label="要点")
    code = serializers.CharField(label="简称（如 一·1）")
    due_on = serializers.DateField(label="完成期限", allow_null=True)


class MatrixSchoolSerializer(Serializer):
    school = serializers.CharField(label="学校站点标识")
    school_name = serializers.CharField(label="学校")
    acknowledged_at = serializers.DateTimeField(label="签收时间", allow_null=True)
    acknowledged_by = serializers.CharField(label="签收人", allow_blank=True)
    done = serializers.IntegerField(label="已完成的要点数")
    items = serializers.DictField(label="各要点落实状态（键为要点编号；未报告为 null）",
                                  child=serializers.ChoiceField(choices=ItemReport.Status.choices, allow_null=True))


class MatrixSerializer(Serializer):
    """落实情况矩阵：学校 × 要点"""

    items = MatrixItemSerializer(many=True, label="要点")
    schools = MatrixSchoolSerializer(many=True, label="学校")
