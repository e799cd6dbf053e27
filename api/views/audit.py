from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.base import ProvinceViewSet, SchoolViewSet
from api.filters import AuditFilter
from api.permissions import role_required
from api.serializers.audit import AuditRecordSerializer
from tenants.accounts.roles import ADMIN_ROLES
from tenants.audit.models import AuditRecord
from tenants.audit.selectors import audit_records


class AuditRecordViews(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """本站点的操作日志，只有本站点的管理员可读。"""

    queryset = AuditRecord.objects.none()
    serializer_class = AuditRecordSerializer
    permission_classes = [role_required(*ADMIN_ROLES)]
    filterset_class = AuditFilter
    search_fields = ["actor_name", "target_repr", "reason"]
    ordering_fields = ["at", "id"]

    def base_queryset(self):
        return audit_records()


AUDIT_DOCS = dict(list=extend_schema(summary="操作日志列表"), retrieve=extend_schema(summary="操作日志详情"))


@extend_schema_view(**AUDIT_DOCS)
@extend_schema(tags=["操作日志"])
class SchoolAuditRecordViewSet(AuditRecordViews, SchoolViewSet):
    pass


@extend_schema_view(**AUDIT_DOCS)
@extend_schema(tags=["操作日志"])
class ProvinceAuditRecordViewSet(AuditRecordViews, ProvinceViewSet):
    pass
