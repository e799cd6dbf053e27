from rest_framework import serializers

from api.listed import ListedRows
from api.serializers import ModelSerializer, Serializer

from shared.competitions.models import Competition, CompetitionGroup, Entry, Judge, Score


class CompetitionGroupSerializer(ModelSerializer):
    """竞赛组别"""

    class Meta:
        model = CompetitionGroup
        fields = ["id", "name", "quota_per_school"]
        list_serializer_class = ListedRows


class CompetitionSerializer(ModelSerializer):
    """教学竞赛"""

    groups = CompetitionGroupSerializer(many=True, label="组别")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")

    class Meta:
        model = Competition
        fields = ["id", "edition", "year", "title", "age_limit", "age_cutoff_on", "registration_opens_at",
                  "registration_closes_at", "weight_design", "weight_classroom", "weight_reflection",
                  "drop_extremes", "first_share", "second_share", "third_share", "national_top_k", "status",
                  "status_label", "groups"]
        read_only_fields = ["status"]


RESULT_FIELDS = ["final_score", "rank", "award", "award_label", "recommended"]


class EntrySerializer(ModelSerializer):
    """参赛选手（竞赛结果公布前，学校看不到任何分数）"""

    school_name = serializers.CharField(source="school.name", read_only=True, label="学校")
    group_name = serializers.CharField(source="group.name", read_only=True, label="组别")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    award_label = serializers.CharField(source="get_award_display", read_only=True, label="奖项")
    # Left out of the answer until the results are published (api/schema.py reads this).
    conditional_fields = RESULT_FIELDS

    class Meta:
        model = Entry
        fields = ["id", "competition", "group", "group_name", "school", "school_name", "name", "gender",
                  "birth_date", "title", "course", "status", "status_label", "note", "registered_at",
                  *RESULT_FIELDS]
        read_only_fields = fields

    def to_representation(self, entry):
        data = super().to_representation(entry)
        if not self.context.get("show_results") and entry.competition.status != Competition.Status.PUBLISHED:
            for field in RESULT_FIELDS:
                data.pop(field, None)
        return data


class EntryInputSerializer(Serializer):
    """报名参赛"""

    group = serializers.PrimaryKeyRelatedField(label="组别", queryset=CompetitionGroup.objects.all())
    name = serializers.CharField(label="姓名", max_length=50)
    gender = serializers.ChoiceField(label="性别", choices=[("male", "男"), ("female", "女")])
    birth_date = serializers.DateField(label="出生日期")
    title = serializers.CharField(label="职称", max_length=50, required=False, allow_blank=True, default="")
    course = serializers.CharField(label="参赛课程", max_length=100)


class JudgeSerializer(ModelSerializer):
    """评委"""

    username = serializers.CharField(source="user.username", read_only=True, label="账号")
    home_school_slug = serializers.SlugField(label="所在学校站点标识（省工会人员留空）", write_only=True,
                                             required=False, allow_blank=True)
    home_school_name = serializers.CharField(source="home_school.name", read_only=True, default="", label="所在学校")

    class Meta:
        model = Judge
        fields = ["id", "user", "username", "home_school", "home_school_name", "home_school_slug"]
        read_only_fields = ["home_school"]
        validators = []


class PanelSerializer(Serializer):
    """评审组"""

    group = serializers.PrimaryKeyRelatedField(label="组别", queryset=CompetitionGroup.objects.all())
    judges = serializers.PrimaryKeyRelatedField(label="评委", many=True, queryset=Judge.objects.all())


class GroupInputSerializer(Serializer):
    """新增组别"""

    name = serializers.CharField(label="组别", max_length=40)
    quota_per_school = serializers.IntegerField(label="每校名额", min_value=0, max_value=50)


class QuotasSerializer(Serializer):
    """各组每校名额（组别 id → 名额；不能低于已有学校报名的人数）"""

    quotas = serializers.DictField(label="各组每校名额", child=serializers.IntegerField(min_value=0, max_value=50))


class AssignmentSerializer(Serializer):
    """为一名选手增派评委（不能是本校评委）"""

    entry = serializers.PrimaryKeyRelatedField(label="选手", queryset=Entry.objects.all())
    judge = serializers.PrimaryKeyRelatedField(label="评委", queryset=Judge.objects.all())


class PanelRemoveSerializer(Serializer):
    """把评委移出某组评审组（已评分的不能移出）"""

    group = serializers.PrimaryKeyRelatedField(label="组别", queryset=CompetitionGroup.objects.all())
    judge = serializers.PrimaryKeyRelatedField(label="评委", queryset=Judge.objects.all())


class ScoreInputSerializer(Serializer):
    """评分（各项 0–100）"""

    design = serializers.DecimalField(label="教学设计", max_digits=5, decimal_places=2)
    classroom = serializers.DecimalField(label="课堂教学", max_digits=5, decimal_places=2)
    reflection = serializers.DecimalField(label="教学反思", max_digits=5, decimal_places=2)


class ScoreSerializer(ModelSerializer):
    """评分"""

    class Meta:
        model = Score
        fields = ["id", "entry", "design", "classroom", "reflection", "weighted_total", "submitted_at"]


class EntryDecisionSerializer(Serializer):
    reason = serializers.CharField(label="原因", max_length=2000, required=False, allow_blank=True, default="")
