from rest_framework import serializers

from api.serializers import ModelSerializer

from tenants.audit.models import AuditRecord


class AuditRecordSerializer(ModelSerializer):
    """审计记录"""

    action_label = serializers.CharField(source="get_action_display", read_only=True, label="动作名称")

    class Meta:
        model = AuditRecord
        fields = ["id", "at", "actor_name", "action", "action_label", "target_type", "target_id",
                  "target_repr", "changes", "from_state", "to_state", "reason"]
        read_only_fields = fields
