from rest_framework import serializers

from api.listed import ListedRows
from api.serializers import Serializer


class SubmissionFileSerializer(Serializer):
    """附件"""

    id = serializers.IntegerField(label="编号")
    name = serializers.CharField(label="文件名")
    size = serializers.IntegerField(label="大小（字节）")
    uploaded_at = serializers.DateTimeField(label="上传时间")

    class Meta:
        list_serializer_class = ListedRows
