from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.listed import ListedCharField, ListedIntegerField, OncePerResponse
from api.serializers import ModelSerializer, Serializer, listed_or
from tenants.healthchecks.models import Attendance, Gender, HealthCheck, HealthCheckAssignment, HealthCheckBatch


class HealthCheckSerializer(ModelSerializer):
    """年度体检"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    batch_count = serializers.SerializerMethodField(label="批次数")
    assigned = serializers.SerializerMethodField(label="已安排人数")

    class Meta:
        model = HealthCheck
        fields = ["id", "year", "title", "provider", "notes", "womens_special_items", "include_retirees",
                  "include_contract", "allow_change_requests", "status", "status_label", "cost", "ledger_entry",
                  "batch_count", "assigned", "created"]
        read_only_fields = fields

    def get_batch_count(self, obj) -> int:
        # annotated by the list (selectors.checks_with_counts)
        return listed_or(obj, "batch_count", lambda: obj.batches.count())

    def get_assigned(self, obj) -> int:
        return listed_or(obj, "assigned_count", lambda: obj.assignments.filter(batch__isnull=False).count())


class HealthCheckInputSerializer(Serializer):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = serializers.CharField(label="名称", max_length=100)
    provider = serializers.CharField(label="体检机构", max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True)
    womens_special_items = serializers.CharField(label="女教职工特殊检查项目（不填则没有）", max_length=200,
                                                 required=False, allow_blank=True)
    include_retirees = serializers.BooleanField(label="退休会员参加", required=False, default=False)
    include_contract = serializers.BooleanField(label="非编、人事代理会员参加", required=False, default=True)
    allow_change_requests = serializers.BooleanField(label="允许会员申请调整批次", required=False, default=True)


class HealthCheckUpdateSerializer(Serializer):
    title = serializers.CharField(label="名称", max_length=100, required=False)
    provider = serializers.CharField(label="体检机构", max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True)
    womens_special_items = serializers.CharField(label="女教职工特殊检查项目", max_length=200, required=False,
                                                 allow_blank=True)
    include_retirees = serializers.BooleanField(label="退休会员参加", required=False)
    include_contract = serializers.BooleanField(label="非编、人事代理会员参加", required=False)
    allow_change_requests = serializers.BooleanField(label="允许会员申请调整批次", required=False)


class HealthCheckReasonSerializer(Serializer):
    reason = serializers.CharField(label="原因", max_length=300, required=False, allow_blank=True)


class CostSerializer(Serializer):
    amount = serializers.CharField(label="工会承担费用（元）", max_length=20, help_text="最多两位小数")
    occurred_on = serializers.DateField(label="支出日期")
    description = serializers.CharField(label="摘要", max_length=200, required=False, allow_blank=True)


class AssignResultSerializer(Serializer):
    assigned = serializers.IntegerField(label="本次安排人数")
    unplaced = serializers.IntegerField(label="没有合适批次的人数")


class HealthCheckBatchSerializer(ModelSerializer):
    """体检批次"""

    # plain text, not an enum: Member.gender (male/female) owns the "gender" enum of the schema
    gender = serializers.CharField(read_only=True, label="性别（any 不限 / male 男 / female 女）")
    gender_label = serializers.CharField(source="get_gender_display", read_only=True, label="性别")
    rule_label = serializers.CharField(read_only=True, label="安排条件")
    taken = serializers.SerializerMethodField(label="已安排人数")

    class Meta:
        model = HealthCheckBatch
        fields = ["id", "health_check", "name", "date", "time", "place", "gender", "gender_label", "age_min",
                  "age_max", "rule_label", "places", "taken"]
        read_only_fields = fields

    def get_taken(self, obj) -> int:
        # annotated by the lists (selectors.with_taken)
        return listed_or(obj, "taken_count", lambda: obj.assignments.count())


@extend_schema_field(HealthCheckBatchSerializer)  # the schema's component stays HealthCheckBatch
class OncePerBatch(OncePerResponse, HealthCheckBatchSerializer):
    # An assignment's batch, written once per response (a page of assignments shares a few batches).
    pass


class HealthCheckBatchInputSerializer(Serializer):
    health_check = serializers.PrimaryKeyRelatedField(label="年度体检", queryset=HealthCheck.objects.all())
    name = serializers.CharField(label="批次名称", max_length=60, allow_blank=True)
    date = serializers.DateField(label="体检日期")
    time = serializers.CharField(label="时间（如 7:30–10:00）", max_length=40, required=False, allow_blank=True)
    place = serializers.CharField(label="地点", max_length=100, allow_blank=True)
    gender = serializers.CharField(label="性别（any 不限 / male 男 / female 女）", max_length=8, required=False,
                                   default=Gender.ANY)
    age_min = serializers.IntegerField(label="最小年龄", required=False, allow_null=True)
    age_max = serializers.IntegerField(label="最大年龄", required=False, allow_null=True)
    places = serializers.IntegerField(label="名额")


class HealthCheckBatchUpdateSerializer(Serializer):
    name = serializers.CharField(label="批次名称", max_length=60, required=False)
    date = serializers.DateField(label="体检日期", required=False)
    time = serializers.CharField(label="时间", max_length=40, required=False, allow_blank=True)
    place = serializers.CharField(label="地点", max_length=100, required=False)
    gender = serializers.CharField(label="性别（any 不限 / male 男 / female 女）", max_length=8, required=False)
    age_min = serializers.IntegerField(label="最小年龄", required=False, allow_null=True)
    age_max = serializers.IntegerField(label="最大年龄", required=False, allow_null=True)
    places = serializers.IntegerField(label="名额", required=False)


class HealthCheckAssignmentSerializer(ModelSerializer):
    """体检安排（一名会员在本年度体检中的批次与体检情况）"""

    # the list reads these as plain columns (selectors.assignments_listed)
    year = ListedIntegerField(source="health_check.year", read_only=True, label="年度")
    member_name = ListedCharField(source="member.name", read_only=True, label="会员姓名")
    branch = ListedIntegerField(source="member.branch_id", read_only=True, label="分工会")
    branch_name = ListedCharField(source="member.branch.name", read_only=True, label="分工会名称")
    batch_detail = OncePerBatch(source="batch", read_only=True, label="批次")
    attendance_label = serializers.CharField(source="get_attendance_display", read_only=True, label="体检情况")

    class Meta:
        model = HealthCheckAssignment
        fields = ["id", "health_check", "year", "member", "member_name", "branch", "branch_name", "batch",
                  "batch_detail", "attendance", "attendance_label", "checked_on", "womens_special", "special_done",
                  "move_reason", "requested_batch", "request_reason", "requested_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        # the list annotates its batch's 已安排人数 on each row (selectors.assignments_visible_to)
        taken = getattr(instance, "batch_taken", None)
        if taken is not None and instance.batch is not None:
            instance.batch.taken_count = taken
        return super().to_representation(instance)


class MoveSerializer(Serializer):
    batch = serializers.PrimaryKeyRelatedField(label="批次", queryset=HealthCheckBatch.objects.all())
    reason = serializers.CharField(label="原因", max_length=300, required=False, allow_blank=True)


class AttendanceSerializer(Serializer):
    attendance = serializers.ChoiceField(label="体检情况", choices=Attendance.choices)
    checked_on = serializers.DateField(label="体检日期", required=False, allow_null=True)
    special_done = serializers.BooleanField(label="女教职工特殊检查已完成", required=False, allow_null=True,
                                            default=None)


class DecideSerializer(Serializer):
    approve = serializers.BooleanField(label="同意")
    reason = serializers.CharField(label="意见（不同意时必填）", max_length=300, required=False, allow_blank=True)


class BranchCoverageSerializer(Serializer):
    branch = serializers.IntegerField(label="分工会")
    branch_name = serializers.CharField(label="分工会名称")
    eligible = serializers.IntegerField(label="应检人数")
    checked = serializers.IntegerField(label="已检人数")
    unchecked = serializers.IntegerField(label="未检人数")
    rate = serializers.FloatField(label="覆盖率（%）")


class SpecialCoverageSerializer(Serializer):
    offered = serializers.IntegerField(label="应做女教职工特殊检查人数")
    done = serializers.IntegerField(label="已完成人数")


class CoverageSerializer(Serializer):
    year = serializers.IntegerField(label="年度")
    health_check = serializers.IntegerField(label="年度体检", allow_null=True)
    eligible = serializers.IntegerField(label="应检人数")
    checked = serializers.IntegerField(label="已检人数")
    unchecked = serializers.IntegerField(label="未检人数")
    rate = serializers.FloatField(label="覆盖率（%）")
    womens_special = SpecialCoverageSerializer(allow_null=True, label="女教职工特殊检查")
    branches = BranchCoverageSerializer(many=True, label="各分工会")
