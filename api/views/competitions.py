"""The teaching competition on both hosts; judges score on the provincial host."""
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.filters import EntryFilter, ProvinceEntryFilter
from api.params import validated
from api.permissions import ProvinceAdmin, UnionAdmin, role_required
from api.scoping import current_school
from api.serializers.competitions import (
    AssignmentSerializer,
    CompetitionGroupSerializer,
    CompetitionSerializer,
    EntryDecisionSerializer,
    EntryInputSerializer,
    EntrySerializer,
    JudgeSerializer,
    GroupInputSerializer,
    PanelRemoveSerializer,
    PanelSerializer,
    QuotasSerializer,
    ScoreInputSerializer,
    ScoreSerializer,
)
from shared.competitions import services as s
from shared.competitions.models import Competition, Entry, Judge
from shared.competitions.selectors import competitions_listed, entries_listed
from tenants.accounts.roles import Role
from tenants.errors import NotAllowed
from tenants.selectors import schools

JudgeRole = role_required(Role.JUDGE)


def entries_queryset(action=None, *, results_shown=False):
    if action == "list":
        return entries_listed(Entry.objects.all(), results_shown=results_shown)
    return Entry.objects.select_related("school", "group", "competition")


# --- provincial host ---------------------------------------------------------------------------

@extend_schema(tags=["教学竞赛（省级）"])
@extend_schema_view(list=extend_schema(summary="竞赛列表"), retrieve=extend_schema(summary="竞赛详情"),
                    create=extend_schema(summary="发布竞赛（含组别、年龄限制、权重、获奖比例）"))
class ProvinceCompetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                                 ProvinceViewSet):
    queryset = Competition.objects.prefetch_related("groups")
    serializer_class = CompetitionSerializer

    def base_queryset(self):
        return competitions_listed(Competition.objects.all()) if self.action == "list" else self.queryset.all()

    # Like the competition pages (web/province/competitions.py): the provincial admin only; a judge
    # sees just the entries assigned to them, through JudgingViewSet.
    permission_classes = [ProvinceAdmin]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        groups = data.pop("groups")
        serializer.instance = s.competition_create(by=self.request.user, groups=groups, **data)

    @extend_schema(summary="进入评审（停止报名）", request=None, responses=CompetitionSerializer)
    @action(detail=True, methods=["post"], url_path="start-judging")
    def start_judging(self, request, pk=None):
        s.competition_move(competition=self.get_object(), action="start_judging", by=request.user)
        return Response(CompetitionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="计算名次并公布结果", request=None, responses=CompetitionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        s.competition_move(competition=self.get_object(), action="publish", by=request.user)
        return Response(CompetitionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="组建评审组：评委被分配到该组每位已确认选手（本校选手除外）", request=PanelSerializer)
    @action(detail=True, methods=["post"])
    def panel(self, request, pk=None):
        data = validated(request, PanelSerializer)
        if data["group"].competition_id != self.get_object().pk:
            raise ValidationError({"group": "组别不属于这项竞赛。"})
        created = s.panel_assign(by=request.user, group=data["group"], judges=data["judges"])
        return Response({"assignments": created})

    @extend_schema(summary="增加组别（报名期间）", request=GroupInputSerializer,
                   responses={201: CompetitionGroupSerializer})
    @action(detail=True, methods=["post"])
    def groups(self, request, pk=None):
        group = s.group_add(by=request.user, competition=self.get_object(), **validated(request, GroupInputSerializer))
        return Response(CompetitionGroupSerializer(group).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改各组每校名额（不能低于已有学校报名的人数；全部成功或全部不改）",
                   request=QuotasSerializer, responses=CompetitionSerializer)
    @action(detail=True, methods=["post"])
    def quotas(self, request, pk=None):
        s.group_quotas_set(by=request.user, competition=self.get_object(),
                           quotas=validated(request, QuotasSerializer)["quotas"])
        return Response(CompetitionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="为一名已确认的选手增派评委（本校评委被拒绝）", request=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = validated(request, AssignmentSerializer)
        if data["entry"].competition_id != self.get_object().pk:
            raise ValidationError({"entry": "选手不属于这项竞赛。"})
        s.assignment_add(by=request.user, **data)
        return Response({"entry": data["entry"].pk, "judge": data["judge"].pk}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="把评委移出某组评审组（已评分的不能移出）", request=PanelRemoveSerializer)
    @action(detail=True, methods=["post"], url_path="panel-remove")
    def panel_remove(self, request, pk=None):
        data = validated(request, PanelRemoveSerializer)
        if data["group"].competition_id != self.get_object().pk:
            raise ValidationError({"group": "组别不属于这项竞赛。"})
        return Response({"removed": s.panel_remove(by=request.user, **data)})

    @extend_schema(summary="成绩（按组、按名次；公布前仅省级可看）", responses=EntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        rows = entries_queryset().filter(competition=self.get_object(), status=Entry.Status.CONFIRMED).order_by(
            "group_id", "rank", "id")
        return self.paginated(rows, EntrySerializer, show_results=True)


@extend_schema(tags=["教学竞赛（省级）"])
@extend_schema_view(list=extend_schema(summary="全区报名"), retrieve=extend_schema(summary="报名详情"))
class ProvinceEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProvinceViewSet):
    queryset = Entry.objects.none()
    serializer_class = EntrySerializer
    permission_classes = [ProvinceAdmin]
    filterset_class = ProvinceEntryFilter

    def base_queryset(self):
        return entries_queryset(self.action, results_shown=True)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_results": True}

    def _move(self, request, name):
        entry = s.entry_move(entry=self.get_object(), action=name, by=request.user,
                             **validated(request, EntryDecisionSerializer))
        return Response(EntrySerializer(self.get_queryset().get(pk=entry.pk), context={"show_results": True}).data)

    @extend_schema(summary="确认参赛资格", request=EntryDecisionSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def confirm(self, request, pk=None):
        return self._move(request, "confirm")

    @extend_schema(summary="资格审查不通过（须填原因）", request=EntryDecisionSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"], permission_classes=[ProvinceAdmin])
    def reject(self, request, pk=None):
        return self._move(request, "reject")


@extend_schema(tags=["教学竞赛（省级）"])
@extend_schema_view(list=extend_schema(summary="评委列表"), create=extend_schema(summary="登记评委及其所在学校"))
class JudgeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ProvinceViewSet):
    queryset = Judge.objects.select_related("user", "home_school").order_by("id")
    serializer_class = JudgeSerializer
    permission_classes = [ProvinceAdmin]

    def create(self, request, *args, **kwargs):
        data = validated(request, JudgeSerializer)
        slug = data.get("home_school_slug")
        school = get_object_or_404(schools(), slug=slug) if slug else None
        judge = s.judge_register(by=request.user, user=data["user"], home_school=school)
        return Response(JudgeSerializer(judge).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["教学竞赛（评委）"])
@extend_schema_view(list=extend_schema(summary="分配给我的选手"))
class JudgingViewSet(mixins.ListModelMixin, ProvinceViewSet):
    """A judge sees only the entries assigned to them (never their own school's) and scores them."""

    queryset = Entry.objects.none()
    serializer_class = EntrySerializer
    permission_classes = [JudgeRole]
    filterset_class = EntryFilter

    def judge(self) -> Judge:
        judge = Judge.objects.filter(user=self.request.user).first()
        if judge is None:
            raise NotAllowed("您的账号尚未登记为评委。")
        return judge

    def base_queryset(self):
        return entries_queryset().filter(assignments__judge=self.judge())

    @extend_schema(summary="评分", request=ScoreInputSerializer, responses={201: ScoreSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        judge = self.judge()
        # Only the judge's own assignments exist for them; an entry of their own school is shown
        # to the service anyway, which says why it can never be theirs to score.
        entry = self.base_queryset().filter(pk=pk).first() or get_object_or_404(
            Entry, pk=pk, school_id=judge.home_school_id or 0)
        score = s.score_submit(entry=entry, judge=judge, **validated(request, ScoreInputSerializer))
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)


# --- school host ------------------------------------------------------------------------------

@extend_schema(tags=["教学竞赛"])
@extend_schema_view(list=extend_schema(summary="竞赛"), retrieve=extend_schema(summary="竞赛详情"))
class SchoolCompetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    dangerously_unscoped = "竞赛由自治区发布、面向全区每一所学校。"
    queryset = Competition.objects.prefetch_related("groups")
    serializer_class = CompetitionSerializer
    permission_classes = [IsAuthenticated]

    def base_queryset(self):
        return competitions_listed(Competition.objects.all()) if self.action == "list" else self.queryset.all()


@extend_schema(tags=["教学竞赛"])
@extend_schema_view(
    list=extend_schema(summary="本校报名（公布前不含分数）"),
    retrieve=extend_schema(summary="本校报名详情"),
    create=extend_schema(summary="报名（检查年龄和名额）", request=EntryInputSerializer, responses={201: EntrySerializer}))
class SchoolEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         SchoolViewSet):
    queryset = Entry.objects.all()
    school_field = "school"
    serializer_class = EntrySerializer
    permission_classes = [UnionAdmin]
    filterset_class = EntryFilter

    def base_queryset(self):
        return entries_queryset(self.action)

    def create(self, request, *args, **kwargs):
        entry = s.entry_register(by=request.user, school=current_school(request),
                                 **validated(request, EntryInputSerializer))
        return Response(EntrySerializer(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="撤回报名（截止前）", request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = s.entry_move(entry=self.get_object(), action="withdraw", by=request.user)
        return Response(EntrySerializer(self.get_queryset().get(pk=entry.pk)).data)


