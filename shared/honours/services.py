"""Honours: campaigns, school nominations within quota, review, 公示 with objections, decision."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shared.honours.models import (
    CampaignQuota,
    HonourCampaign,
    HonourKind,
    HonourRecord,
    ModelWorkerCare,
    Nomination,
)
from shared.honours.selectors import COUNTED
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, DomainError
from tenants.models import School
from tenants.publicity import check_objection_window, check_publicity_over, check_quota_left, publicity_start_error
from tenants.publicity import whole_number as _whole_number
from tenants.workflow import StateMachine
from tenants.text import cn_date
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit

N = Nomination.Status
MAX_QUOTA = 100
REVIEWERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER}
NOMINATION_FLOW = (
    StateMachine.for_field("荣誉推荐", Nomination)
    .add("withdraw", label="撤回推荐", sources={N.SUBMITTED}, target=N.WITHDRAWN, roles={Role.UNION_ADMIN})
    .add("pass", label="评审通过", sources={N.SUBMITTED}, target=N.PASSED, roles=REVIEWERS)
    .add("fail", label="评审不通过", sources={N.SUBMITTED}, target=N.FAILED, roles=REVIEWERS,
         reason_required=True)
    .add("publicize", label="公示", sources={N.PASSED}, target=N.PUBLICIZED, roles={Role.PROVINCE_ADMIN})
    .add("award", label="授予", sources={N.PUBLICIZED}, target=N.AWARDED, roles={Role.PROVINCE_ADMIN})
    .add("decline", label="不予授予", sources={N.PUBLICIZED}, target=N.NOT_AWARDED, roles={Role.PROVINCE_ADMIN},
         reason_required=True)
)
HC = HonourCampaign.Status
CAMPAIGN_FLOW = (
    StateMachine.for_field("推荐活动", HonourCampaign)
    # Once nominations are closed the reviewers know the field is complete; starting 公示 closes
    # them by itself when the province did not do it first.
    .add("start_review", label="截止推荐、进入评审", sources={HC.OPEN}, target=HC.REVIEWING,
         roles={Role.PROVINCE_ADMIN})
    .add("publicize", label="公示", sources={HC.REVIEWING}, target=HC.PUBLICIZING, roles={Role.PROVINCE_ADMIN})
    # Taken when the last nomination in 公示 is decided, by whoever decided it.
    .add("decide", label="全部决定", sources={HC.PUBLICIZING}, target=HC.DECIDED, roles={Role.PROVINCE_ADMIN})
)


@transaction.atomic
def campaign_create(*, by, kind, year, title: str, deadline: datetime.datetime | None,
                    default_quota=1, quotas: dict | None = None) -> HonourCampaign:
    errors = {}
    if kind not in HonourKind.values:
        errors["kind"] = "请选择荣誉类别。"
    if not (title or "").strip():
        errors["title"] = "名称不能为空。"
    year = _whole_number(year, field="year", label="年度", low=2000, high=2100, errors=errors)
    if deadline is None:
        errors["deadline"] = "请填写推荐截止时间。"
    elif deadline <= timezone.now():
        errors["deadline"] = "推荐截止时间应晚于现在。"
    default_quota = _whole_number(default_quota, field="default_quota", label="每校名额", low=0, high=MAX_QUOTA,
                                  errors=errors)
    if errors:
        raise ValidationError(errors)
    campaign = HonourCampaign.objects.create(kind=kind, year=year, title=title.strip(), deadline=deadline,
                                             default_quota=default_quota)
    for school, quota in (quotas or {}).items():
        CampaignQuota.objects.create(campaign=campaign, school=school, quota=quota)
    audit_create(actor=by, target=campaign, fields=["kind", "year", "title", "deadline", "default_quota"])
    return campaign


def quota_field(school: School) -> str:
    """The name campaign_set_quotas gives a school's quota in its errors (and the page its field)."""
    return f"quota_{school.slug}"


def quota_used(campaign: HonourCampaign, school: School) -> int:
    return Nomination.objects.filter(campaign=campaign, school=school, status__in=COUNTED).count()


def _used_by_school(campaign: HonourCampaign) -> dict[int, int]:
    return dict(Nomination.objects.filter(campaign=campaign, status__in=COUNTED).values("school")
                .annotate(n=Count("id")).values_list("school", "n"))


def _below_used(school: School, quota: int, used: int, *, by_default: bool = False) -> str:
    if by_default:
        return (f"{school.name}已推荐 {used} 名，按每校名额 {quota} 名计会少于已推荐的人数；"
                f"请为该校填写不少于 {used} 的名额。")
    return f"{school.name}已推荐 {used} 名，名额不能少于 {used}。"


@transaction.atomic
def campaign_set_quota(*, campaign: HonourCampaign, school: School, quota, by) -> CampaignQuota:
    """One school's own quota. Never below what the school has already used (the campaign row is
    locked, so no nomination slips in between the count and the change)."""
    campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
    errors = {}
    quota = _whole_number(quota, field="quota", label="名额", low=0, high=MAX_QUOTA, errors=errors)
    if quota is not None:
        used = quota_used(campaign, school)
        if quota < used:
            errors["quota"] = _below_used(school, quota, used)
    if errors:
        raise ValidationError(errors)
    row, _ = CampaignQuota.objects.update_or_create(campaign=campaign, school=school, defaults={"quota": quota})
    audit_record(actor=by, action="update", target=campaign, changes={f"quota:{school.slug}": quota})
    return row


@transaction.atomic
def campaign_set_quotas(*, campaign: HonourCampaign, by, default_quota, quotas: dict) -> int:
    """The default quota and every school's own one at once (the page's grid).

    ``quotas`` maps School → a number, or None / "" for "the default". Each school's quota — its
    own, or the default when it has none — must not fall below what it has already used; every
    refusal is reported at once, keyed ``default_quota`` and ``quota_<slug>``, and nothing is
    written unless all are right. Answers how many values changed (audited as one record).
    """
    campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
    errors: dict[str, str] = {}
    new_default = _whole_number(default_quota, field="default_quota", label="每校名额", low=0, high=MAX_QUOTA,
                                errors=errors)
    wanted: dict[School, int | None] = {}
    for school, value in quotas.items():
        wanted[school] = _whole_number(value, field=quota_field(school), label="名额", low=0, high=MAX_QUOTA,
                                       errors=errors, blank="ok")
    if new_default is not None:
        used = _used_by_school(campaign)
        for school, quota in wanted.items():
            if quota_field(school) in errors:
                continue
            effective = new_default if quota is None else quota
            if effective < used.get(school.pk, 0):
                errors[quota_field(school)] = _below_used(school, effective, used[school.pk],
                                                          by_default=quota is None)
    if errors:
        raise ValidationError(errors)
    existing = {row.school_id: row for row in campaign.quotas.all()}
    changes = {}
    if new_default != campaign.default_quota:
        changes["default_quota"] = [campaign.default_quota, new_default]
        campaign.default_quota = new_default
        campaign.save(update_fields=["default_quota"])
    for school, quota in wanted.items():
        row = existing.get(school.pk)
        before = row.quota if row else None
        if quota == before:
            continue
        changes[f"quota:{school.slug}"] = [before, quota]
        if quota is None:
            row.delete()
        elif row is None:
            CampaignQuota.objects.create(campaign=campaign, school=school, quota=quota)
        else:
            row.quota = quota
            row.save(update_fields=["quota"])
    if changes:
        audit_record(actor=by, action="update", target=campaign, changes=changes, reason="设置名额")
    return len(changes)


#: what names a person (individual honours) and what names a unit (collective ones), with labels
PERSON_FIELDS = {"nominee_name": "姓名", "gender": "性别", "birth_date": "出生日期", "title": "职称", "post": "职务"}
UNIT_FIELDS = {"unit_name": "集体名称", "leader_name": "负责人姓名", "leader_post": "负责人职务"}


def _text(value) -> str:
    return (value or "").strip()


@transaction.atomic
def nomination_submit(*, by, campaign: HonourCampaign, school: School, deeds: str, nominee_name: str = "",
                      gender: str = "", birth_date: datetime.date | None = None, title: str = "", post: str = "",
                      unit_name: str = "", leader_name: str = "", leader_post: str = "") -> Nomination:
    """A school nominates; the campaign row is locked so simultaneous submissions never exceed the quota.

    An individual honour names a person (name, gender, birth date; title and post optional); a
    collective one (COLLECTIVE_KINDS: 五一劳动奖状, 工人先锋号) names the unit and its leader (name,
    post) — the other group of fields must stay empty, so a record is never half of each.
    """
    campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != HonourCampaign.Status.OPEN or timezone.now() > campaign.deadline:
        raise Conflict(f"“{campaign.title}”已于 {timezone.localtime(campaign.deadline):%Y-%m-%d %H:%M} 截止推荐。")
    given = {"nominee_name": _text(nominee_name), "gender": gender or "", "birth_date": birth_date,
             "title": _text(title), "post": _text(post), "unit_name": _text(unit_name),
             "leader_name": _text(leader_name), "leader_post": _text(leader_post)}
    kind_label = campaign.get_kind_display()
    errors = {}
    if not (deeds or "").strip():
        errors["deeds"] = "事迹材料不能为空。"
    if campaign.is_collective:
        for field, label in UNIT_FIELDS.items():
            if not given[field]:
                errors[field] = f"{label}不能为空。"
        for field, label in PERSON_FIELDS.items():
            if given[field]:
                errors[field] = f"“{kind_label}”是集体荣誉，不填写{label}；请填写集体名称和负责人。"
    else:
        if not given["nominee_name"]:
            errors["nominee_name"] = "姓名不能为空。"
        if given["gender"] not in {"male", "female"}:
            errors["gender"] = "请选择性别。"
        if birth_date is None:
            errors["birth_date"] = "请填写出生日期。"
        elif birth_date > timezone.localdate():
            errors["birth_date"] = "出生日期不能晚于今天。"
        for field, label in UNIT_FIELDS.items():
            if given[field]:
                errors[field] = f"“{kind_label}”是个人荣誉，不填写{label}。"
    if errors:
        raise ValidationError(errors)
    counted = Nomination.objects.filter(campaign=campaign, school=school, status__in=COUNTED)
    if campaign.is_collective:
        if counted.filter(unit_name=given["unit_name"]).exists():
            raise Conflict(f"{given['unit_name']}已在“{campaign.title}”中被推荐。", field="unit_name")
    elif counted.filter(nominee_name=given["nominee_name"], birth_date=birth_date).exists():
        raise Conflict(f"{given['nominee_name']}已在“{campaign.title}”中被推荐。", field="nominee_name")
    check_quota_left(used=quota_used(campaign, school), quota=campaign.quota_for(school), who="本校",
                     what=campaign.title)
    nomination = Nomination.objects.create(campaign=campaign, school=school, deeds=deeds.strip(),
                                           submitted_by=actor_name(by), **given)
    named = ["unit_name", "leader_name", "leader_post"] if campaign.is_collective else ["nominee_name", "title", "post"]
    audit_create(actor=by, target=nomination, fields=["campaign", "school", *named])
    emit("nomination.status_changed", webhook_events.nomination_data(nomination), school=school)
    return nomination


def _move(nomination: Nomination, action: str, *, by, reason: str = "", reason_field: str = "reason",
          **fields) -> Nomination:
    """Take ``action`` on a freshly locked copy, saving ``fields`` with the new state. A missing
    reason is reported on ``reason_field``, the name the caller's input gives it."""
    nomination = Nomination.objects.select_for_update().select_related("campaign").get(pk=nomination.pk)
    for name, value in fields.items():
        setattr(nomination, name, value)
    from_status = nomination.status
    try:
        NOMINATION_FLOW.apply(nomination, action, by=by, reason=reason, extra_update_fields=list(fields))
    except DomainError as exc:
        if exc.field != "reason" or reason_field == "reason":
            raise
        raise DomainError(exc.message, field=reason_field) from None
    emit("nomination.status_changed", webhook_events.nomination_data(nomination, from_status=from_status),
         school=nomination.school)
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, by, reason: str = "") -> Nomination:
    if timezone.now() > nomination.campaign.deadline:
        raise Conflict("推荐已截止，不能撤回；如需撤回请联系自治区教育工会。")
    return _move(nomination, "withdraw", by=by, reason=reason)


def review_not_open(campaign: HonourCampaign, *, raise_it: bool = False) -> str:
    """Why ``campaign``'s nominations cannot be reviewed now ("" when they can: it is 评审中).
    With ``raise_it`` the reason is raised as a Conflict instead."""
    if campaign.status == HC.REVIEWING:
        return ""
    if campaign.status == HC.OPEN:
        reason = (f"“{campaign.title}”还在推荐中，评审在推荐截止"
                  f"（{timezone.localtime(campaign.deadline):%Y-%m-%d %H:%M}）、"
                  f"自治区教育工会截止推荐并进入评审后开始。")
    else:
        reason = f"“{campaign.title}”当前为“{campaign.get_status_display()}”，评审已经结束。"
    if raise_it:
        raise Conflict(reason)
    return reason


@transaction.atomic
def nomination_review(*, nomination: Nomination, by, passed: bool | None, comment: str = "") -> Nomination:
    """Pass or fail with a comment (required to fail), by a provincial reviewer or the admin — only
    while the campaign is 评审中: after the admin's 截止推荐、进入评审, before its 公示."""
    if passed is None:
        raise ValidationError({"passed": "请选择评审结论。"})
    # The campaign is locked first, so a review never slips in beside 进入评审 or the 公示.
    campaign = HonourCampaign.objects.select_for_update().get(pk=nomination.campaign_id)
    stored = Nomination.objects.values_list("status", flat=True).get(pk=nomination.pk)
    # who may, and from which state, before when: the reason itself is checked by _move
    NOMINATION_FLOW.check("pass" if passed else "fail", state=stored, user=by, reason="-")
    review_not_open(campaign, raise_it=True)
    comment = (comment or "").strip()
    return _move(nomination, "pass" if passed else "fail", by=by, reason=comment, reason_field="comment",
                 review_comment=comment)


def _check_deadline_passed(campaign: HonourCampaign, doing: str) -> None:
    if timezone.now() <= campaign.deadline:
        raise Conflict(f"推荐截止（{timezone.localtime(campaign.deadline):%Y-%m-%d %H:%M}）后才能{doing}。")


@transaction.atomic
def campaign_start_review(*, campaign: HonourCampaign, by, note: str = "") -> HonourCampaign:
    """推荐中 → 评审中, after the deadline: no school can nominate or withdraw any more."""
    campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
    CAMPAIGN_FLOW.check("start_review", state=campaign.status, user=by)
    _check_deadline_passed(campaign, "进入评审")
    CAMPAIGN_FLOW.apply(campaign, "start_review", by=by, reason=note or "推荐截止")
    return campaign


@transaction.atomic
def campaign_publicize(*, campaign: HonourCampaign, by, starts_on: datetime.date | None,
                       ends_on: datetime.date | None) -> int:
    """Start the 公示 of every nomination that passed review, from today or later (never backdated:
    a 公示 already over would leave no time for objections); returns how many."""
    errors = {}
    if starts_on is None:
        errors["starts_on"] = "请填写公示开始日期。"
    elif error := publicity_start_error(starts_on):
        errors["starts_on"] = error
    if ends_on is None:
        errors["ends_on"] = "请填写公示结束日期。"
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = "公示结束日期不能早于开始日期。"
    if errors:
        raise ValidationError(errors)
    campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
    _check_deadline_passed(campaign, "公示")
    if campaign.status == HC.OPEN:
        campaign_start_review(campaign=campaign, by=by)
        campaign.refresh_from_db()
    CAMPAIGN_FLOW.check("publicize", state=campaign.status, user=by)
    passed = list(campaign.nominations.filter(status=N.PASSED))
    if not passed:
        raise Conflict("没有评审通过的推荐，无法公示。")
    period = f"公示 {cn_date(starts_on)} 至 {cn_date(ends_on)}"
    for nomination in passed:
        _move(nomination, "publicize", by=by, reason=period)
    campaign.publicity_starts_on, campaign.publicity_ends_on = starts_on, ends_on
    CAMPAIGN_FLOW.apply(campaign, "publicize", by=by, reason=period,
                        extra_update_fields=["publicity_starts_on", "publicity_ends_on"])
    return len(passed)


@transaction.atomic
def objection_record(*, nomination: Nomination, by, content: str):
    if nomination.status != N.PUBLICIZED:
        raise Conflict(f"推荐当前状态为“{nomination.get_status_display()}”，只有公示期间可以记录异议。")
    campaign = nomination.campaign
    check_objection_window(campaign.publicity_starts_on, campaign.publicity_ends_on)
    if not (content or "").strip():
        raise ValidationError({"content": "异议内容不能为空。"})
    objection = nomination.objections.create(content=content.strip(), recorded_by=actor_name(by))
    audit_create(actor=by, target=objection, fields=["nomination", "content"])
    return objection


@transaction.atomic
def nomination_decide(*, nomination: Nomination, by, award: bool | None, note: str = "") -> Nomination:
    """Award or not (a reason is required not to), by the provincial admin, after the 公示."""
    if award is None:
        raise ValidationError({"award": "请选择是否授予。"})
    # The campaign is locked first: two last decisions at once must not each see the other still
    # undecided, or the campaign would stay 公示中 for good.
    campaign = HonourCampaign.objects.select_for_update().get(pk=nomination.campaign_id)
    if award and campaign.publicity_ends_on and timezone.localdate() <= campaign.publicity_ends_on:
        NOMINATION_FLOW.check("award", state=nomination.status, user=by)  # who may, before when
        check_publicity_over(campaign.publicity_ends_on, "授予")
    note = (note or "").strip()
    nomination = _move(nomination, "award" if award else "decline", by=by, reason=note, reason_field="note",
                       decision_note=note)
    if award:
        record = HonourRecord.objects.create(school=nomination.school, person_name=nomination.name,
                                             kind=campaign.kind, year=campaign.year, nomination=nomination)
        audit_create(actor=by, target=record, fields=["school", "person_name", "kind", "year"])
    if not campaign.nominations.filter(status__in=[N.SUBMITTED, N.PASSED, N.PUBLICIZED]).exists():
        CAMPAIGN_FLOW.apply(campaign, "decide", by=by, reason="所有推荐均已决定")
    return nomination


@transaction.atomic
def record_register(*, by, school: School | None, person_name: str, kind: str, year) -> HonourRecord:
    """Enter into the registry an honour given before (or outside) the platform's campaigns — the
    model workers the province already cares for. Decided nominations enter it by themselves."""
    errors = {}
    person_name = (person_name or "").strip()
    if school is None:
        errors["school"] = "请选择学校。"
    if not person_name:
        errors["person_name"] = "获得者不能为空。"
    elif len(person_name) > 100:
        errors["person_name"] = "获得者最多 100 个字。"
    if kind not in HonourKind.values:
        errors["kind"] = "请选择荣誉。"
    year = _whole_number(year, field="year", label="年度", low=1950, high=timezone.localdate().year, errors=errors)
    if errors:
        raise ValidationError(errors)
    if HonourRecord.objects.filter(school=school, person_name=person_name, kind=kind, year=year).exists():
        raise Conflict(f"名录中已有{school.name}{person_name}的{year}年{HonourKind(kind).label}。", field="person_name")
    record = HonourRecord.objects.create(school=school, person_name=person_name, kind=kind, year=year)
    audit_create(actor=by, target=record, fields=["school", "person_name", "kind", "year"])
    return record


@transaction.atomic
def care_record(*, record: HonourRecord, by, kind: str, given_on: datetime.date | None, amount="0",
                note: str = "") -> ModelWorkerCare:
    """Care given to a person holding an honour (a collective honour's unit receives none)."""
    if record.is_collective:
        raise Conflict(f"“{record.get_kind_display()}”是集体荣誉，不记录个人关爱。")
    errors = {}
    if kind not in ModelWorkerCare.Kind.values:
        errors["kind"] = "请选择关爱类别。"
    if given_on is None:
        errors["given_on"] = "请填写日期。"
    elif given_on > timezone.localdate():
        errors["given_on"] = "日期不能晚于今天。"
    try:
        amount = decimal_in_range("0" if amount in (None, "") else amount, field="amount", low=0, high=1_000_000,
                                  label="金额（元）")
    except ValidationError as exc:
        errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    care = ModelWorkerCare.objects.create(record=record, kind=kind, given_on=given_on, amount=amount,
                                          note=(note or "").strip(), recorded_by=actor_name(by))
    audit_create(actor=by, target=care, fields=["record", "kind", "given_on", "amount"])
    return care


@transaction.atomic
def nomination_attach(*, nomination: Nomination, by, upload):
    from shared.uploads import check_upload

    check_upload(upload)
    if nomination.status != N.SUBMITTED or timezone.now() > nomination.campaign.deadline:
        raise Conflict("推荐已截止或已进入评审，不能再添加材料。")
    attachment = nomination.attachments.create(file=upload, name=upload.name[:200], size=upload.size)
    audit_create(actor=by, target=attachment, fields=["nomination", "name", "size"])
    return attachment
