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
from django.db.models import Count
from django.utils import timezone

from shared.competitions.models import Competition, CompetitionGroup, Entry, Judge, JudgeAssignment, Score
from tenants.accounts.roles import Role
from tenants.accounts.services import user_create
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.models import School
from tenants.workflow import StateMachine
from tenants.text import ascii_int, cn_date
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit

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


REQUIRED = {"edition": "请填写届次。", "year": "请填写年度。", "title": "名称不能为空。",
            "age_cutoff_on": "请填写年龄计算截止日。", "registration_opens_at": "请填写报名开始时间。",
            "registration_closes_at": "请填写报名截止时间。"}
DEFAULTS = {"weight_design": 20, "weight_classroom": 75, "weight_reflection": 5,
            "first_share": 15, "second_share": 25, "third_share": 35, "age_limit": 40, "national_top_k": 1}
GROUP_NAME_LENGTH = 40
GROUP_QUOTA_MAX = 50


def _collect(errors: dict, field: str, check):
    """Run one check; a ValidationError it raises is kept under its field and None returned."""
    try:
        return check()
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.message_dict.get(field, exc.messages) if hasattr(
            exc, "error_dict") else exc.messages)
        return None


def _whole(value, *, field, low, high, label) -> int:
    return int(decimal_in_range(value, field=field, low=low, high=high, places="1", label=label))


def _group_rows(groups) -> list[tuple[str, int]]:
    rows, names = [], set()
    for group in groups or []:
        name = str(group.get("name") or "").strip()
        if not name or name in names or len(name) > GROUP_NAME_LENGTH:
            raise ValidationError({"groups": f"组别名称“{name}”为空、重复或超过 {GROUP_NAME_LENGTH} 个字。"})
        names.add(name)
        rows.append((name, _whole(group.get("quota_per_school", 2), field="groups", low=0, high=GROUP_QUOTA_MAX,
                                  label=f"{name}的每校名额")))
    if not rows:
        raise ValidationError({"groups": "至少设置一个组别。"})
    return rows


@transaction.atomic
def competition_create(*, by, groups: list[dict], **fields) -> Competition:
    """Every refusal names its field, all of them at once; nothing is written unless all pass."""
    errors: dict[str, list[str]] = {name: [message] for name, message in REQUIRED.items()
                                    if fields.get(name) is None or str(fields[name]).strip() == ""}
    values = {**DEFAULTS, **{k: v for k, v in fields.items() if v is not None}}
    if "edition" not in errors:
        values["edition"] = _collect(errors, "edition", lambda: _whole(values["edition"], field="edition", low=1,
                                                                       high=999, label="届次"))
    if "year" not in errors:
        values["year"] = _collect(errors, "year", lambda: _whole(values["year"], field="year", low=2000, high=2100,
                                                                 label="年度"))
    if "title" not in errors:
        values["title"] = str(values["title"]).strip()
    for k in ("weight_design", "weight_classroom", "weight_reflection"):
        values[k] = _collect(errors, k, lambda k=k: decimal_in_range(values[k], field=k, low=0, high=100,
                                                                     label="权重"))
    for k in ("first_share", "second_share", "third_share"):
        values[k] = _collect(errors, k, lambda k=k: decimal_in_range(values[k], field=k, low=0, high=100,
                                                                     label="获奖比例"))
    values["age_limit"] = _collect(errors, "age_limit", lambda: _whole(
        values["age_limit"], field="age_limit", low=18, high=70, label="年龄上限"))
    values["national_top_k"] = _collect(errors, "national_top_k", lambda: _whole(
        values["national_top_k"], field="national_top_k", low=0, high=50, label="推荐全国赛人数"))
    weights = [values[k] for k in ("weight_design", "weight_classroom", "weight_reflection")]
    if None not in weights and sum(weights) != HUNDRED:
        errors.setdefault("weight_classroom", []).append("三项权重之和必须为 100。")
    shares = [values[k] for k in ("first_share", "second_share", "third_share")]
    if None not in shares and sum(shares) > HUNDRED:
        errors.setdefault("third_share", []).append("各等奖比例之和不能超过 100%。")
    if not errors.keys() & {"registration_opens_at", "registration_closes_at"} and (
            values["registration_closes_at"] <= values["registration_opens_at"]):
        errors["registration_closes_at"] = ["报名截止必须晚于开始。"]
    group_rows = _collect(errors, "groups", lambda: _group_rows(groups))
    if errors:
        raise ValidationError(errors)
    competition = Competition.objects.create(**values)
    for name, quota in group_rows:
        CompetitionGroup.objects.create(competition=competition, name=name, quota_per_school=quota)
    audit_create(actor=by, target=competition, fields=["edition", "year", "title", "age_limit", "age_cutoff_on"])
    return competition


def _registration_only(competition: Competition, what: str) -> None:
    if competition.status != C.REGISTRATION:
        raise Conflict(f"“{competition.title}”当前{competition.get_status_display()}，不能再{what}。")


def school_use_by_group(competition: Competition) -> dict[int, int]:
    """group id → the most places any one school has used in it (registered or confirmed)."""
    rows = (Entry.objects.filter(competition=competition, status__in=COUNTED)
            .values("group_id", "school_id").annotate(used=Count("id")))
    most: dict[int, int] = {}
    for row in rows:
        most[row["group_id"]] = max(most.get(row["group_id"], 0), row["used"])
    return most


@transaction.atomic
def group_add(*, by, competition: Competition, name: str, quota_per_school) -> CompetitionGroup:
    """A new group while registration is open; its quota per school 0–50."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _registration_only(competition, "增加组别")
    errors: dict[str, list[str]] = {}
    name = str(name or "").strip()
    if not name or len(name) > GROUP_NAME_LENGTH:
        errors["name"] = [f"组别名称不能为空，且不超过 {GROUP_NAME_LENGTH} 个字。"]
    elif competition.groups.filter(name=name).exists():
        errors["name"] = [f"已有组别“{name}”。"]
    quota = _collect(errors, "quota_per_school", lambda: _whole(quota_per_school, field="quota_per_school", low=0,
                                                                high=GROUP_QUOTA_MAX, label="每校名额"))
    if errors:
        raise ValidationError(errors)
    group = CompetitionGroup.objects.create(competition=competition, name=name, quota_per_school=quota)
    audit_create(actor=by, target=group, fields=["competition", "name", "quota_per_school"])
    return group


@transaction.atomic
def group_quotas_set(*, by, competition: Competition, quotas: dict) -> list[CompetitionGroup]:
    """Set the quota per school of several groups at once (group id → quota), all or nothing.

    A quota is never set below what a school has already used in that group (registered or
    confirmed entries): the refusal is keyed ``quota_<group id>``. The competition row is locked,
    as registration locks it, so no entry slips in between the check and the change."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _registration_only(competition, "修改名额")
    groups = {g.pk: g for g in competition.groups.all()}
    used = school_use_by_group(competition)
    errors: dict[str, list[str]] = {}
    changed = []
    for key, value in quotas.items():
        group = groups.get(ascii_int(key, max_digits=18))
        if group is None:
            raise ValidationError({"quotas": "组别不属于这项竞赛。"})
        field = f"quota_{group.pk}"
        quota = _collect(errors, field, lambda: _whole(value, field=field, low=0, high=GROUP_QUOTA_MAX,
                                                       label="每校名额"))
        if quota is None:
            continue
        if quota < used.get(group.pk, 0):
            errors[field] = [f"已有学校在{group.name}报名 {used[group.pk]} 名，名额不能少于 {used[group.pk]}。"]
        elif quota != group.quota_per_school:
            changed.append((group, quota))
    if errors:
        raise ValidationError(errors)
    for group, quota in changed:
        before = group.quota_per_school
        group.quota_per_school = quota
        group.save(update_fields=["quota_per_school"])
        audit_record(actor=by, action="update", target=group, changes={"quota_per_school": [before, quota]})
    return [group for group, _ in changed]


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
    emit("entry.status_changed", webhook_events.entry_data(entry), school=school)
    return entry


@transaction.atomic
def entry_move(*, entry: Entry, action: str, by, reason: str = "") -> Entry:
    entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
    ENTRY_FLOW.check(action, state=entry.status, user=by, reason=reason)
    if action == "withdraw" and timezone.now() > entry.competition.registration_closes_at:
        raise Conflict("报名已截止，不能撤回。")
    entry.note = reason
    from_status = entry.status
    ENTRY_FLOW.apply(entry, action, by=by, reason=reason, extra_update_fields=["note"])
    emit("entry.status_changed", webhook_events.entry_data(entry, from_status=from_status), school=entry.school)
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
def judge_account_create(*, by, username: str, full_name: str, home_school: School | None) -> tuple[Judge, str]:
    """A new provincial account holding only the judge role, registered with its home school.
    Returns the judge and the one-time password (shown once; the judge changes it)."""
    user, password = user_create(username=username, roles=[Role.JUDGE], by=by, full_name=(full_name or "").strip())
    return judge_register(by=by, user=user, home_school=home_school), password


def _not_published(competition: Competition) -> None:
    if competition.status == C.PUBLISHED:
        raise Conflict(f"“{competition.title}”的结果已公布，评审组不能再变动。")


def _own_school(judge: Judge, entry: Entry) -> bool:
    return judge.home_school_id is not None and judge.home_school_id == entry.school_id


@transaction.atomic
def panel_assign(*, by, group: CompetitionGroup, judges) -> int:
    """Assign judges to every confirmed entry of the group, never to an entry of a judge's own school
    (those are skipped: a panel serves the whole group, and each judge sits out their own school's
    contestants). Running it again adds only what is missing, e.g. entries confirmed since."""
    competition = Competition.objects.select_for_update().get(pk=group.competition_id)
    _not_published(competition)
    if not judges:
        raise ValidationError({"judges": "请选择评委。"})
    created = 0
    for judge in judges:
        for entry in group.entries.filter(status=E.CONFIRMED):
            if _own_school(judge, entry):
                continue
            _, made = JudgeAssignment.objects.get_or_create(entry=entry, judge=judge)
            created += made
    audit_record(actor=by, action="update", target=group,
                 changes={"panel": sorted(str(j) for j in judges), "assignments": created})
    return created


@transaction.atomic
def assignment_add(*, by, entry: Entry, judge: Judge) -> JudgeAssignment:
    """Assign one judge to one contestant. Refused for a contestant of the judge's own school."""
    competition = Competition.objects.select_for_update().get(pk=entry.competition_id)
    _not_published(competition)
    entry = Entry.objects.select_related("school").get(pk=entry.pk)
    if entry.status != E.CONFIRMED:
        raise ValidationError({"entry": f"{entry.name}尚未确认参赛资格，不能分配评委。"})
    if _own_school(judge, entry):
        raise ValidationError({"judge": f"评委{judge.user}来自{entry.school.name}，不能评本校选手{entry.name}（回避）。"})
    assignment, created = JudgeAssignment.objects.get_or_create(entry=entry, judge=judge)
    if not created:
        raise Conflict(f"评委{judge.user}已在评{entry.name}。", field="judge")
    audit_record(actor=by, action="create", target=entry, changes={"judge": str(judge)})
    return assignment


@transaction.atomic
def panel_remove(*, by, group: CompetitionGroup, judge: Judge) -> int:
    """Take a judge off a group's panel. Refused once the judge has scored anyone in the group."""
    competition = Competition.objects.select_for_update().get(pk=group.competition_id)
    _not_published(competition)
    scored = Score.objects.filter(judge=judge, entry__group=group).count()
    if scored:
        raise Conflict(f"评委{judge.user}已为{group.name}的 {scored} 名选手评分，不能移出评审组。")
    removed, _ = JudgeAssignment.objects.filter(judge=judge, entry__group=group).delete()
    audit_record(actor=by, action="update", target=group, changes={"removed_judge": str(judge), "assignments": removed})
    return removed


#: the three parts a judge scores: (field, label); the weights are the competition's
PARTS = (("design", "教学设计"), ("classroom", "课堂教学"), ("reflection", "教学反思"))
SCORE_LOW, SCORE_HIGH = 0, 100


@transaction.atomic
def score_submit(*, entry: Entry, judge: Judge, design, classroom, reflection) -> Score:
    """One judge's three scores for one contestant (each 0–100; saved again until publication)."""
    entry = Entry.objects.select_related("competition").get(pk=entry.pk)
    # Serialized with publishing, so no score lands while the results are being ranked.
    Competition.objects.select_for_update().get(pk=entry.competition_id)
    if _own_school(judge, entry):
        raise NotAllowed("评委不能为本校选手评分。")
    if not JudgeAssignment.objects.filter(entry=entry, judge=judge).exists():
        raise NotAllowed("您没有被分配评这位选手。")
    if entry.competition.status != C.JUDGING:
        raise Conflict(f"竞赛当前状态为“{entry.competition.get_status_display()}”，不能评分。")
    given = {"design": design, "classroom": classroom, "reflection": reflection}
    errors: dict[str, list[str]] = {}
    parts = {field: _collect(errors, field, lambda f=field, label=label: decimal_in_range(
        given[f], field=f, low=SCORE_LOW, high=SCORE_HIGH, label=label)) for field, label in PARTS}
    if errors:
        raise ValidationError(errors)
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


def group_ranking(group: CompetitionGroup) -> list[Entry]:
    """The group's confirmed entries in ranking order with final_score, rank, award and recommended
    set on them (not saved): the results page's preview before publication, and what publishing
    stores. Rule in the module docstring."""
    competition = group.competition
    entries = list(group.entries.filter(status=E.CONFIRMED).select_related("school").prefetch_related("scores"))
    keyed = []
    for entry in entries:
        scores = list(entry.scores.all())
        entry.score_count = len(scores)
        totals = sorted(score.weighted_total for score in scores)
        if competition.drop_extremes and len(totals) >= 5:
            totals = totals[1:-1]
        entry.final_score = _mean(totals).quantize(Decimal("0.001")) if totals else None
        keyed.append((-(entry.final_score or Decimal("-1")), -_mean([s.classroom for s in scores]),
                      -_mean([s.design for s in scores]), entry.registered_at, entry.pk, entry))
    keyed.sort(key=lambda item: item[:5])
    ordered = [item[-1] for item in keyed]
    scored = [entry for entry in ordered if entry.final_score is not None]
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
    for entry in ordered[count:]:
        entry.rank, entry.award, entry.recommended = None, Entry.Award.NONE, False
    return ordered


def rank_group(group: CompetitionGroup) -> list[Entry]:
    """Compute and store final scores, ranks, tiers and recommendations for one group."""
    ordered = group_ranking(group)
    for entry in ordered:
        entry.save(update_fields=["final_score", "rank", "award", "recommended"])
    return [entry for entry in ordered if entry.final_score is not None]


@transaction.atomic
def competition_move(*, competition: Competition, action: str, by) -> Competition:
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    COMPETITION_FLOW.check(action, state=competition.status, user=by)
    if action == "publish":
        for group in competition.groups.all():
            rank_group(group)
    COMPETITION_FLOW.apply(competition, action, by=by)
    return competition
