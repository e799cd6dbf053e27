from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer
from tenants.apikeys.models import DEFAULT_RATE_LIMIT, ApiKey
from tenants.apikeys.scopes import SCOPE_CHOICES, scope_label


class ApiKeySerializer(ModelSerializer):
    """API 密钥（不含密钥本身：它只在创建时显示一次）"""

    state = serializers.CharField(source="state_label", read_only=True, label="当前状态（有效/已过期/已撤销）")
    scope_labels = serializers.SerializerMethodField(label="权限范围（中文）")
    created_by_name = serializers.SerializerMethodField(label="创建人")

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "scopes", "scope_labels", "expires_at", "rate_limit", "status", "state",
                  "created_by_name", "created_at", "revoked_at", "last_used_at", "last_used_ip"]
        read_only_fields = fields

    def get_scope_labels(self, obj) -> list[str]:
        return [scope_label(s) for s in obj.scopes]

    def get_created_by_name(self, obj) -> str:
        return str(obj.created_by) if obj.created_by else ""


class ApiKeyCreatedSerializer(ApiKeySerializer):
    """新建的 API 密钥：key 为完整密钥，只在这一次答复中出现，请立即保存"""

    key = serializers.CharField(read_only=True, label="完整密钥（只显示这一次）")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiKeyInputSerializer(Serializer):
    """新建 API 密钥"""

    name = serializers.CharField(label="名称", max_length=60)
    scopes = serializers.ListField(label="权限范围（<区域>:read 只读，<区域>:write 读写）",
                                   child=serializers.ChoiceField(choices=SCOPE_CHOICES), allow_empty=False,
                                   max_length=40)
    expires_at = serializers.DateTimeField(label="到期时间")
    rate_limit = serializers.IntegerField(label="每分钟请求上限", min_value=1, max_value=6000,
                                          default=DEFAULT_RATE_LIMIT)


class ApiKeyRevokeSerializer(Serializer):
    reason = serializers.CharField(label="原因", required=False, allow_blank=True, max_length=200, default="")
