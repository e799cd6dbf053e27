from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer

from tenants.models import School


class SchoolSerializer(ModelSerializer):
    """学校"""

    domain = serializers.SerializerMethodField(label="域名")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类型名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")

    class Meta:
        model = School
        fields = ["id", "name", "short_name", "slug", "domain", "region", "kind", "kind_label",
                  "contact_name", "contact_phone", "status", "status_label", "created"]
        read_only_fields = fields

    def get_domain(self, school) -> str:
        primary = next((d for d in school.domains.all() if d.is_primary), None)
        return primary.domain if primary else ""


class SchoolCreateSerializer(Serializer):
    """开通学校"""

    name = serializers.CharField(label="学校名称", max_length=100)
    slug = serializers.CharField(label="站点标识", max_length=40,
                                 help_text="小写字母、数字和连字符，2-40 个字符；学校站点为 <slug>.<基础域名>")
    short_name = serializers.CharField(label="简称", max_length=40, required=False, allow_blank=True, default="")
    region = serializers.CharField(label="地区", max_length=40, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(label="类型", choices=School.Kind.choices, required=False,
                                   default=School.Kind.UNDERGRADUATE)
    contact_name = serializers.CharField(label="联系人", max_length=40, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(label="联系电话", max_length=30, required=False, allow_blank=True, default="")
    admin_username = serializers.CharField(label="首个管理员用户名", max_length=150, required=False, default="admin")
    admin_password = serializers.CharField(label="首个管理员密码", max_length=128, required=False,
                                           allow_blank=True, default="", trim_whitespace=False,
                                           help_text="不填则随机生成，并只在本次应答中返回一次")


class ProvisionedAdminSerializer(Serializer):
    username = serializers.CharField(label="用户名")
    password = serializers.CharField(label="初始密码（仅在随机生成时返回）", allow_null=True)


class ProvisionedSchoolSerializer(SchoolSerializer):
    """已开通的学校"""

    admin = serializers.SerializerMethodField(label="首个管理员")

    class Meta(SchoolSerializer.Meta):
        fields = SchoolSerializer.Meta.fields + ["admin"]
        read_only_fields = fields

    def get_admin(self, school) -> ProvisionedAdminSerializer:
        return self.context["admin"]


class SchoolUpdateSerializer(Serializer):
    """修改学校信息"""

    name = serializers.CharField(label="学校名称", max_length=100, required=False)
    short_name = serializers.CharField(label="简称", max_length=40, required=False, allow_blank=True)
    region = serializers.CharField(label="地区", max_length=40, required=False, allow_blank=True)
    kind = serializers.ChoiceField(label="类型", choices=School.Kind.choices, required=False)
    contact_name = serializers.CharField(label="联系人", max_length=40, required=False, allow_blank=True)
    contact_phone = serializers.CharField(label="联系电话", max_length=30, required=False, allow_blank=True)


class ReasonSerializer(Serializer):
    """操作原因"""

    reason = serializers.CharField(label="原因", max_length=500, required=False, allow_blank=True, default="")
