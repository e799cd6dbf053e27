"""Mutual aid: schemes, categories, enrolments, claims. Amounts are answered as strings of yuan with
two decimals; amounts sent in are read by the services (Chinese message naming the field)."""
from rest_framework import serializers

from api.listed import ListedCharField, ListedDecimalField, ListedIntegerField, ListedRows
from api.serializers import ModelSerializer, Serializer
from tenants.members.models import Member
from tenants.mutualaid.models import Category, Claim, ClaimDocument, Enrolment, Scheme

AMOUNT_HELP = "元，最多两位小数，如 \"1200.50\""


def amount_input(label, **kwargs):
    return serializers.CharField(label=label, max_length=30, help_text=AMOUNT_HELP, **kwargs)


class AidSchemeSerializer(ModelSerializer):
    """互助保障计划"""

    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    enrolled = serializers.IntegerField(read_only=True, label="参保人数")

    class Meta:
        model = Scheme
        fields = ["id", "name", "year", "enrol_opens_on", "enrol_closes_on", "fee", "yearly_cap", "note", "status",
                  "status_label", "enrolled"]
        read_only_fields = ["status", "fee", "yearly_cap"]


class AidSchemeInputSerializer(Serializer):
    """新建或修改计划"""

    name = serializers.CharField(label="名称", max_length=100)
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    enrol_opens_on = serializers.DateField(label="参保开始日期")
    enrol_closes_on = serializers.DateField(label="参保截止日期")
    fee = amount_input("每人缴费")
    yearly_cap = amount_input("每人年度给付上限")
    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class AidSchemeEditSerializer(AidSchemeInputSerializer):
    """修改草稿计划（只改所给字段）"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class AidSchemeFiguresSerializer(Serializer):
    """计划统计"""

    enrolled = serializers.IntegerField(label="参保人数")
    active_members = serializers.IntegerField(label="在会会员")
    not_enrolled = serializers.IntegerField(label="未参保的在会会员")
    fees = serializers.DecimalField(max_digits=14, decimal_places=2, label="应缴合计")
    unbooked = serializers.IntegerField(label="尚未入账的参保人数")
    unbooked_fees = serializers.DecimalField(max_digits=14, decimal_places=2, label="尚未入账的缴费")
    claims = serializers.IntegerField(label="申请件数")
    open_claims = serializers.IntegerField(label="办理中")
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, label="已支付")
    approved_unpaid = serializers.DecimalField(max_digits=14, decimal_places=2, label="已核准待支付")


class AidFeesBookedSerializer(Serializer):
    """缴费入账结果"""

    entry = serializers.IntegerField(label="收支记录编号", allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, label="入账金额", allow_null=True)
    detail = serializers.CharField(label="说明")


class AidCategorySerializer(ModelSerializer):
    """给付类别"""

    mode_label = serializers.CharField(source="get_mode_display", read_only=True, label="给付方式")
    rule = serializers.CharField(read_only=True, label="给付规则")

    class Meta:
        model = Category
        fields = ["id", "scheme", "name", "mode", "mode_label", "amount", "rate", "max_per_claim", "rule"]


class AidCategoryInputSerializer(Serializer):
    """新建给付类别（定额给付填 amount；按比例给付填 rate，可填 max_per_claim）"""

    scheme = serializers.PrimaryKeyRelatedField(label="计划", queryset=Scheme.objects.all())
    name = serializers.CharField(label="名称", max_length=50)
    mode = serializers.ChoiceField(label="给付方式", choices=Category.Mode.choices)
    amount = amount_input("定额", required=False, allow_blank=True, default="")
    rate = serializers.CharField(label="比例（%）", max_length=10, required=False, allow_blank=True, default="")
    max_per_claim = amount_input("每次最高", required=False, allow_blank=True, default="")


class AidEnrolmentSerializer(ModelSerializer):
    """参保记录"""

    # the list reads these names as plain columns (selectors.enrolments_listed)
    member_name = ListedCharField(source="member.name", read_only=True, label="姓名")
    employee_number = ListedCharField(source="member.employee_number", read_only=True, label="工号")
    branch = ListedCharField(source="member.branch.name", read_only=True, label="分工会")
    via_label = serializers.CharField(source="get_via_display", read_only=True, label="参保方式")
    remaining = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, label="年度剩余可给付")
    fees_booked = serializers.SerializerMethodField(label="缴费已入账")

    class Meta:
        model = Enrolment
        fields = ["id", "scheme", "member", "member_name", "employee_number", "branch", "enrolled_on", "via",
                  "via_label", "fee", "cap", "used", "remaining", "fees_booked"]

    def get_fees_booked(self, enrolment) -> bool:
        return enrolment.fees_entry_id is not None


class AidEnrolInputSerializer(Serializer):
    """参保登记：校工会填写会员；会员本人参保时不填"""

    scheme = serializers.PrimaryKeyRelatedField(label="计划", queryset=Scheme.objects.all())
    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all(), required=False,
                                                allow_null=True, default=None)


class AidSchemeRefSerializer(Serializer):
    """计划"""

    scheme = serializers.PrimaryKeyRelatedField(label="计划", queryset=Scheme.objects.all())


class AidEnrolAllResultSerializer(Serializer):
    """全员参保结果"""

    added = serializers.IntegerField(label="本次参保人数")


class AidImportProblemSerializer(Serializer):
    """导入问题"""

    row = serializers.IntegerField(label="行号（0：整个文件）")
    column = serializers.CharField(label="列")
    message = serializers.CharField(label="问题")


class AidImportRejectedSerializer(Serializer):
    """参保名单未导入：逐条列出问题"""

    detail = serializers.CharField(label="说明")
    problems = AidImportProblemSerializer(many=True, label="问题", required=False)
    errors = serializers.DictField(label="按字段列出的错误（如未选计划、未上传文件）", required=False)


class AidImportResultSerializer(Serializer):
    """导入结果（preview 为真时只检查不登记）"""

    preview = serializers.BooleanField(label="仅预览")
    rows = serializers.IntegerField(label="可参保人数")
    members = serializers.ListField(child=serializers.CharField(), label="会员（姓名 工号）")


class AidDocumentSerializer(ModelSerializer):
    """申请材料"""

    class Meta:
        model = ClaimDocument
        fields = ["id", "name", "size", "uploaded_at"]
        list_serializer_class = ListedRows  # a list's claims carry their documents as rows (selectors.claims_listed)


class AidClaimSerializer(ModelSerializer):
    """互助金申请"""

    # the list reads these as plain values (selectors.claims_listed)
    scheme = ListedIntegerField(source="enrolment.scheme_id", read_only=True, label="计划")
    member = ListedIntegerField(source="enrolment.member_id", read_only=True, label="会员")
    member_name = ListedCharField(source="enrolment.member.name", read_only=True, label="姓名")
    category_name = ListedCharField(source="category.name", read_only=True, label="类别")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    remaining = ListedDecimalField(source="enrolment.remaining", max_digits=12, decimal_places=2,
                                   read_only=True, label="该会员年度剩余可给付")
    documents = AidDocumentSerializer(many=True, read_only=True, label="申请材料")

    class Meta:
        model = Claim
        fields = ["id", "scheme", "member", "member_name", "category", "category_name", "eligible_costs",
                  "description", "status", "status_label", "computed_amount", "approved_amount", "capped",
                  "remaining", "decision_reason", "paid_on", "payout_entry", "created", "documents"]


class AidClaimInputSerializer(Serializer):
    """申请互助金：校工会填写会员；会员本人申请时不填"""

    scheme = serializers.PrimaryKeyRelatedField(label="计划", queryset=Scheme.objects.all())
    member = serializers.PrimaryKeyRelatedField(label="会员", queryset=Member.objects.all(), required=False,
                                                allow_null=True, default=None)
    category = serializers.PrimaryKeyRelatedField(label="类别", queryset=Category.objects.all())
    eligible_costs = amount_input("合规费用")
    description = serializers.CharField(label="病情及就医说明", max_length=4000)


class AidNoteSerializer(Serializer):
    """说明"""

    note = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")


class AidReasonSerializer(Serializer):
    """不予给付的原因（必填）"""

    reason = serializers.CharField(label="原因", max_length=2000, required=False, allow_blank=True, default="")
