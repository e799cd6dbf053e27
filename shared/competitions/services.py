"""Teaching competition: registration within quota and age rule, judging, ranking, awards, publication.

Ranking rule (per group, confirmed entries only):
1. each judge's weighted total = (教学设计 × w1 + 课堂教学 × w2 + 教学反思 × w3) / 100, each part scored 0–100;
2. final score = mean of the judges' weighted totals; with drop_extremes and 5 or more judges, one
   highest and one lowest total are dropped first;
3. ties: higher mean 课堂教学, then higher mean 教学设计, then earlier registration;
4. tiers by cumulative share of the group's scored entries, rounded half up: places 1..round(n×a)
   are 一等, up to round(n×(a+b)) 二等, up to round(n×(a+b+c)) 三等 (rounding the running total,
   not each tier, so rounding errors do not pile up); the rest 未获奖. The top national_top_k are
   recommended. An entry no judge scored gets no rank and no award.
"""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.competitions.models import Competition, CompetitionGroup, Entry, Judge, JudgeAssignment, Score
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.models import School
from tenants.workflow import StateMachine
from tenants.text import cn_date

E = Entry.Status
C = Competition.Status
ENTRY_FLOW = (
    StateMachine.for_field("参赛报名", Entry)
    .add("withdraw", label="撤回报名", sources={E.REGISTERED}, target=E.WITHDRAWN, roles={Role.UNION_ADMIN})
    .add("confirm", label="确认参赛资格", sources={E.REGISTERED}, target=E.CONFIRMED, roles={Role.PROVINCE_ADMIN})
    .add("reject", label="资格审查不通过", sources={E.REGISTERED}, target=E.REJECTED, roles={Role.PROVINCE_ADMIN},
         reason_required=True)
)
COMPETITION_FLOW = (
    StateMachine.for_field("教学竞赛", Competition)
    .add("start_judging", label="进入评审", sources={C.REGISTRATION}, target=C.JUDGING, roles={Role.PROVINCE_ADMIN})
    .add("publish", label="公布结果", sources={C.JUDGING}, target=C.PUBLISHED, roles={Role.PROVINCE_ADMIN})
)
COUNTED = [E.REGISTERED, E.CONFIRMED]
HUNDRED = Decimal("100")


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@transaction.atomic
def competition_create(*, by, groups: list[dict], **fields) -> Competition:
    weights = [decimal_in_range(fields.get(k, d), field=k, low=0, high=100, label="权重")
               for k, d in (("weight_design", 20), ("weight_classroom", 75), ("weight_reflection", 5))]
    if sum(weights) != HUNDRED:
        raise ValidationError({"weight_classroom": "三项权重之和必须为 100。"})
    shares = [decimal_in_range(fields.get(k, d), field=k, low=0, high=100, label="获奖比例")
              for k, d in (("first_share", 15), ("second_share", 25), ("third_share", 35))]
    if sum(shares) > HUNDRED:
        raise ValidationError({"third_share": "各等奖比例之和不能超过 100%。"})
    if not 18 <= int(fields.get("age_limit", 40)) <= 70:
        raise ValidationError({"age_limit": "年龄上限应在 18 到 70 周岁之间。"})
    if fields["registration_closes_at"] <= fields["registration_opens_at"]:
        raise ValidationError({"registration_closes_at": "报名截止必须晚于开始。"})
    if not groups:
        raise ValidationError({"groups": "至少设置一个组别。"})
    competition = Competition.objects.create(**fields)
    names = set()
    for group in groups:
        name = str(group.get("name") or "").strip()
        if not name or name in names:
            raise ValidationError({"groups": f"组别名称“{name}”为空或重复。"})
        names.add(name)
        quota = int(decimal_in_range(group.get("quota_per_school", 2), field="groups", low=0, high=50, places="1",
                                     label="每校名额"))
        CompetitionGroup.objects.create(competition=competition, name=name, quota_per_school=quota)
    audit_create(actor=by, target=competition, fields=["edition", "year", "title", "age_limit", "age_cutoff_on"])
    return competition


@transaction.atomic
def entry_register(*, by, school: School, group: CompetitionGroup, name: str, gender: str,
                   birth_date: datetime.date, course: str, title: str = "") -> Entry:
    competition = Competition.objects.select_for_update().get(pk=group.competition_id)
    now = timezone.now()
    if competition.status != C.REGISTRATION:
        raise Conflict(f"“{competition.title}”当前{competition.get_status_display()}，报名已结束。")
    if not competition.registration_opens_at <= now <= competition.registration_closes_at:
        raise Conflict(f"“{competition.title}”不在报名时间内（"
                       f"{cn_date(competition.registration_opens_at)} 至 "
                       f"{cn_date(competition.registration_closes_at)}）。")
    errors = {}
    if not (name or "").strip():
        errors["name"] = "姓名不能为空。"
    if not (course or "").strip():
        errors["course"] = "参赛课程不能为空。"
    if gender not in {"male", "female"}:
        errors["gender"] = "请选择性别。"
    if birth_date is None:
        errors["birth_date"] = "请填写出生日期。"
    elif birth_date > timezone.localdate():
        errors["birth_date"] = "出生日期不能晚于今天。"
    elif (age := age_on(birth_date, competition.age_cutoff_on)) > competition.age_limit:
        errors["birth_date"] = (f"截至 {cn_date(competition.age_cutoff_on)} 年满 {age} 周岁，"
                                f"超过 {competition.age_limit} 周岁的年龄限制。")
    if errors:
        raise ValidationError(errors)
    used = Entry.objects.filter(group=group, school=school, status__in=COUNTED).count()
    if used >= group.quota_per_school:
        raise Conflict(f"本校在{group.name}的名额为 {group.quota_per_school} 名，已用完。")
    entry = Entry.objects.create(competition=competition, group=group, school=school, name=name.strip(),
                                 gender=gender, birth_date=birth_date, title=title, course=course.strip(),
                                 registered_by=actor_name(by))
    audit_create(actor=by, target=entry, fields=["competition", "group", "school", "name", "course"])
    return entry


@transaction.atomic
def entry_move(*, entry: Entry, action: str, by, reason: str = "") -> Entry:
    entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
    ENTRY_FLOW.check(action, state=entry.status, user=by, reason=reason)
    if action == "withdraw" and timezone.now() > entry.competition.registration_closes_at:
        raise Conflict("报名已截止，不能撤回。")
    entry.note = reason
    ENTRY_FLOW.apply(entry, action, by=by, reason=reason, extra_update_fields=["note"])
    return entry


@transaction.atomic
def judge_register(*, by, user, home_school: School | None) -> Judge:
    if Role.JUDGE not in user.roles:
        raise ValidationError({"user": "该账号没有评委角色。"})
    existing = Judge.objects.filter(user=user).first()
    if existing and home_school and existing.home_school_id != home_school.pk:
        # A judge never stays assigned to contestants of the school they now belong to.
        own = JudgeAssignment.objects.filter(judge=existing, entry__school=home_school)
        if Score.objects.filter(judge=existing, entry__school=home_school).exists():
            raise Conflict("该评委已为这所学校的选手评过分，不能改为这所学校的评委。", field="home_school")
        own.delete()
    judge, created = Judge.objects.update_or_create(user=user, defaults={"home_school": home_school})
    audit_record(actor=by, action="create" if created else "update", target=judge,
                 changes={"home_school": home_school.slug if home_school else None})
    return judge


@transaction.atomic
def panel_assign(*, by, group: CompetitionGroup, judges) -> int:
    """Assign judges to every confirmed entry of the group, never to an entry of a judge's own school."""
    created = 0
    for judge in judges:
        for entry in group.entries.filter(status=E.CONFIRMED):
            if judge.home_school_id is not None and judge.home_school_id == entry.school_id:
                continue
            _, made = JudgeAssignment.objects.get_or_create(entry=entry, judge=judge)
            created += made
    audit_record(actor=by, action="update", target=group,
                 changes={"panel": sorted(str(j) for j in judges), "assignments": created})
    return created


def _part(value, field: str) -> Decimal:
    return decimal_in_range(value, field=field, low=0, high=100, label="分数")


@transaction.atomic
def score_submit(*, entry: Entry, judge: Judge, design, classroom, reflection) -> Score:
    entry = Entry.objects.select_related("competition").get(pk=entry.pk)
    # Serialized with publishing, so no score lands while the results are being ranked.
    Competition.objects.select_for_update().get(pk=entry.competition_id)
    if judge.home_school_id is not None and judge.home_school_id == entry.school_id:
        raise NotAllowed("评委不能为本校选手评分。")
    if not JudgeAssignment.objects.filter(entry=entry, judge=judge).exists():
        raise NotAllowed("您没有被分配评这位选手。")
    if entry.competition.status != C.JUDGING:
        raise Conflict(f"竞赛当前状态为“{entry.competition.get_status_display()}”，不能评分。")
    parts = {"design": _part(design, "design"), "classroom": _part(classroom, "classroom"),
             "reflection": _part(reflection, "reflection")}
    c = entry.competition
    total = ((parts["design"] * c.weight_design + parts["classroom"] * c.weight_classroom
              + parts["reflection"] * c.weight_reflection) / HUNDRED).quantize(Decimal("0.001"))
    score, _ = Score.objects.update_or_create(entry=entry, judge=judge,
                                              defaults={**parts, "weighted_total": total,
                                                        "submitted_at": timezone.now()})
    audit_record(actor=judge.user, action="update", target=entry, changes={"score_by": str(judge), **{
        k: str(v) for k, v in parts.items()}})
    return score


def _mean(values) -> Decimal:
    return (sum(values, Decimal("0")) / len(values)) if values else Decimal("0")


def rank_group(group: CompetitionGroup) -> list[Entry]:
    """Compute final scores, ranks, tiers and recommendations for one group (see module docstring)."""
    competition = group.competition
    entries = list(group.entries.filter(status=E.CONFIRMED).prefetch_related("scores"))
    keyed = []
    for entry in entries:
        scores = list(entry.scores.all())
        totals = sorted(score.weighted_total for score in scores)
        if competition.drop_extremes and len(totals) >= 5:
            totals = totals[1:-1]
        entry.final_score = _mean(totals).quantize(Decimal("0.001")) if totals else None
        keyed.append((-(entry.final_score or Decimal("-1")), -_mean([s.classroom for s in scores]),
                      -_mean([s.design for s in scores]), entry.registered_at, entry.pk, entry))
    keyed.sort(key=lambda item: item[:5])
    scored = [item[-1] for item in keyed if item[-1].final_score is not None]
    count = len(scored)

    def places(share):
        return int((Decimal(count) * share / HUNDRED).quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    first = places(competition.first_share)
    second = places(competition.first_share + competition.second_share)
    third = places(competition.first_share + competition.second_share + competition.third_share)
    for position, entry in enumerate(scored, start=1):
        entry.rank = position
        entry.award = (Entry.Award.FIRST if position <= first else Entry.Award.SECOND if position <= second
                       else Entry.Award.THIRD if position <= third else Entry.Award.NONE)
        entry.recommended = position <= competition.national_top_k
        entry.save(update_fields=["final_score", "rank", "award", "recommended"])
    for item in keyed[count:]:
        entry = item[-1]
        entry.rank, entry.award, entry.recommended = None, Entry.Award.NONE, False
        entry.save(update_fields=["final_score", "rank", "award", "recommended"])
    return scored


@transaction.atomic
def competition_move(*, competition: Competition, action: str, by) -> Competition:
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    COMPETITION_FLOW.check(action, state=competition.status, user=by)
    if action == "publish":
        for group in competition.groups.all():
            rank_group(group)
    COMPETITION_FLOW.apply(competition, action, by=by)
    return competition
