from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from tenants.accounts.roles import ADMIN_ROLES
from tenants.audit.selectors import audit_records


@extend_schema_view(
    list=extend_schema(summary="审计记录列表", parameters=[
        OpenApiParameter("target_type", description="对象类型，如 tenants.school"),
        OpenApiParameter("target_id", description="对象编号"),
        OpenApiParameter("action", description="动作：create/update/delete/transition/read"),
    ]),
    retrieve=extend_schema(summary="审计记录详情"),
)
@extend_schema(tags=["审计"])
class AuditRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """本站点的审计记录，只有本站点的管理员可读。"""

    serializer_class = AuditRecordSerializer
    permission_classes = [role_required(*ADMIN_ROLES)]
    search_fields = ["actor_name", "target_repr", "reason"]

    def get_queryset(self):
        params = self.request.query_params
        return audit_records(target_type=params.get("target_type"), target_id=params.get("target_id"),
                             action=params.get("action"))
