from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer
from tenants.webhooks.models import Attempt, Delivery, Subscription


class SubscriptionSerializer(ModelSerializer):
    """Webhook 订阅（签名密钥只在创建和轮换时返回一次）"""

    has_previous_secret = serializers.SerializerMethodField(label="旧密钥仍在宽限期内签名")

    class Meta:
        model = Subscription
        fields = ["id", "url", "description", "event_types", "is_active", "consecutive_failures", "disabled_at",
                  "disabled_reason", "previous_secret_expires_at", "has_previous_secret", "created_by", "created_at"]
        read_only_fields = fields

    def get_has_previous_secret(self, subscription) -> bool:
        from django.utils import timezone

        expires = subscription.previous_secret_expires_at
        return bool(subscription.previous_secret_encrypted and expires and expires > timezone.now())


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    """Webhook 订阅及其签名密钥（whsec_…，只显示这一次，请妥善保存）"""

    secret = serializers.CharField(read_only=True, label="签名密钥（只显示这一次）")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInputSerializer(Serializer):
    url = serializers.CharField(label="回调地址（http:// 或 https://）", max_length=500)
    event_types = serializers.ListField(child=serializers.CharField(max_length=60), label="事件类型",
                                        allow_empty=True)
    description = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(label="启用", required=False, default=True)


class SubscriptionPatchSerializer(Serializer):
    url = serializers.CharField(label="回调地址（http:// 或 https://）", max_length=500, required=False)
    event_types = serializers.ListField(child=serializers.CharField(max_length=60), label="事件类型",
                                        allow_empty=True, required=False)
    description = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(label="启用（重新启用会清零连续失败次数）", required=False)


class EventTypeSerializer(Serializer):
    type = serializers.CharField(label="事件类型")
    label = serializers.CharField(label="名称")


class AttemptSerializer(ModelSerializer):
    """一次投递尝试"""

    class Meta:
        model = Attempt
        fields = ["at", "status_code", "response_ms", "error", "manual"]
        read_only_fields = fields


class DeliverySerializer(ModelSerializer):
    """投递记录：状态码、响应时间、错误与尝试次数"""

    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True, label="投递结果名称")
    attempt_log = AttemptSerializer(many=True, read_only=True, label="尝试记录（最近的在前）")

    class Meta:
        model = Delivery
        fields = ["id", "message_id", "event_type", "outcome", "outcome_label", "attempts", "next_attempt_at",
                  "last_status_code", "last_response_ms", "last_error", "created_at", "delivered_at", "body",
                  "attempt_log"]
        read_only_fields = fields
