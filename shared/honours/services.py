"""Honours: campaigns, school nominations within quota, review, 公示 with objections, decision."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.honours.models import (
    CampaignQuota,
    HonourCampaign,
    HonourRecord,
    ModelWorkerCare,
    Nomination,
)
from shared.honours.selectors import COUNTED
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name, audit_create
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict
from tenants.models import School
from tenants.workflow import StateMachine
from tenants.text import cn_date

N = Nomination.Status
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
def campaign_create(*, by, kind, year: int, title: str, deadline: datetime.datetime,
                    default_quota: int = 1, quotas: dict | None = None) -> HonourCampaign:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "名称不能为空。"
    if not 2000 <= int(year) <= 2100:
        errors["year"] = "年度应在 2000 到 2100 之间。"
    if default_quota > 100:
        errors["default_quota"] = "每校名额不能超过 100。"
    if errors:
        raise ValidationError(errors)
    campaign = HonourCampaign.objects.create(kind=kind, year=year, title=title.strip(), deadline=deadline,
                                             default_quota=default_quota)
    for school, quota in (quotas or {}).items():
        CampaignQuota.objects.create(campaign=campaign, school=school, quota=quota)
    audit_create(actor=by, target=campaign, fields=["kind", "year", "title", "deadline", "default_quota"])
    return campaign


@transaction.atomic
def campaign_set_quota(*, campaign: HonourCampaign, school: School, quota: int, by) -> CampaignQuota:
    row, _ = CampaignQuota.objects.update_or_create(campaign=campaign, school=school, defaults={"quota": quota})
    from tenants.audit.services import audit_record

    audit_record(actor=by, action="update", target=campaign, changes={f"quota:{school.slug}": quota})
    return row


def quota_used(campaign: HonourCampaign, school: School) -> int:
    return Nomination.objects.filter(campaign=campaign, school=school, status__in=COUNTED).count()


@transaction.atomic
def nomination_submit(*, by, campaign: HonourCampaign, school: School, nominee_name: str, gender: str,
                      birth_date: datetime.date, deeds: str, title: str = "", post: str = "") -> Nomination:
    """A school nominates; the campaign row is locked so simultaneous submissions never exceed the quota."""
    campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != HonourCampaign.Status.OPEN or timezone.now() > campaign.deadline:
        raise Conflict(f"“{campaign.title}”已于 {timezone.localtime(campaign.deadline):%Y-%m-%d %H:%M} 截止推荐。")
    errors = {}
    if not (nominee_name or "").strip():
        errors["nominee_name"] = "姓名不能为空。"
    if not (deeds or "").strip():
        errors["deeds"] = "事迹材料不能为空。"
    if gender not in {"male", "female"}:
        errors["gender"] = "请选择性别。"
    if birth_date is None:
        errors["birth_date"] = "请填写出生日期。"
    elif birth_date > timezone.localdate():
        errors["birth_date"] = "出生日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    if Nomination.objects.filter(campaign=campaign, school=school, nominee_name=(nominee_name or "").strip(),
                                 birth_date=birth_date, status__in=COUNTED).exists():
        raise Conflict(f"{nominee_name}已在“{campaign.title}”中被推荐。", field="nominee_name")
    quota = campaign.quota_for(school)
    if quota_used(campaign, school) >= quota:
        raise Conflict(f"本校在“{campaign.title}”的推荐名额为 {quota} 名，已用完。")
    nomination = Nomination.objects.create(
        campaign=campaign, school=school, nominee_name=nominee_name.strip(), gender=gender,
        birth_date=birth_date, title=title, post=post, deeds=deeds.strip(), submitted_by=actor_name(by))
    audit_create(actor=by, target=nomination, fields=["campaign", "school", "nominee_name", "title", "post"])
    return nomination


def _move(nomination: Nomination, action: str, *, by, reason: str = "", **fields) -> Nomination:
    """Take ``action`` on a freshly locked copy, saving ``fields`` with the new state."""
    nomination = Nomination.objects.select_for_update().select_related("campaign").get(pk=nomination.pk)
    for name, value in fields.items():
        setattr(nomination, name, value)
    NOMINATION_FLOW.apply(nomination, action, by=by, reason=reason, extra_update_fields=list(fields))
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, by, reason: str = "") -> Nomination:
    if timezone.now() > nomination.campaign.deadline:
        raise Conflict("推荐已截止，不能撤回；如需撤回请联系自治区教育工会。")
    return _move(nomination, "withdraw", by=by, reason=reason)


@transaction.atomic
def nomination_review(*, nomination: Nomination, by, passed: bool, comment: str = "") -> Nomination:
    return _move(nomination, "pass" if passed else "fail", by=by, reason=comment, review_comment=comment)


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
def campaign_publicize(*, campaign: HonourCampaign, by, starts_on: datetime.date, ends_on: datetime.date) -> int:
    """Start the 公示 of every nomination that passed review; returns how many."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "公示结束日期不能早于开始日期。"})
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
    campaign, today = nomination.campaign, timezone.localdate()
    if campaign.publicity_starts_on and not campaign.publicity_starts_on <= today <= campaign.publicity_ends_on:
        raise Conflict(f"公示期为 {cn_date(campaign.publicity_starts_on)} 至 {cn_date(campaign.publicity_ends_on)}，"
                       f"现在不能记录异议。")
    if not (content or "").strip():
        raise ValidationError({"content": "异议内容不能为空。"})
    objection = nomination.objections.create(content=content.strip(), recorded_by=actor_name(by))
    audit_create(actor=by, target=objection, fields=["nomination", "content"])
    return objection


@transaction.atomic
def nomination_decide(*, nomination: Nomination, by, award: bool, note: str = "") -> Nomination:
    campaign = nomination.campaign
    if award and campaign.publicity_ends_on and timezone.localdate() <= campaign.publicity_ends_on:
        raise Conflict(f"公示期到 {cn_date(campaign.publicity_ends_on)} 结束，结束后才能授予。")
    nomination = _move(nomination, "award" if award else "decline", by=by, reason=note, decision_note=note)
    if award:
        record = HonourRecord.objects.create(school=nomination.school, person_name=nomination.nominee_name,
                                             kind=campaign.kind, year=campaign.year, nomination=nomination)
        audit_create(actor=by, target=record, fields=["school", "person_name", "kind", "year"])
    if not campaign.nominations.filter(status__in=[N.SUBMITTED, N.PASSED, N.PUBLICIZED]).exists():
        campaign = HonourCampaign.objects.select_for_update().get(pk=campaign.pk)
        CAMPAIGN_FLOW.apply(campaign, "decide", by=by, reason="所有推荐均已决定")
    return nomination


@transaction.atomic
def care_record(*, record: HonourRecord, by, kind: str, given_on: datetime.date, amount="0",
                note: str = "") -> ModelWorkerCare:
    amount = decimal_in_range(amount, field="amount", low=0, high=1_000_000, label="金额（元）")
    care = ModelWorkerCare.objects.create(record=record, kind=kind, given_on=given_on, amount=amount, note=note,
                                          recorded_by=actor_name(by))
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
