"""评先评优: campaigns with per-branch quotas, branch nominations, the office's review, 公示 of N working
days (China's calendar, tenants.workdays), objections recorded and resolved, the final list, and the
winners forwarded to a provincial honours campaign through that flow's own service.

Shaped like the provincial honours flow (shared.honours.services): the same steps and state names,
and the same 公示/quota rules from tenants.publicity, so the two never disagree on what a 公示 is.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.accounts.services import notify
from tenants.audit.services import actor_name, audit_create, audit_record
from tenants.awards.models import BRANCH_KINDS, AwardCampaign, AwardKind, AwardNomination, AwardObjection, BranchQuota
from tenants.errors import Conflict, NotAllowed
from tenants.members.models import Branch, Member
from tenants.publicity import check_objection_window, check_quota_left, publicity_days_error, publicity_over_error, \
    publicity_period, publicity_start_error, whole_number
from tenants.text import cn_date
from tenants.workflow import StateMachine

#: the school's rule: a 公示 lasts at least 5 working days (and 5 unless the campaign says more)
MIN_PUBLICITY_DAYS = 5
MAX_PUBLICITY_DAYS = 30
MAX_QUOTA = 100
MAX_OBJECTION_LENGTH = 2000
OFFICE = frozenset({Role.UNION_ADMIN})
NOMINATORS = OFFICE | {Role.BRANCH_CHAIR}

C = AwardCampaign.Status
CAMPAIGN_FLOW = (
    StateMachine.for_field("评先评优", AwardCampaign)
    .add("start_review", label="截止推荐、进入审核", sources={C.OPEN}, target=C.REVIEWING, roles=OFFICE)
    # starting the 公示 closes the nominations by itself when the office did not do it first
    .add("publicize", label="公示", sources={C.OPEN, C.REVIEWING}, target=C.PUBLICIZING, roles=OFFICE)
    .add("finalise", label="公布最终名单", sources={C.PUBLICIZING}, target=C.FINAL, roles=OFFICE)
)
N = AwardNomination.Status
NOMINATION_FLOW = (
    StateMachine.for_field("评先评优推荐", AwardNomination)
    .add("withdraw", label="撤回推荐", sources={N.SUBMITTED}, target=N.WITHDRAWN, roles=NOMINATORS)
    .add("pass", label="审核通过", sources={N.SUBMITTED}, target=N.PASSED, roles=OFFICE)
    .add("fail", label="审核不通过", sources={N.SUBMITTED}, target=N.FAILED, roles=OFFICE, reason_required=True)
    .add("publicize", label="公示", sources={N.PASSED}, target=N.PUBLICIZED, roles=OFFICE)
    .add("remove", label="异议成立、撤销", sources={N.PUBLICIZED}, target=N.REMOVED, roles=OFFICE,
         reason_required=True)
    .add("award", label="评为", sources={N.PUBLICIZED}, target=N.AWARDED, roles=OFFICE)
)
O = AwardObjection.Status
OBJECTION_FLOW = (
    StateMachine.for_field("公示异议", AwardObjection)
    .add("uphold", label="异议成立", sources={O.OPEN}, target=O.UPHELD, roles=OFFICE, reason_required=True)
    .add("dismiss", label="异议不成立", sources={O.OPEN}, target=O.DISMISSED, roles=OFFICE, reason_required=True)
)
#: nominations that use up a branch's quota
COUNTED = (N.SUBMITTED, N.PASSED, N.PUBLICIZED, N.AWARDED)


def _text(value) -> str:
    return (value or "").strip()


def _office(by, doing: str) -> None:
    if not (by is None or by.has_role(*OFFICE)):
        raise NotAllowed(f"只有校工会可以{doing}。")


def _chairs(branches) -> list:
    return [b.chair for b in branches if b.chair_id]


def _link(campaign) -> str:
    from django.urls import reverse

    return reverse("school:award-campaign", args=[campaign.pk])


# --- campaigns ------------------------------------------------------------------------------------

@transaction.atomic
def campaign_create(*, by, year, title: str, kind: str, opens_on: datetime.date | None,
                    closes_on: datetime.date | None, criteria: str = "", default_quota=1, publicity_days=None,
                    for_branches: bool | None = None, quotas: dict | None = None) -> AwardCampaign:
    """A campaign of the year; a 公示 shorter than the school's rule (5 working days) is refused."""
    _office(by, "发起评先评优")
    errors = {}
    if kind not in AwardKind.values:
        errors["kind"] = "请选择评选类别。"
    title = _text(title)
    if not title:
        errors["title"] = "名称不能为空。"
    elif len(title) > 200:
        errors["title"] = "名称最多 200 个字。"
    year = whole_number(year, field="year", label="年度", low=2000, high=2100, errors=errors)
    default_quota = whole_number(default_quota, field="default_quota", label="每个分工会名额", low=0,
                                 high=MAX_QUOTA, errors=errors)
    days = whole_number(MIN_PUBLICITY_DAYS if publicity_days in (None, "") else publicity_days,
                        field="publicity_days", label="公示工作日数", low=1, high=MAX_PUBLICITY_DAYS, errors=errors)
    if days is not None and (error := publicity_days_error(days, minimum=MIN_PUBLICITY_DAYS)):
        errors["publicity_days"] = error
    if opens_on is None:
        errors["opens_on"] = "请填写推荐开始日期。"
    if closes_on is None:
        errors["closes_on"] = "请填写推荐截止日期。"
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = "推荐截止日期不能早于开始日期。"
    clean_quotas = {}
    for branch, value in (quotas or {}).items():
        number = whole_number(value, field=f"quota_{branch.pk}", label=f"{branch.name}名额", low=0, high=MAX_QUOTA,
                              errors=errors, blank="ok")
        if number is not None:
            clean_quotas[branch] = number
    if errors:
        raise ValidationError(errors)
    if for_branches is None:
        for_branches = kind in BRANCH_KINDS
    campaign = AwardCampaign.objects.create(
        year=year, title=title, kind=kind, for_branches=bool(for_branches), criteria=_text(criteria),
        default_quota=default_quota, opens_on=opens_on, closes_on=closes_on, publicity_days=days,
        created_by=actor_name(by))
    for branch, quota in clean_quotas.items():
        BranchQuota.objects.create(campaign=campaign, branch=branch, quota=quota)
    audit_create(actor=by, target=campaign, fields=["year", "title", "kind", "for_branches", "default_quota",
                                                    "opens_on", "closes_on", "publicity_days"])
    notify(users=_chairs(Branch.objects.select_related("chair")),
           message=f"校工会发起“{title}”，请于 {cn_date(closes_on)} 前推荐本分工会的人选。", link=_link(campaign))
    return campaign


def quota_for(campaign: AwardCampaign, branch: Branch) -> int:
    own = campaign.quotas.filter(branch=branch).values_list("quota", flat=True).first()
    return campaign.default_quota if own is None else own


def quota_used(campaign: AwardCampaign, branch: Branch) -> int:
    return campaign.nominations.filter(branch=branch, status__in=COUNTED).count()


@transaction.atomic
def campaign_set_quota(*, campaign: AwardCampaign, branch: Branch, quota, by) -> BranchQuota:
    """A branch's own quota, never below what it has already used (the campaign row is locked)."""
    _office(by, "设置名额")
    campaign = AwardCampaign.objects.select_for_update().get(pk=campaign.pk)
    errors = {}
    quota = whole_number(quota, field="quota", label="名额", low=0, high=MAX_QUOTA, errors=errors)
    if quota is not None and quota < (used := quota_used(campaign, branch)):
        errors["quota"] = f"{branch.name}已推荐 {used} 名，名额不能少于 {used}。"
    if errors:
        raise ValidationError(errors)
    row, _ = BranchQuota.objects.update_or_create(campaign=campaign, branch=branch, defaults={"quota": quota})
    audit_record(actor=by, action="update", target=campaign, changes={f"quota:{branch.pk}": quota})
    return row


def nomination_window_error(campaign: AwardCampaign, today: datetime.date | None = None) -> str:
    """Why no nomination can be made now ("" when it can)."""
    today = today or timezone.localdate()
    if campaign.status != C.OPEN:
        return f"“{campaign.title}”当前为“{campaign.get_status_display()}”，已不再接受推荐。"
    if not campaign.opens_on <= today <= campaign.closes_on:
        return f"“{campaign.title}”的推荐时间为 {cn_date(campaign.opens_on)} 至 {cn_date(campaign.closes_on)}。"
    return ""


# --- nominations ----------------------------------------------------------------------------------

@transaction.atomic
def nomination_submit(*, by, campaign: AwardCampaign, deeds: str, member: Member | None = None,
                      branch: Branch | None = None) -> AwardNomination:
    """A branch chair nominates a member of their own branch (or, for 先进教工小家, their branch) within
    the branch's quota; the office may nominate for any branch. The campaign row is locked so two
    nominations at once never pass the quota together."""
    if by is not None and not by.has_role(*NOMINATORS):
        raise NotAllowed("只有分工会主席或校工会可以推荐。")
    campaign = AwardCampaign.objects.select_for_update().get(pk=campaign.pk)
    if error := nomination_window_error(campaign):
        raise Conflict(error)
    office = by is None or by.has_role(*OFFICE)
    errors = {}
    if not _text(deeds):
        errors["deeds"] = "推荐理由（事迹）不能为空。"
    if campaign.for_branches:
        if member is not None:
            errors["member"] = f"“{campaign.title}”评选的是分工会（集体），不推荐个人。"
        if branch is None:
            errors["branch"] = "请选择推荐的分工会。"
        elif not office and branch.chair_id != by.pk:
            errors["branch"] = "只能推荐您担任主席的分工会。"
    else:
        if member is None:
            errors["member"] = "请选择推荐的会员。"
        elif member.status != Member.Status.ACTIVE:
            errors["member"] = f"{member.name}当前为“{member.get_status_display()}”，只能推荐在会会员。"
        elif not office and member.branch.chair_id != by.pk:
            errors["member"] = f"{member.name}属于{member.branch.name}，只能推荐本分工会的会员。"
        else:
            branch = member.branch
    if errors:
        raise ValidationError(errors)
    counted = campaign.nominations.filter(status__in=COUNTED)
    if campaign.for_branches and counted.filter(branch=branch).exists():
        raise Conflict(f"{branch.name}已在“{campaign.title}”中被推荐。", field="branch")
    if member is not None and counted.filter(member=member).exists():
        raise Conflict(f"{member.name}已在“{campaign.title}”中被推荐。", field="member")
    check_quota_left(used=quota_used(campaign, branch), quota=quota_for(campaign, branch), who=branch.name,
                     what=campaign.title)
    nomination = AwardNomination.objects.create(campaign=campaign, branch=branch, member=member,
                                                deeds=_text(deeds), nominated_by=actor_name(by))
    audit_create(actor=by, target=nomination, fields=["campaign", "branch", "member"])
    return nomination


def _lock(nomination: AwardNomination) -> AwardNomination:
    return AwardNomination.objects.select_for_update(of=("self",)).select_related("campaign", "branch", "member").get(
        pk=nomination.pk)


@transaction.atomic
def nomination_withdraw(*, nomination: AwardNomination, by, reason: str = "") -> AwardNomination:
    nomination = _lock(nomination)
    if by is not None and not by.has_role(*OFFICE) and nomination.branch.chair_id != by.pk:
        raise NotAllowed("只能撤回本分工会的推荐。")
    if nomination.campaign.status != C.OPEN:
        raise Conflict("推荐已截止，不能撤回；如需撤回请联系校工会。")
    NOMINATION_FLOW.apply(nomination, "withdraw", by=by, reason=_text(reason) or "撤回推荐")
    return nomination


@transaction.atomic
def nomination_review(*, nomination: AwardNomination, by, passed: bool | None, comment: str = "") -> AwardNomination:
    """The office passes, or does not pass with a reason, while the campaign is 推荐中 or 审核中."""
    if passed is None:
        raise ValidationError({"passed": "请选择审核结论。"})
    campaign = AwardCampaign.objects.select_for_update().get(pk=nomination.campaign_id)
    nomination = _lock(nomination)
    action = "pass" if passed else "fail"
    comment = _text(comment)
    NOMINATION_FLOW.check(action, state=nomination.status, user=by, reason="-")
    if campaign.status not in (C.OPEN, C.REVIEWING):
        raise Conflict(f"“{campaign.title}”当前为“{campaign.get_status_display()}”，审核已经结束。")
    if not passed and not comment:
        raise ValidationError({"comment": "审核不通过须填写原因。"})
    nomination.review_comment = comment
    NOMINATION_FLOW.apply(nomination, action, by=by, reason=comment, extra_update_fields=["review_comment"])
    if not passed and nomination.branch.chair_id:
        notify(users=[nomination.branch.chair], link=_link(campaign),
               message=f"“{campaign.title}”中对{nomination.name}的推荐未通过审核：{comment}")
    return nomination


@transaction.atomic
def campaign_start_review(*, campaign: AwardCampaign, by) -> AwardCampaign:
    campaign = AwardCampaign.objects.select_for_update().get(pk=campaign.pk)
    CAMPAIGN_FLOW.apply(campaign, "start_review", by=by, reason="截止推荐")
    return campaign


@transaction.atomic
def campaign_publicize(*, campaign: AwardCampaign, by, starts_on: datetime.date | None, days=None) -> AwardCampaign:
    """Start the 公示 of every nomination that passed: from ``starts_on`` (today or later, never
    backdated) for ``days`` working days (the campaign's own number by default, never fewer than the
    campaign's own number nor the school's rule), ending on the day China's working-day calendar gives."""
    campaign = AwardCampaign.objects.select_for_update().get(pk=campaign.pk)
    CAMPAIGN_FLOW.check("publicize", state=campaign.status, user=by)
    errors = {}
    days = whole_number(campaign.publicity_days if days in (None, "") else days, field="publicity_days",
                        label="公示工作日数", low=1, high=MAX_PUBLICITY_DAYS, errors=errors)
    if days is not None and (error := publicity_days_error(days, minimum=MIN_PUBLICITY_DAYS)):
        errors["publicity_days"] = error
    elif days is not None and days < campaign.publicity_days:
        # the campaign announced its 公示 length when it was launched; it may be longer, never shorter
        errors["publicity_days"] = (f"“{campaign.title}”规定公示 {campaign.publicity_days} 个工作日，"
                                    f"不能缩短为 {days} 个工作日。")
    if starts_on is None:
        errors["starts_on"] = "请填写公示开始日期。"
    elif error := publicity_start_error(starts_on):
        errors["starts_on"] = error
    if errors:
        raise ValidationError(errors)
    starts_on, ends_on, _ = publicity_period(starts_on, days, minimum=MIN_PUBLICITY_DAYS)
    pending = campaign.nominations.filter(status=N.SUBMITTED).count()
    if pending:
        raise Conflict(f"还有 {pending} 条推荐未审核，审核完毕后才能公示。")
    passed = list(campaign.nominations.filter(status=N.PASSED))
    if not passed:
        raise Conflict("没有审核通过的推荐，无法公示。")
    period = f"公示 {cn_date(starts_on)} 至 {cn_date(ends_on)}（{days} 个工作日）"
    for nomination in passed:
        NOMINATION_FLOW.apply(nomination, "publicize", by=by, reason=period)
    campaign.publicity_starts_on, campaign.publicity_ends_on, campaign.publicity_days = starts_on, ends_on, days
    CAMPAIGN_FLOW.apply(campaign, "publicize", by=by, reason=period,
                        extra_update_fields=["publicity_starts_on", "publicity_ends_on", "publicity_days"])
    return campaign


# --- objections -----------------------------------------------------------------------------------

@transaction.atomic
def objection_record(*, nomination: AwardNomination, by, content: str, raised_by: str = "") -> AwardObjection:
    """An objection raised during the 公示 on a nominee.

    The 公示 is a notice to the whole school: any signed-in member may raise an objection themselves
    (their account and name are recorded as the raiser; only the office and they see it), and the
    office is notified. The office may also record one raised by someone else (反映人, may be 匿名)."""
    office = by is None or by.has_role(*OFFICE)
    if not office and not getattr(by, "is_authenticated", False):
        raise NotAllowed("请先登录。")
    nomination = _lock(nomination)
    if nomination.status != N.PUBLICIZED:
        raise Conflict(f"{nomination.name}当前为“{nomination.get_status_display()}”，只有公示期间可以提出异议。")
    campaign = nomination.campaign
    check_objection_window(campaign.publicity_starts_on, campaign.publicity_ends_on)
    errors = {}
    if office:
        if not _text(raised_by):
            errors["raised_by"] = "请填写反映人（可填“匿名”）。"
        elif len(_text(raised_by)) > 100:
            errors["raised_by"] = "反映人最多 100 个字。"
    else:
        member = Member.objects.filter(user=by).first()
        raised_by = (member.name if member else (by.get_full_name() or by.get_username()))[:100]
    if not _text(content):
        errors["content"] = "异议内容不能为空。"
    elif len(_text(content)) > MAX_OBJECTION_LENGTH:
        errors["content"] = f"异议内容最多 {MAX_OBJECTION_LENGTH} 个字。"
    if errors:
        raise ValidationError(errors)
    objection = AwardObjection.objects.create(nomination=nomination, raised_by=_text(raised_by),
                                              raised_by_user=None if office else by,
                                              content=_text(content), recorded_by=actor_name(by))
    audit_create(actor=by, target=objection, fields=["nomination", "content"])
    if not office:
        from django.urls import reverse

        from tenants.accounts.models import User

        admins = list(User.objects.filter(roles__contains=[Role.UNION_ADMIN], is_active=True))
        notify(users=admins, link=reverse("school:award-nomination", args=[nomination.pk]),
               message=f"“{campaign.title}”公示收到异议：{raised_by}对{nomination.name}提出异议，请处理。")
    return objection


@transaction.atomic
def objection_resolve(*, objection: AwardObjection, by, upheld: bool | None, resolution: str) -> AwardObjection:
    """Upheld: the nominee leaves the list with the resolution as the reason. Dismissed: it stays."""
    if upheld is None:
        raise ValidationError({"upheld": "请选择异议是否成立。"})
    objection = AwardObjection.objects.select_for_update(of=("self",)).select_related("nomination").get(pk=objection.pk)
    resolution = _text(resolution)
    action = "uphold" if upheld else "dismiss"
    OBJECTION_FLOW.check(action, state=objection.status, user=by, reason="-")
    if not resolution:
        raise ValidationError({"resolution": "请填写处理意见。"})
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, actor_name(by), timezone.now()
    OBJECTION_FLOW.apply(objection, action, by=by, reason=resolution,
                         extra_update_fields=["resolution", "resolved_by", "resolved_at"])
    if upheld:
        nomination = _lock(objection.nomination)
        if nomination.status == N.PUBLICIZED:
            nomination.removal_reason = resolution
            NOMINATION_FLOW.apply(nomination, "remove", by=by, reason=resolution,
                                  extra_update_fields=["removal_reason"])
            if nomination.branch.chair_id:
                notify(users=[nomination.branch.chair], link=_link(nomination.campaign),
                       message=f"公示异议成立，{nomination.name}不列入“{nomination.campaign.title}”名单：{resolution}")
    return objection


def finalise_error(campaign: AwardCampaign, today: datetime.date | None = None) -> str:
    """Why the final list of a campaign in 公示 cannot be published now ("" when it can): the 公示's
    last working day must be over and no objection left open. campaign_finalise holds this rule; the
    page asks it too, to offer the button or say why not."""
    if error := publicity_over_error(campaign.publicity_ends_on, "公布最终名单", today):
        return error
    open_objections = AwardObjection.objects.filter(nomination__campaign=campaign, status=O.OPEN).count()
    if open_objections:
        return f"还有 {open_objections} 条公示异议未处理，处理完毕后才能公布最终名单。"
    return ""


@transaction.atomic
def campaign_finalise(*, campaign: AwardCampaign, by) -> AwardCampaign:
    """The final list: after the 公示's last working day, with no objection left open."""
    campaign = AwardCampaign.objects.select_for_update().get(pk=campaign.pk)
    CAMPAIGN_FLOW.check("finalise", state=campaign.status, user=by)
    if error := finalise_error(campaign):
        raise Conflict(error)
    winners = list(campaign.nominations.filter(status=N.PUBLICIZED).select_related("member__user", "branch__chair"))
    for nomination in winners:
        NOMINATION_FLOW.apply(nomination, "award", by=by, reason="公示期满，无异议")
    campaign.finalised_at = timezone.now()
    CAMPAIGN_FLOW.apply(campaign, "finalise", by=by, reason=f"最终名单 {len(winners)} 个",
                        extra_update_fields=["finalised_at"])
    users = {n.member.user for n in winners if n.member_id and n.member.user_id}
    users |= {n.branch.chair for n in winners if n.branch.chair_id}
    notify(users=list(users), message=f"“{campaign.title}”最终名单已公布，恭喜获评！", link="/me/")
    return campaign


# --- forwarded to the province --------------------------------------------------------------------

@transaction.atomic
def nomination_forward(*, nomination: AwardNomination, by, provincial_campaign, school) -> AwardNomination:
    """Forward a winner of the school's final list as the school's nominee in an open provincial
    honours campaign — through the provincial flow's own nomination_submit, so its quota, deadline
    and rules hold; the provincial nomination is recorded on this one (and nothing is written when
    the province refuses)."""
    from shared.honours import services as honours

    _office(by, "推荐至省级")
    nomination = _lock(nomination)
    if nomination.status != N.AWARDED:
        raise Conflict("只有最终名单中的获评者可以推荐至省级。")
    if nomination.provincial_nomination_id:
        raise Conflict(f"{nomination.name}已推荐至“{nomination.provincial_campaign_title}”。")
    if provincial_campaign is None:
        raise ValidationError({"provincial_campaign": "请选择省级推荐活动。"})
    deeds = f"{nomination.campaign.year}年{nomination.campaign.title}获评者。\n{nomination.deeds}"
    if provincial_campaign.is_collective != (nomination.member_id is None):
        raise ValidationError({"provincial_campaign": f"“{provincial_campaign.title}”是"
                                                      f"{'集体' if provincial_campaign.is_collective else '个人'}荣誉，"
                                                      f"与{nomination.name}不相符。"})
    if nomination.member_id:
        member = nomination.member
        if member.birth_date is None:
            raise ValidationError({"provincial_campaign": f"{member.name}的会员档案没有出生日期，请先补充。"})
        given = {"nominee_name": member.name, "gender": member.gender, "birth_date": member.birth_date}
    else:
        chair = nomination.branch.chair
        leader = getattr(chair, "member", None) if chair else None
        given = {"unit_name": nomination.branch.name, "leader_post": "分工会主席",
                 "leader_name": leader.name if leader else (chair.get_full_name() or chair.get_username()
                                                            if chair else "")}
    provincial = honours.nomination_submit(by=by, campaign=provincial_campaign, school=school, deeds=deeds, **given)
    nomination.provincial_nomination_id = provincial.pk
    nomination.provincial_campaign_title = provincial_campaign.title
    nomination.save(update_fields=["provincial_nomination_id", "provincial_campaign_title"])
    audit_record(actor=by, action="update", target=nomination,
                 changes={"provincial_nomination_id": [None, provincial.pk]}, reason="推荐至省级")
    return nomination
