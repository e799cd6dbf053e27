import datetime

from rest_framework import serializers

from api.listed import ListedCharField
from api.serializers import ModelSerializer, Serializer, listed_or
from tenants.activities.models import Activity, ActivityKind, Registration, Team
from tenants.activities.services import code_visible_to, waitlist_place
from tenants.members.models import Branch, Gender, MaritalStatus, Member

AMOUNT_HELP = "元，最多两位小数，如 30.00"


class BranchQuotaSerializer(Serializer):
    branch = serializers.PrimaryKeyRelatedField(label="分工会", queryset=Branch.objects.all())
    places = serializers.IntegerField(label="名额", min_value=1, max_value=10000)


class ActivitySerializer(ModelSerializer):
    """活动"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="活动类型名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    organiser = serializers.CharField(source="organiser_label", read_only=True, label="主办方")
    quotas = serializers.SerializerMethodField(label="分工会名额")
    confirmed = serializers.SerializerMethodField(label="报名成功人数")
    waitlisted = serializers.SerializerMethodField(label="候补人数")

    class Meta:
        model = Activity
        fields = ["id", "kind", "kind_label", "title", "description", "starts_at", "ends_at", "place",
                  "organiser_branch", "organiser", "registration_opens_at", "registration_closes_at",
                  "cancel_deadline", "capacity", "sign_up", "team_size", "gender", "child_age_min", "child_age_max",
                  "marital_status", "retirees", "fee", "budget", "union_cost", "ledger_entry", "status",
                  "status_label", "quotas", "confirmed", "waitlisted", "created"]
        read_only_fields = fields

    def get_quotas(self, obj) -> list[dict]:
        listed = getattr(obj, "listed_quotas", None)  # the list's query (selectors.activities_with_figures)
        if listed is not None:  # rebuilt, not returned: jsonb keeps its keys in its own order
            return [{"branch": q["branch"], "branch_name": q["branch_name"], "places": q["places"]} for q in listed]
        return [{"branch": q.branch_id, "branch_name": q.branch.name, "places": q.places}
                for q in obj.quotas.select_related("branch")]

    def get_confirmed(self, obj) -> int:
        # annotated by the list (selectors.activities_with_figures)
        return listed_or(obj, "confirmed_count",
                         lambda: obj.registrations.filter(status=Registration.Status.CONFIRMED).count())

    def get_waitlisted(self, obj) -> int:
        return listed_or(obj, "waitlisted_count",
                         lambda: obj.registrations.filter(status=Registration.Status.WAITLISTED).count())


class ActivityInputSerializer(Serializer):
    kind = serializers.ChoiceField(label="活动类型", choices=ActivityKind.choices)
    title = serializers.CharField(label="活动名称", max_length=100)
    description = serializers.CharField(label="活动说明", max_length=5000, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(label="开始时间")
    ends_at = serializers.DateTimeField(label="结束时间")
    place = serializers.CharField(label="地点", max_length=100)
    organiser_branch = serializers.PrimaryKeyRelatedField(label="主办分工会（不填为校工会）", queryset=Branch.objects.all(),
                                                          required=False, allow_null=True)
    registration_opens_at = serializers.DateTimeField(label="报名开始")
    registration_closes_at = serializers.DateTimeField(label="报名截止")
    cancel_deadline = serializers.DateTimeField(label="取消报名截止")
    capacity = serializers.IntegerField(label="名额")
    sign_up = serializers.ChoiceField(label="报名方式", choices=Activity.SignUp.choices, required=False)
    team_size = serializers.IntegerField(label="每队人数", required=False, allow_null=True)
    gender = serializers.ChoiceField(label="性别要求", choices=Gender.choices, required=False, allow_blank=True)
    child_age_min = serializers.IntegerField(label="子女最小年龄", required=False, allow_null=True)
    child_age_max = serializers.IntegerField(label="子女最大年龄", required=False, allow_null=True)
    marital_status = serializers.ChoiceField(label="婚姻状况要求", choices=MaritalStatus.choices, required=False,
                                             allow_blank=True)
    retirees = serializers.ChoiceField(label="退休会员", choices=Activity.Retirees.choices, required=False)
    fee = serializers.CharField(label="每人缴费", max_length=20, required=False, allow_blank=True, help_text=AMOUNT_HELP)
    budget = serializers.CharField(label="工会预算", max_length=20, required=False, allow_blank=True,
                                   help_text=AMOUNT_HELP)
    quotas = BranchQuotaSerializer(many=True, required=False, label="分工会名额")


class ActivityUpdateSerializer(ActivityInputSerializer):
    def get_fields(self):
        fields = super().get_fields()
        fields.pop("organiser_branch")
        for field in fields.values():
            field.required = False
        return fields


class ActivityReasonSerializer(Serializer):
    reason = serializers.CharField(label="原因", max_length=300, required=False, allow_blank=True)


class HoldSerializer(Serializer):
    union_cost = serializers.CharField(label="工会实际支出（元）", max_length=20, required=False, allow_blank=True,
                                       help_text=AMOUNT_HELP)


class SignUpSerializer(Serializer):
    member = serializers.PrimaryKeyRelatedField(label="会员（不填为本人；主办方可为他人报名）",
                                                queryset=Member.objects.all(), required=False)
    child_name = serializers.CharField(label="子女姓名（亲子/六一活动）", max_length=50, required=False, allow_blank=True)
    child_birth_date = serializers.DateField(label="子女出生日期", required=False, allow_null=True)


class TeamInputSerializer(Serializer):
    name = serializers.CharField(label="队名", max_length=60)
    branch = serializers.PrimaryKeyRelatedField(label="分工会（校工会代报时填写）", queryset=Branch.objects.all(),
                                                required=False, allow_null=True)
    members = serializers.PrimaryKeyRelatedField(label="队员", queryset=Member.objects.all(), many=True)


class TeamSerializer(ModelSerializer):
    """参赛队"""

    branch_name = serializers.CharField(source="branch.name", read_only=True, label="分工会名称")

    class Meta:
        model = Team
        fields = ["id", "activity", "branch", "branch_name", "name", "created"]
        read_only_fields = fields


class CheckInSerializer(Serializer):
    code = serializers.CharField(label="签到码（扫码或手输）", max_length=40, required=False, allow_blank=True)
    registration = serializers.PrimaryKeyRelatedField(label="报名（从名单签到）", queryset=Registration.objects.all(),
                                                      required=False, allow_null=True)


class RegistrationSerializer(ModelSerializer):
    """报名"""

    # the list reads these names as plain columns (selectors.registrations_listed)
    activity_title = ListedCharField(source="activity.title", read_only=True, label="活动名称")
    member_name = ListedCharField(source="member.name", read_only=True, label="会员姓名")
    branch_name = ListedCharField(source="branch.name", read_only=True, label="分工会名称")
    team_name = ListedCharField(source="team.name", read_only=True, default="", through_empty=True, label="队名")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    waitlist_place = serializers.SerializerMethodField(label="候补位次（1 为下一个递补）")
    code = serializers.SerializerMethodField(label="签到码（本人与主办方可见）")
    child_name = serializers.SerializerMethodField(label="子女姓名（本人与主办方可见）")
    child_birth_date = serializers.SerializerMethodField(label="子女出生日期（本人与主办方可见）")

    class Meta:
        model = Registration
        fields = ["id", "activity", "activity_title", "member", "member_name", "branch", "branch_name", "team",
                  "team_name", "arrival", "status", "status_label", "waitlist_place", "code", "child_name",
                  "child_birth_date", "registered_at", "checked_in_at"]
        read_only_fields = fields

    def get_waitlist_place(self, obj) -> int | None:
        ahead = getattr(obj, "waitlist_ahead", None)  # annotated by the list (selectors.registrations_listed)
        if ahead is None:
            return waitlist_place(obj)
        return ahead + 1 if obj.status == Registration.Status.WAITLISTED else None

    def _theirs(self, obj) -> bool:
        """The code and the child's details: the member's own and the organiser's (code_visible_to),
        not the chair of the member's branch when someone else organises the activity. Decided once
        per row for its three fields (the last row's answer is kept: rows come one after another)."""
        if self._theirs_row is not obj:
            request = self.context.get("request")
            self._theirs_row, self._theirs_answer = obj, code_visible_to(getattr(request, "user", None), obj)
        return self._theirs_answer

    _theirs_row = None

    def get_code(self, obj) -> str:
        return obj.code if self._theirs(obj) else ""

    def get_child_name(self, obj) -> str:
        return obj.child_name if self._theirs(obj) else ""

    def get_child_birth_date(self, obj) -> datetime.date | None:
        return obj.child_birth_date if self._theirs(obj) else None


class AttendanceSerializer(Serializer):
    confirmed = serializers.IntegerField(label="报名成功")
    waitlisted = serializers.IntegerField(label="候补")
    checked_in = serializers.IntegerField(label="已签到")
    free = serializers.IntegerField(label="空余名额")
    by_branch = serializers.ListField(child=serializers.DictField(), label="按分工会")
    no_shows = serializers.ListField(child=serializers.DictField(), label="未签到")


class YearFiguresSerializer(Serializer):
    year = serializers.IntegerField()
    activities_held = serializers.IntegerField(label="举办活动数")
    participants = serializers.IntegerField(label="参加人次")
    attended = serializers.IntegerField(label="签到人次")
    people = serializers.IntegerField(label="参加人数")
    by_kind = serializers.ListField(child=serializers.DictField())
    by_branch = serializers.ListField(child=serializers.DictField())
