from django.core.exceptions import ValidationError
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import XLSX, xlsx_response
from api.filters import ApplicationFilter, GroupFilter, MemberFilter
from api.params import validated
from api.permissions import UnionAdmin
from api.serializers.members import (
    ApplicationInputSerializer,
    ApplicationSerializer,
    BranchSerializer,
    DecisionSerializer,
    DepartmentSerializer,
    GroupSerializer,
    IdNumberSerializer,
    ImportRejectedSerializer,
    ImportResultSerializer,
    MemberSerializer,
    MemberWriteSerializer,
    StatusChangeInputSerializer,
    StatusChangeSerializer,
)
from tenants.members import roster
from tenants.members.models import Branch, Department, Group, Member, MembershipApplication
from tenants.members.selectors import (
    applications_listed,
    applications_visible_to,
    branches_with_counts,
    departments_listed,
    members_listed,
    members_visible_to,
)
from tenants.members.services import (
    application_decide,
    application_submit,
    branch_create,
    branch_update,
    department_create,
    department_set_handlers,
    group_create,
    member_change_status,
    member_create,
    member_reveal_id_number,
    member_update,
)



class ReadForAllWriteForUnionAdmin:
    def get_permissions(self):
        return [IsAuthenticated()] if self.action in ("list", "retrieve") else [UnionAdmin()]


@extend_schema(tags=["组织"])
@extend_schema_view(list=extend_schema(summary="分工会列表"), retrieve=extend_schema(summary="分工会详情"),
                    create=extend_schema(summary="新建分工会"), partial_update=extend_schema(summary="修改分工会"))
class BranchViewSet(ReadForAllWriteForUnionAdmin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Branch.objects.none()
    serializer_class = BranchSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    search_fields = ["name"]

    def base_queryset(self):
        return branches_with_counts()

    def perform_create(self, serializer):
        serializer.instance = branch_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = branch_update(branch=serializer.instance, by=self.request.user,
                                            **serializer.validated_data)


@extend_schema(tags=["组织"])
@extend_schema_view(list=extend_schema(summary="工会小组列表"),
                    retrieve=extend_schema(summary="工会小组详情"), create=extend_schema(summary="新建工会小组"))
class GroupViewSet(ReadForAllWriteForUnionAdmin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.CreateModelMixin, SchoolViewSet):
    queryset = Group.objects.select_related("branch").order_by("branch_id", "id")
    serializer_class = GroupSerializer
    filterset_class = GroupFilter

    def perform_create(self, serializer):
        serializer.instance = group_create(by=self.request.user, **serializer.validated_data)


@extend_schema(tags=["组织"])
@extend_schema_view(list=extend_schema(summary="承办部门列表"), retrieve=extend_schema(summary="承办部门详情"),
                    create=extend_schema(summary="新建承办部门"),
                    partial_update=extend_schema(summary="修改承办部门经办人"))
class DepartmentViewSet(ReadForAllWriteForUnionAdmin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Department.objects.prefetch_related("handlers").order_by("id")
    serializer_class = DepartmentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    search_fields = ["name"]

    def base_queryset(self):
        return departments_listed() if self.action == "list" else self.queryset.all()

    def perform_create(self, serializer):
        serializer.instance = department_create(by=self.request.user, name=serializer.validated_data["name"],
                                                handlers=serializer.validated_data.get("handlers", []))

    def perform_update(self, serializer):
        serializer.instance = department_set_handlers(
            department=serializer.instance, by=self.request.user,
            handlers=serializer.validated_data.get("handlers", list(serializer.instance.handlers.all())))


@extend_schema(tags=["会员"])
@extend_schema_view(
    list=extend_schema(summary="会员列表",
                       description="校工会管理员看到全部会员，分工会主席看到本分工会会员，其他人只看到自己。"
                                   "手机号和身份证号一律遮蔽。"),
    retrieve=extend_schema(summary="会员详情"),
    create=extend_schema(summary="新增会员", request=MemberWriteSerializer, responses={201: MemberSerializer}),
    partial_update=extend_schema(summary="修改会员", request=MemberWriteSerializer, responses=MemberSerializer),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, SchoolViewSet):
    queryset = Member.objects.none()  # for the schema; base_queryset decides what a user sees
    serializer_class = MemberSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = MemberFilter
    ordering_fields = ["name", "employee_number", "join_date"]

    def get_permissions(self):
        # Reading follows get_queryset (members see themselves, chairs their branch); writing is the office's.
        readable = ("list", "retrieve", "status_changes")
        return [IsAuthenticated()] if self.action in readable else [UnionAdmin()]

    def base_queryset(self):
        members = members_visible_to(self.request.user)
        return members_listed(members) if self.action == "list" else members

    def create(self, request, *args, **kwargs):
        data = self._write_data(request, creating=True)
        member = member_create(by=request.user, **data)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        member = member_update(member=self.get_object(), by=request.user, **self._write_data(request))
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)

    @staticmethod
    def _write_data(request, creating=False):
        serializer = MemberWriteSerializer(data=request.data, context={"creating": creating})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _status(self, request, name):
        data = validated(request, StatusChangeInputSerializer)
        member = member_change_status(member=self.get_object(), action=name, by=request.user,
                                      **data)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(summary="转出", request=StatusChangeInputSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="transfer-out")
    def transfer_out(self, request, pk=None):
        return self._status(request, "transfer_out")

    @extend_schema(summary="转入（恢复在会）", request=StatusChangeInputSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="transfer-in")
    def transfer_in(self, request, pk=None):
        return self._status(request, "transfer_in")

    @extend_schema(summary="退会（须填原因）", request=StatusChangeInputSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self._status(request, "leave")

    @extend_schema(summary="退休", request=StatusChangeInputSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._status(request, "retire")

    @extend_schema(summary="状态变更记录", responses=StatusChangeSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="status-changes", filterset_class=None)
    def status_changes(self, request, pk=None):
        return self.paginated(self.get_object().status_changes.all(), StatusChangeSerializer)

    @extend_schema(summary="查看完整身份证号", responses=IdNumberSerializer,
                   description="仅校工会管理员；每次查看都写入审计记录。")
    @action(detail=True, methods=["get"], url_path="id-number")
    def id_number(self, request, pk=None):
        response = Response({"id_number": member_reveal_id_number(member=self.get_object(), by=request.user)})
        # A whole ID number must not stay in a browser's or proxy's cache after the audited read.
        add_never_cache_headers(response)
        return response

    @extend_schema(summary="下载名册导入模板", responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request):
        return xlsx_response(roster.template_workbook(), "会员名册导入模板.xlsx")

    @extend_schema(
        summary="导入会员名册（.xlsx）",
        request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string",
                                                                                   "format": "binary"}}}},
        responses={201: ImportResultSerializer,
                   400: OpenApiResponse(ImportRejectedSerializer,
                                        description="有错误时一行也不导入，返回每个错误的行号、列名和原因")},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_roster(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "请上传 .xlsx 文件（字段名 file）。"})
        try:
            batch = roster.roster_import(by=request.user, file_name=upload.name, fileobj=upload)
        except roster.RosterRejected as rejected:
            return Response({"detail": f"名册有 {len(rejected.problems)} 处错误，未导入任何一行。",
                             "problems": rejected.problems}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": batch.rows}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="导出会员名册（.xlsx，已遮蔽；筛选条件与列表相同）", filters=True,
                   responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        members = self.filter_queryset(self.get_queryset())
        return xlsx_response(roster.export_workbook(members), roster.export_file_name())


@extend_schema(tags=["会员"])
@extend_schema_view(
    list=extend_schema(summary="入会申请列表"), retrieve=extend_schema(summary="入会申请详情"),
    create=extend_schema(summary="提交入会申请", request=ApplicationInputSerializer,
                         responses={201: ApplicationSerializer},
                         description="本人或分工会提交；非编教职工同样可以申请。"),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         SchoolViewSet):
    queryset = MembershipApplication.objects.none()
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter

    def base_queryset(self):
        applications = applications_visible_to(self.request.user)
        return applications_listed(applications) if self.action == "list" else applications

    def create(self, request, *args, **kwargs):
        data = validated(request, ApplicationInputSerializer)
        application = application_submit(by=request.user, **data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, name):
        data = validated(request, DecisionSerializer)
        application = application_decide(application=self.get_object(), action=name, by=request.user,
                                         **data)
        return Response(ApplicationSerializer(application).data)

    @extend_schema(summary="分工会确认", request=DecisionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._decide(request, "confirm")

    @extend_schema(summary="批准入会（生成会员）", request=DecisionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, "approve")

    @extend_schema(summary="不予批准（须填原因）", request=DecisionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, "reject")
