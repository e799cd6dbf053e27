from rest_framework import serializers

from api.listed import ListedCharField, ListedIntegerField
from api.serializers import ModelSerializer, Serializer
from tenants.awards.models import AwardCampaign, AwardKind, AwardNomination, AwardObjection
from tenants.members.models import Branch, Member


class AwardCampaignSerializer(ModelSerializer):
    """评先评优"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类别名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")

    class Meta:
        model = AwardCampaign
        fields = ["id", "year", "title", "kind", "kind_label", "for_branches", "criteria", "default_quota", "opens_on",
                  "closes_on", "publicity_days", "publicity_starts_on", "publicity_ends_on", "status", "status_label",
                  "created_by", "created", "finalised_at"]
        read_only_fields = fields


class AwardCampaignInputSerializer(Serializer):
    year = serializers.IntegerField(label="年度")
    title = serializers.CharField(label="名称", max_length=200)
    kind = serializers.ChoiceField(label="类别", choices=AwardKind.choices)
    for_branches = serializers.BooleanField(label="评选对象为分工会（不填按类别：先进教工小家为集体）", required=False,
                                            allow_null=True, default=None)
    criteria = serializers.CharField(label="评选条件", required=False, allow_blank=True, default="")
    default_quota = serializers.IntegerField(label="每个分工会名额", required=False, default=1)
    opens_on = serializers.DateField(label="推荐开始")
    closes_on = serializers.DateField(label="推荐截止")
    publicity_days = serializers.IntegerField(label="公示工作日数（不少于 5）", required=False, allow_null=True,
                                              default=None)


class QuotaInputSerializer(Serializer):
    branch = serializers.PrimaryKeyRelatedField(label="分工会", queryset=Branch.objects.all())
    quota = serializers.IntegerField(label="名额")


class PublicizeInputSerializer(Serializer):
    starts_on = serializers.DateField(label="公示开始日期")
    days = serializers.IntegerField(label="公示工作日数（不填按评选设定，不少于 5）", required=False, allow_null=True,
                                    default=None)


class BranchQuotaSerializer(Serializer):
    branch = serializers.IntegerField(source="branch.pk", label="分工会")
    branch_name = serializers.CharField(source="branch.name", label="分工会名称")
    quota = serializers.IntegerField(label="名额")
    used = serializers.IntegerField(label="已推荐")
    left = serializers.IntegerField(label="还可推荐")


class AwardsPerYearSerializer(Serializer):
    year = serializers.IntegerField(label="年度")
    campaigns = serializers.IntegerField(label="评选项数")
    winners = serializers.IntegerField(label="获评数")
    persons = serializers.IntegerField(label="个人")
    branches = serializers.IntegerField(label="集体")


class AwardFiguresSerializer(Serializer):
    years = AwardsPerYearSerializer(many=True, label="各年度")


class AwardNominationSerializer(ModelSerializer):
    """评先评优推荐"""

    name = ListedCharField(read_only=True, label="被推荐者")
    campaign_title = ListedCharField(source="campaign.title", read_only=True, label="评选名称")
    branch_name = ListedCharField(source="branch.name", read_only=True, label="分工会名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")

    class Meta:
        model = AwardNomination
        fields = ["id", "campaign", "campaign_title", "branch", "branch_name", "member", "name", "deeds", "status",
                  "status_label", "nominated_by", "nominated_at", "review_comment", "removal_reason",
                  "provincial_nomination_id", "provincial_campaign_title"]
        read_only_fields = fields


class AwardNominationInputSerializer(Serializer):
    campaign = serializers.PrimaryKeyRelatedField(label="评选", queryset=AwardCampaign.objects.all())
    member = serializers.PrimaryKeyRelatedField(label="会员（评选个人时）", queryset=Member.objects.all(),
                                                required=False, allow_null=True, default=None)
    branch = serializers.PrimaryKeyRelatedField(label="分工会（评选集体时）", queryset=Branch.objects.all(),
                                                required=False, allow_null=True, default=None)
    deeds = serializers.CharField(label="推荐理由（事迹）", allow_blank=True)


class ReviewInputSerializer(Serializer):
    comment = serializers.CharField(label="审核意见（不通过时必填）", required=False, allow_blank=True, default="")


class ReasonInputSerializer(Serializer):
    reason = serializers.CharField(label="原因", required=False, allow_blank=True, default="")


class ForwardInputSerializer(Serializer):
    provincial_campaign = serializers.IntegerField(label="省级推荐活动编号")


class AwardObjectionSerializer(ModelSerializer):
    """公示异议"""

    nominee = ListedCharField(source="nomination.name", read_only=True, label="被推荐者")
    campaign = ListedIntegerField(source="nomination.campaign_id", read_only=True, label="评选")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")

    class Meta:
        model = AwardObjection
        fields = ["id", "nomination", "nominee", "campaign", "raised_by", "raised_by_user", "content", "status",
                  "status_label", "recorded_by", "recorded_at", "resolution", "resolved_by", "resolved_at"]
        read_only_fields = fields


class ObjectionInputSerializer(Serializer):
    raised_by = serializers.CharField(label="反映人（可填“匿名”）", allow_blank=True, max_length=200)
    content = serializers.CharField(label="异议内容", allow_blank=True)


class MemberObjectionInputSerializer(Serializer):
    """A member's own objection during a 公示 (the office may add 反映人 for someone else)."""

    nomination = serializers.PrimaryKeyRelatedField(
        label="被公示者（公示名单中的编号）", queryset=AwardNomination.objects.none(),
        error_messages={"does_not_exist": "公示名单中没有这个人选。", "incorrect_type": "公示名单中没有这个人选。"})
    content = serializers.CharField(label="异议内容", allow_blank=True)
    raised_by = serializers.CharField(label="反映人（仅校工会代为记录时填写，可填“匿名”）", required=False,
                                      allow_blank=True, default="", max_length=200)

    def __init__(self, *args, **kwargs):
        from tenants.awards.selectors import public_nominations

        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = public_nominations()


class PublicNomineeSerializer(Serializer):
    """公示名单中的一个人选：只有姓名与分工会"""

    id = serializers.IntegerField(label="编号（提出异议时用）")
    name = serializers.CharField(label="姓名或分工会")
    branch_name = serializers.CharField(source="branch.name", label="分工会")
    is_branch = serializers.SerializerMethodField(label="集体（分工会）")

    def get_is_branch(self, obj) -> bool:
        return obj.member_id is None


class PublicityCampaignSerializer(ModelSerializer):
    """评先评优公示（全校会员可见）：公示中的名单与最终名单"""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类别名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    nominees = serializers.SerializerMethodField(label="公示名单（公示中）或最终名单（已公布）")
    objections_open = serializers.SerializerMethodField(label="现在可以提出异议")
    how_to_object = serializers.SerializerMethodField(label="如何提出异议")

    class Meta:
        model = AwardCampaign
        fields = ["id", "year", "title", "kind", "kind_label", "for_branches", "status", "status_label",
                  "publicity_days", "publicity_starts_on", "publicity_ends_on", "finalised_at", "nominees",
                  "objections_open", "how_to_object"]
        read_only_fields = fields

    def get_nominees(self, obj) -> list[dict]:
        from tenants.awards.selectors import public_nominees

        listed = getattr(obj, "listed_nominees", None)  # the list's query (selectors.with_public_nominees)
        if listed is not None:  # PublicNomineeSerializer's answer, rebuilt in its key order (jsonb keeps its own)
            return [{"id": row["id"], "name": row["member_name"] if row["member"] else row["branch_name"],
                     "branch_name": row["branch_name"], "is_branch": row["member"] is None} for row in listed]
        return PublicNomineeSerializer(public_nominees(obj), many=True).data

    def get_objections_open(self, obj) -> bool:
        from tenants.awards.selectors import objection_window_open

        return objection_window_open(obj)

    def get_how_to_object(self, obj) -> str:
        from tenants.awards.selectors import how_to_object

        return how_to_object(obj)


class ResolutionInputSerializer(Serializer):
    resolution = serializers.CharField(label="处理意见", allow_blank=True)


class AwardHonourSerializer(ModelSerializer):
    """校级荣誉（最终名单中的个人）"""

    name = serializers.CharField(read_only=True, label="获评者")
    year = serializers.IntegerField(source="campaign.year", read_only=True, label="年度")
    title = serializers.CharField(source="campaign.title", read_only=True, label="荣誉")
    kind = serializers.CharField(source="campaign.kind", read_only=True, label="类别")
    branch_name = serializers.CharField(source="branch.name", read_only=True, label="分工会")

    class Meta:
        model = AwardNomination
        fields = ["id", "member", "name", "year", "title", "kind", "branch_name", "campaign"]
        read_only_fields = fields
