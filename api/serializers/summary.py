from rest_framework import serializers

from api.serializers import Serializer


class SummaryYearSerializer(Serializer):
    """一个可生成年度工作总结的年度"""

    year = serializers.IntegerField(read_only=True, label="年度")
    school_slug = serializers.CharField(read_only=True, label="站点标识（省级为空）")
    is_default = serializers.BooleanField(read_only=True, label="默认年度")
    figures = serializers.CharField(read_only=True, label="数据（JSON）地址")
    docx = serializers.CharField(read_only=True, label="初稿（.docx）地址")
