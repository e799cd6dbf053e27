from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ProvinceViewSet
from api.filters import SchoolFilter
from api.params import validated
from api.permissions import ProvinceAdmin
from api.serializers.schools import (
    ProvisionedSchoolSerializer,
    ReasonSerializer,
    SchoolCreateSerializer,
    SchoolSerializer,
    SchoolUpdateSerializer,
)
from tenants.models import Domain, School
from tenants.selectors import schools
from tenants.services import school_provision, school_transition, school_update



@extend_schema_view(
    list=extend_schema(summary="学校列表", description="可按 status、kind、region 过滤，search 搜索名称和站点标识。"),
    retrieve=extend_schema(summary="学校详情"),
    create=extend_schema(summary="开通学校", request=SchoolCreateSerializer,
                         responses={201: ProvisionedSchoolSerializer},
                         description="创建学校的数据库架构、域名 <slug>.<基础域名> 和首个校工会管理员。"
                                     "未提供密码时随机生成，只在本次应答中返回。"),
    partial_update=extend_schema(summary="修改学校信息", request=SchoolUpdateSerializer,
                                 responses=SchoolSerializer),
)
@extend_schema(tags=["学校"])
class SchoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, ProvinceViewSet):
    queryset = School.objects.none()
    serializer_class = SchoolSerializer
    lookup_field = "slug"
    search_fields = ["name", "short_name", "slug"]
    ordering_fields = ["slug", "name", "created"]
    filterset_class = SchoolFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    # The schools pages (web/province/schools.py) are the provincial admin's alone; so is their API.
    permission_classes = [ProvinceAdmin]

    def base_queryset(self):
        return schools().order_by("id").prefetch_related(
            Prefetch("domains", queryset=Domain.objects.order_by("id")))

    def create(self, request, *args, **kwargs):
        data = validated(request, SchoolCreateSerializer)
        result = school_provision(by=request.user, **{**data, "admin_password": data["admin_password"] or None})
        school = self.get_queryset().get(pk=result.school.pk)
        admin = {"username": result.admin_username, "password": result.admin_password}
        body = ProvisionedSchoolSerializer(school, context={"admin": admin}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        data = validated(request, SchoolUpdateSerializer)
        school = school_update(school=self.get_object(), by=request.user, **data)
        return Response(SchoolSerializer(school).data)

    def _transition(self, request, name):
        data = validated(request, ReasonSerializer)
        school = school_transition(school=self.get_object(), action=name, by=request.user,
                                   reason=data["reason"])
        return Response(SchoolSerializer(self.get_queryset().get(pk=school.pk)).data)

    @extend_schema(summary="停用学校", request=ReasonSerializer, responses=SchoolSerializer,
                   description="停用后该校站点对所有请求答 403「该校账户已停用」，令牌随之失效。必须填写原因。")
    @action(detail=True, methods=["post"])
    def suspend(self, request, slug=None):
        return self._transition(request, "suspend")

    @extend_schema(summary="恢复学校", request=ReasonSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, slug=None):
        return self._transition(request, "activate")

    @extend_schema(summary="归档学校", request=ReasonSerializer, responses=SchoolSerializer,
                   description="导出该校数据库架构为 SQL 文件并停止服务；删除架构须运行 drop_archived_school 命令。")
    @action(detail=True, methods=["post"])
    def archive(self, request, slug=None):
        return self._transition(request, "archive")
