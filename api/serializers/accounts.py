from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer

from tenants.accounts.models import User
from tenants.accounts.roles import Role


class TokenRequestSerializer(Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=128, style={"input_type": "password"},
                                     trim_whitespace=False)


class TokenSerializer(Serializer):
    token = serializers.CharField(label="令牌", read_only=True)


class RoleSerializer(Serializer):
    code = serializers.CharField(label="角色代码")
    label = serializers.CharField(label="角色名称")


class HostSerializer(Serializer):
    kind = serializers.ChoiceField(label="站点类型", choices=[("province", "省级"), ("school", "学校")])
    name = serializers.CharField(label="名称")
    slug = serializers.CharField(label="站点标识", allow_blank=True)


class MeSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField(label="角色")
    host = serializers.SerializerMethodField(label="所属站点")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "roles", "host"]

    def get_roles(self, user) -> list[dict]:
        return [{"code": role, "label": Role(role).label} for role in user.roles if role in Role.values]

    def get_host(self, user) -> dict:
        tenant = self.context["request"].tenant
        if tenant.is_province:
            return {"kind": "province", "name": tenant.name, "slug": ""}
        return {"kind": "school", "name": tenant.name, "slug": tenant.slug}


RoleSerializer.__doc__ = "角色"
HostSerializer.__doc__ = "站点"
MeSerializer.__doc__ = "当前用户"
