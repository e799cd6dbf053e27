from rest_framework import serializers

from api.listed import ListedCharField, ListedPrimaryKeyRelatedField
from api.serializers import ModelSerializer, Serializer

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.members.models import (
    Branch,
    Department,
    EmploymentType,
    Gender,
    Group,
    MaritalStatus,
    Member,
    MembershipApplication,
    MemberStatusChange,
)
from tenants.personal_data import mask_phone


class BranchSerializer(ModelSerializer):
    """分工会"""

    chair = serializers.PrimaryKeyRelatedField(label="主席（用户编号）", queryset=User.objects.all(),
                                               required=False, allow_null=True)
    chair_name = serializers.SerializerMethodField(label="主席")
    member_count = serializers.IntegerField(read_only=True, default=0, label="在会会员数")

    class Meta:
        model = Branch
        fields = ["id", "name", "chair", "chair_name", "sort_order", "is_active", "member_count"]
        # Duplicates are the service's to refuse (409 in Chinese), not the serializer's.
        extra_kwargs = {"name": {"validators": []}}

    def get_chair_name(self, branch) -> str:
        return str(branch.chair) if branch.chair_id else ""


class GroupSerializer(ModelSerializer):
    """工会小组"""

    class Meta:
        model = Group
        fields = ["id", "branch", "name"]
        validators = []


class DepartmentSerializer(ModelSerializer):
    """承办部门"""

    # a list's rows carry the ids in their own statement (members.selectors.departments_listed, api.listed)
    handlers = ListedPrimaryKeyRelatedField(label="经办人（用户编号）", many=True,
                                            queryset=User.objects.all(), required=False)

    class Meta:
        model = Department
        fields = ["id", "name", "handlers", "is_active"]
        extra_kwargs = {"name": {"validators": []}}


class MemberSerializer(ModelSerializer):
    """会员（手机号、身份证号均已遮蔽）"""

    # a list's rows carry the names in their own statement (members.selectors.members_listed)
    branch_name = ListedCharField(source="branch.name", read_only=True, through_empty=True, label="分工会")
    group_name = ListedCharField(source="group.name", read_only=True, default="", through_empty=True, label="工会小组")
    # and the choice labels (members.selectors.members_listed)
    gender_label = ListedCharField(source="get_gender_display", read_only=True, label="性别")
    employment_type_label = ListedCharField(source="get_employment_type_display", read_only=True,
                                            label="用工类型")
    status_label = ListedCharField(source="get_status_display", read_only=True, label="状态")
    phone = serializers.SerializerMethodField(label="手机号（遮蔽）")
    id_number = serializers.CharField(source="id_number_masked", read_only=True, label="身份证号（遮蔽）")
    marital_status = serializers.SerializerMethodField(label="婚姻状况（仅校工会和本人可见，其他人为 null）")

    class Meta:
        model = Member
        fields = ["id", "name", "gender", "gender_label", "employee_number", "branch", "branch_name", "group",
                  "group_name", "employment_type", "employment_type_label", "join_date", "status",
                  "status_label", "status_changed_on", "phone", "id_number", "birth_date", "marital_status",
                  "work_started_on", "is_front_line", "is_model_worker"]
        read_only_fields = fields

    def get_phone(self, member) -> str:
        return mask_phone(member.phone)

    def get_marital_status(self, member) -> str | None:
        # a branch chair reads their branch's members, not their marital status
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and (user.has_role(Role.UNION_ADMIN) or (member.user_id and member.user_id == user.pk)):
            return member.marital_status
        return None


class MemberWriteSerializer(Serializer):
    """新增或修改会员"""

    name = serializers.CharField(label="姓名", max_length=50, required=False)
    gender = serializers.ChoiceField(label="性别", choices=Gender.choices, required=False)
    employee_number = serializers.CharField(label="工号", max_length=30, required=False)
    branch = serializers.PrimaryKeyRelatedField(label="分工会", queryset=Branch.objects.all(), required=False)
    group = serializers.PrimaryKeyRelatedField(label="工会小组", queryset=Group.objects.all(), required=False,
                                               allow_null=True)
    employment_type = serializers.ChoiceField(label="用工类型", choices=EmploymentType.choices, required=False)
    join_date = serializers.DateField(label="入会日期", required=False)
    phone = serializers.CharField(label="手机号", max_length=20, required=False, allow_blank=True)
    id_number = serializers.CharField(label="身份证号", max_length=18, required=False, allow_blank=True)
    marital_status = serializers.ChoiceField(label="婚姻状况（空：未登记）", choices=MaritalStatus.choices,
                                             required=False, allow_blank=True)
    work_started_on = serializers.DateField(label="参加工作日期（工龄）", required=False, allow_null=True)
    is_front_line = serializers.BooleanField(label="一线教职工", required=False)
    is_model_worker = serializers.BooleanField(label="劳动模范", required=False)

    def validate(self, attrs):
        if self.context.get("creating"):
            missing = [f for f in ("name", "gender", "employee_number", "branch", "employment_type", "join_date")
                       if f not in attrs]
            if missing:
                raise serializers.ValidationError({f: "该字段是必填项。" for f in missing})
        return attrs


class StatusChangeInputSerializer(Serializer):
    """会员状态变更"""

    effective_on = serializers.DateField(label="生效日期", required=False)
    reason = serializers.CharField(label="原因", max_length=500, required=False, allow_blank=True, default="")


class StatusChangeSerializer(ModelSerializer):
    """会员状态变更记录"""

    class Meta:
        model = MemberStatusChange
        fields = ["id", "action", "from_status", "to_status", "effective_on", "reason", "recorded_by",
                  "recorded_at"]


class IdNumberSerializer(Serializer):
    """完整身份证号（每次查看都记入审计）"""

    id_number = serializers.CharField(label="身份证号")


class ApplicationSerializer(ModelSerializer):
    """入会申请"""

    # a list's rows carry the name in their own statement (members.selectors.applications_listed)
    branch_name = ListedCharField(source="branch.name", read_only=True, through_empty=True, label="分工会")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    phone = serializers.SerializerMethodField(label="手机号（遮蔽）")
    id_number = serializers.CharField(source="id_number_masked", read_only=True, label="身份证号（遮蔽）")

    class Meta:
        model = MembershipApplication
        fields = ["id", "name", "gender", "employee_number", "branch", "branch_name", "employment_type",
                  "phone", "id_number", "statement", "status", "status_label", "submitted_at",
                  "decision_reason", "member"]
        read_only_fields = fields

    def get_phone(self, application) -> str:
        return mask_phone(application.phone)


class ApplicationInputSerializer(Serializer):
    """提交入会申请"""

    name = serializers.CharField(label="姓名", max_length=50)
    gender = serializers.ChoiceField(label="性别", choices=Gender.choices)
    employee_number = serializers.CharField(label="工号", max_length=30)
    branch = serializers.PrimaryKeyRelatedField(label="分工会", queryset=Branch.objects.filter(is_active=True))
    employment_type = serializers.ChoiceField(label="用工类型", choices=EmploymentType.choices)
    phone = serializers.CharField(label="手机号", max_length=20, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(label="身份证号", max_length=18, required=False, allow_blank=True, default="")
    statement = serializers.CharField(label="申请说明", max_length=1000, required=False, allow_blank=True, default="")


class DecisionSerializer(Serializer):
    """审核意见"""

    reason = serializers.CharField(label="意见或原因", max_length=1000, required=False, allow_blank=True, default="")
    join_date = serializers.DateField(label="入会日期（批准时）", required=False)


class ImportProblemSerializer(Serializer):
    row = serializers.IntegerField(label="行号")
    column = serializers.CharField(label="列")
    message = serializers.CharField(label="问题")


class ImportRejectedSerializer(Serializer):
    """名册未导入：逐条列出问题"""

    detail = serializers.CharField(label="说明")
    problems = ImportProblemSerializer(many=True, label="问题", required=False)
    errors = serializers.DictField(label="按字段列出的错误（如未上传文件）", required=False)


class ImportResultSerializer(Serializer):
    """导入结果"""

    imported = serializers.IntegerField(label="导入行数")
