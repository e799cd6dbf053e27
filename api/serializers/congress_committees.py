"""专门委员会 (committees of a congress) and their members."""
from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer
from tenants.congress.models import Committee, CommitteeMembership
from tenants.members.models import Member


class CommitteeMembershipSerializer(ModelSerializer):
    """委员会成员"""

    member = serializers.IntegerField(source="delegate.member_id", read_only=True, label="会员")
    name = serializers.CharField(source="delegate.member.name", read_only=True, label="姓名")
    role_label = serializers.CharField(source="get_role_display", read_only=True, label="职务")

    class Meta:
        model = CommitteeMembership
        fields = ["id", "committee", "delegate", "member", "name", "role", "role_label", "joined_on"]
        read_only_fields = fields


class CommitteeSerializer(ModelSerializer):
    """专门委员会"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类别")
    memberships = CommitteeMembershipSerializer(many=True, read_only=True, label="成员")

    class Meta:
        model = Committee
        fields = ["id", "congress", "name", "kind", "kind_label", "memberships", "created"]
        read_only_fields = fields


class CommitteeInputSerializer(Serializer):
    """新建专门委员会"""

    name = serializers.CharField(label="名称", max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(label="类别", choices=Committee.Kind.choices, default=Committee.Kind.OTHER,
                                   error_messages={"invalid_choice": "类别只能是：提案工作委员会、其他专门委员会。"})


class CommitteeMemberInputSerializer(Serializer):
    """增加委员会成员（须是本次教代会的代表）"""

    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all())
    role = serializers.ChoiceField(label="职务", choices=CommitteeMembership.Role.choices,
                                   default=CommitteeMembership.Role.MEMBER,
                                   error_messages={"invalid_choice": "职务只能是：主任、副主任、委员。"})


class CommitteeRoleSerializer(Serializer):
    """变更委员会成员的职务"""

    role = serializers.ChoiceField(label="职务", choices=CommitteeMembership.Role.choices,
                                   error_messages={"invalid_choice": "职务只能是：主任、副主任、委员。"})


class RemovalSerializer(Serializer):
    """移出委员会"""

    reason = serializers.CharField(label="原因", max_length=500, required=False, allow_blank=True, default="")
