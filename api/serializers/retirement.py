from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer
from tenants.members.models import Member
from tenants.retirement.models import Ceremony, Honouree
from tenants.retirement.selectors import honourees_in_order


class HonoureeSerializer(ModelSerializer):
    """荣休名单中的一人"""

    member_name = serializers.CharField(source="member.name", read_only=True, label="姓名")
    branch_name = serializers.CharField(source="member.branch.name", read_only=True, label="分工会")
    source_label = serializers.CharField(source="get_source_display", read_only=True, label="来源")

    class Meta:
        model = Honouree
        fields = ["id", "member", "member_name", "branch_name", "retired_on", "source", "source_label", "reason",
                  "excluded", "exclude_reason"]
        read_only_fields = fields


class CeremonySerializer(ModelSerializer):
    """荣休仪式与名单"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    honourees = serializers.SerializerMethodField(label="名单（含已移出的，excluded 为 true）")
    count = serializers.SerializerMethodField(label="名单人数")

    class Meta:
        model = Ceremony
        fields = ["id", "year", "title", "held_on", "place", "note", "status", "status_label", "recorded_at",
                  "count", "honourees", "created"]
        read_only_fields = fields

    def get_honourees(self, obj) -> list:
        listed = getattr(obj, "listed_honourees", None)  # the list's query (selectors.with_honourees)
        if listed is not None:
            return [_listed_honouree(row) for row in listed]
        # one HonoureeSerializer for the response (building its fields per ceremony cost more than its rows)
        if "_honouree_list" not in self.__dict__:
            self._honouree_list = HonoureeSerializer(many=True)
        return self._honouree_list.to_representation(honourees_in_order(obj.honourees.all()))

    def get_count(self, obj) -> int:
        listed = getattr(obj, "listed_honourees", None)
        if listed is not None:
            return sum(1 for row in listed if not row["excluded"])
        return obj.honourees.filter(excluded=False).count()


_SOURCE_LABELS = {value: str(label) for value, label in Honouree.Source.choices}


def _listed_honouree(row: dict) -> dict:
    """HonoureeSerializer's answer for one person of a list's row (rebuilt in its key order: jsonb keeps
    its keys in its own; a date is already ISO text)."""
    return {"id": row["id"], "member": row["member"], "member_name": row["member_name"],
            "branch_name": row["branch_name"], "retired_on": row["retired_on"], "source": row["source"],
            "source_label": _SOURCE_LABELS.get(row["source"], row["source"]), "reason": row["reason"], "excluded": row["excluded"],
            "exclude_reason": row["exclude_reason"]}


class CeremonyInputSerializer(Serializer):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    held_on = serializers.DateField(label="仪式日期")
    title = serializers.CharField(label="名称（不填为“某年荣休仪式”）", max_length=100, required=False, allow_blank=True)
    place = serializers.CharField(label="地点", max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True)


class CeremonyUpdateSerializer(Serializer):
    held_on = serializers.DateField(label="仪式日期", required=False)
    title = serializers.CharField(label="名称", max_length=100, required=False)
    place = serializers.CharField(label="地点", max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True)


class HonoureeChangeSerializer(Serializer):
    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all())
    reason = serializers.CharField(label="原因", max_length=300, required=False, allow_blank=True)


class CeremonyReasonSerializer(Serializer):
    reason = serializers.CharField(label="原因", max_length=300, required=False, allow_blank=True)


class RetireeSerializer(Serializer):
    member = serializers.IntegerField(source="member.pk", label="会员")
    member_name = serializers.CharField(source="member.name", label="姓名")
    branch_name = serializers.CharField(source="member.branch.name", label="分工会")
    retired_on = serializers.DateField(label="退休日期", allow_null=True)
    ceremony = serializers.IntegerField(source="honouree.ceremony_id", default=None, allow_null=True,
                                        label="所在荣休仪式")
    excluded = serializers.BooleanField(source="honouree.excluded", default=False, label="已移出名单")
