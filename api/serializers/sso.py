from rest_framework import serializers

from api.serializers import ModelSerializer
from tenants.sso.models import SsoSettings


class SsoSettingsSerializer(ModelSerializer):
    client_secret = serializers.CharField(
        label="OIDC 客户端密钥", write_only=True, required=False, allow_blank=True, max_length=500,
        help_text="只写：不传则保留原密钥，传空字符串则清除；加密保存，不再返回。")
    has_client_secret = serializers.BooleanField(label="已设置客户端密钥", read_only=True)
    callback_urls = serializers.SerializerMethodField(label="在学校认证系统中登记的回调地址")

    class Meta:
        model = SsoSettings
        fields = ["protocol", "button_label", "cas_server_url", "oidc_issuer", "oidc_client_id", "oidc_scopes",
                  "match_by", "username_attribute", "employee_number_attribute", "name_attribute",
                  "unknown_identity", "client_secret", "has_client_secret", "callback_urls", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_callback_urls(self, obj) -> dict[str, str]:
        from web.school.sso import callback_urls

        return callback_urls(self.context["request"])
