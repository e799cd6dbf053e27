"""Congresses (the school's and the branches' 二级教代会), delegates, committees, proposals from draft to
closure (reviewed by the office or the congress's 提案工作委员会, forwarded from a branch to the school),
suggestions, overdue escalation."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tenants.accounts.models import User
from tenants.accounts.services import notify
from tenants.accounts.roles import Role
from tenants.audit.services import audit_create, audit_delete, audit_record, audit_update, field_values
from tenants.congress.models import (
    Committee,
    CommitteeMembership,
    Congress,
    Delegate,
    Delegation,
    Proposal,
    ProposalAttachment,
    ProposalReply,
    ProposalSecond,
    Rating,
    Suggestion,
)
from tenants.congress.workflow import CONGRESS_FLOW, PROPOSAL_FLOW, SUGGESTION_FLOW
from tenants.errors import Conflict, DomainError, NotAllowed
from tenants.members.models import Branch, Department, Member
from tenants.members.selectors import chaired_branches
from tenants.text import cn_date
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit

P = Proposal.Status
CONGRESS_FIELDS = ["branch", "term", "session", "title", "opens_on", "closes_on", "status", "seconder_minimum",
                   "submission_opens_at", "submission_closes_at", "seconding_closes_at"]
STATUS_BY_ACTIONS = "教代会状态只能通过“开幕”“闭幕”操作改变。"
SECOND_ROUND_DAYS = 30


# --- who runs a congress, who reviews its proposals -------------------------------------------

# The one rule of who runs a congress (create, edit, open, close, delegates, committees, 交办, 转报):
# the union office every congress, a branch chair the 二级教代会 of the branches they chair. Pages,
# the API and the selectors ask these functions rather than re-coding it.

def chairs_branch(user, branch_id) -> bool:
    """Is ``user`` the chair of that branch (分工会主席)?"""
    return branch_id is not None and chaired_branches(user).filter(pk=branch_id).exists()


def runs_every_congress(user) -> bool:
    """The union office (or ``None``, the platform itself: demo data, fixtures)."""
    return user is None or user.has_role(Role.UNION_ADMIN)


def may_manage_congress(user, congress: Congress) -> bool:
    """The union office runs every congress; a branch chair the 二级教代会 of a branch they chair."""
    if runs_every_congress(user):
        return True
    return congress.branch_id is not None and chairs_branch(user, congress.branch_id)


def _require_manager(by, congress: Congress) -> None:
    if not may_manage_congress(by, congress):
        if congress.branch_id is None:
            raise NotAllowed("学校教代会由校工会管理。")
        raise NotAllowed(f"只有校工会或{congress.branch.name}的分工会主席可以管理这次二级教代会。")


def sits_on_proposal_committee(user, congress_id) -> bool:
    return CommitteeMembership.objects.filter(
        committee__congress_id=congress_id, committee__kind=Committee.Kind.PROPOSAL,
        delegate__member__user_id=getattr(user, "pk", None)).exists()


def is_own_proposal(user, proposal: Proposal) -> bool:
    """Did ``user`` write it (or, through a merge, co-sign it)?"""
    uid = getattr(user, "pk", None)
    return uid is not None and (proposal.author_user_id == uid
                                or proposal.co_proposers.filter(member__user_id=uid).exists())


def review_refusal(user, proposal: Proposal) -> str:
    """Why ``user`` may not take a review step (初审, 立案, 不立案, 转意见建议, 并案, 结案) on this
    proposal ("" if they may): the office, the congress's 提案工作委员会 and, for a 二级教代会, its
    branch's chair review — never a proposal of their own (conflict of interest)."""
    if user is None:
        return ""  # the platform: the state machine itself refuses it
    reviewer = (user.has_role(Role.UNION_ADMIN) or chairs_branch(user, proposal.congress.branch_id)
                or sits_on_proposal_committee(user, proposal.congress_id))
    if not reviewer:
        return "只有校工会或本次教代会提案工作委员会的委员可以审查提案。"
    if is_own_proposal(user, proposal):
        return "不能审查自己提出（或联名）的提案，请由提案工作委员会的其他委员审查。"
    return ""


def _require_reviewer(by, proposal: Proposal) -> None:
    if reason := review_refusal(by, proposal):
        raise NotAllowed(reason)


# --- congresses and delegates ----------------------------------------------------------------

def _check_congress(congress: Congress):
    errors = {}
    if congress.term < 1 or congress.term > 99:
        errors["term"] = "届次应在 1 到 99 之间。"
    if congress.session < 1 or congress.session > 20:
        errors["session"] = "会议次数应在 1 到 20 之间。"
    if congress.seconder_minimum > 20:
        errors["seconder_minimum"] = "附议最少人数不能超过 20。"
    if congress.opens_on and congress.closes_on and congress.closes_on < congress.opens_on:
        errors["closes_on"] = "闭幕日期不能早于开幕日期。"
    if (congress.submission_opens_at and congress.submission_closes_at
            and congress.submission_closes_at <= congress.submission_opens_at):
        errors["submission_closes_at"] = "征集截止时间必须晚于开始时间。"
    if errors:
        raise ValidationError(errors)
    if Congress.objects.filter(term=congress.term, session=congress.session,
                               branch=congress.branch_id).exclude(pk=congress.pk).exists():
        where = f"{congress.branch.name}的" if congress.branch_id else ""
        raise Conflict(f"{where}{congress.label}教代会已存在。", field="session")


@transaction.atomic
def congress_create(*, by, branch: Branch | None = None, **fields) -> Congress:
    """The school's congress (branch None, the union office) or a branch's 二级教代会 (the office, or
    the chair of that branch)."""
    if fields.get("status", Congress.Status.PREPARING) != Congress.Status.PREPARING:
        raise ValidationError({"status": "新建的教代会处于筹备中；" + STATUS_BY_ACTIONS})
    fields.pop("status", None)
    if by is not None and not by.has_role(Role.UNION_ADMIN):
        if branch is None:
            raise NotAllowed("学校教代会由校工会建立；分工会主席请选择本人主持的分工会，建立二级教代会。")
        if not chairs_branch(by, branch.pk):
            raise NotAllowed(f"您不是{branch.name}的分工会主席，不能为其建立二级教代会。")
    if branch is not None and not branch.is_active:
        raise ValidationError({"branch": f"{branch.name}已停用，不能建立二级教代会。"})
    congress = Congress(branch=branch, **fields)
    _check_congress(congress)
    congress.save()
    audit_create(actor=by, target=congress, fields=CONGRESS_FIELDS)
    return congress


@transaction.atomic
def congress_update(*, congress: Congress, by, **fields) -> Congress:
    _require_manager(by, congress)
    if "status" in fields and fields.pop("status") != congress.status:
        raise ValidationError({"status": STATUS_BY_ACTIONS})
    if "branch" in fields and getattr(fields.pop("branch"), "pk", None) != congress.branch_id:
        raise ValidationError({"branch": "教代会建立后不能更改所属单位（全校或分工会）。"})
    before = field_values(congress, CONGRESS_FIELDS)
    for key, value in fields.items():
        setattr(congress, key, value)
    _check_congress(congress)
    congress.save(update_fields=list(fields))  # never the status a stale copy still holds
    audit_update(actor=by, target=congress, before=before)
    return congress


@transaction.atomic
def congress_open(*, congress: Congress, by, note: str = "") -> Congress:
    """筹备中 → 召开中; the opening date, when none was planned, is the day it opened."""
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    _require_manager(by, congress)
    CONGRESS_FLOW.check("open", state=congress.status, user=by)
    congress.opens_on = congress.opens_on or timezone.localdate()
    CONGRESS_FLOW.apply(congress, "open", by=by, reason=note, extra_update_fields=["opens_on"])
    return congress


@transaction.atomic
def congress_close(*, congress: Congress, by, note: str = "") -> Congress:
    """召开中 → 已闭幕; proposals already made go on being handled after the congress closes."""
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    _require_manager(by, congress)
    CONGRESS_FLOW.check("close", state=congress.status, user=by)
    congress.closes_on = congress.closes_on or timezone.localdate()
    if congress.opens_on and congress.closes_on < congress.opens_on:
        raise ValidationError({"closes_on": "闭幕日期不能早于开幕日期。"})
    CONGRESS_FLOW.apply(congress, "close", by=by, reason=note, extra_update_fields=["closes_on"])
    return congress


@transaction.atomic
def delegation_create(*, by, congress: Congress, name: str) -> Delegation:
    _require_manager(by, congress)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "代表团名称不能为空。"})
    if Delegation.objects.filter(congress=congress, name=name).exists():
        raise Conflict(f"代表团“{name}”已存在。", field="name")
    delegation = Delegation.objects.create(congress=congress, name=name)
    audit_create(actor=by, target=delegation, fields=["congress", "name"])
    return delegation


@transaction.atomic
def delegate_elect(*, by, congress: Congress, member: Member, delegation: Delegation | None = None) -> Delegate:
    _require_manager(by, congress)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError({"member": "只有在会会员才能当选代表。"})
    if congress.branch_id is not None and member.branch_id != congress.branch_id:
        # No name: the member belongs to another branch, whose roll this branch's chair does not read.
        raise ValidationError({"member": f"该会员不是{congress.branch.name}的会员，"
                                         f"不能当选该分工会二级教代会的代表。"})
    if delegation is not None and delegation.congress_id != congress.pk:
        raise ValidationError({"delegation": "代表团不属于这次教代会。"})
    if Delegate.objects.filter(congress=congress, member=member).exists():
        raise Conflict(f"{member.name}已是本次教代会代表。", field="member")
    delegate = Delegate.objects.create(congress=congress, member=member, branch=member.branch,
                                       delegation=delegation)
    audit_create(actor=by, target=delegate, fields=["congress", "member", "branch", "delegation"])
    return delegate


# --- committees (专门委员会) -----------------------------------------------------------------

@transaction.atomic
def committee_create(*, by, congress: Congress, name: str, kind: str = Committee.Kind.OTHER) -> Committee:
    """A committee of this congress; at most one 提案工作委员会 per congress."""
    congress = Congress.objects.select_for_update(of=("self",)).select_related("branch").get(pk=congress.pk)
    _require_manager(by, congress)
    name, errors = (name or "").strip(), {}
    if not name:
        errors["name"] = "委员会名称不能为空。"
    elif len(name) > 60:
        errors["name"] = "委员会名称不能超过 60 个字。"
    if kind not in Committee.Kind.values:
        errors["kind"] = "类别只能是：提案工作委员会、其他专门委员会。"
    if errors:
        raise ValidationError(errors)
    if kind == Committee.Kind.PROPOSAL:
        existing = congress.committees.filter(kind=Committee.Kind.PROPOSAL).first()
        if existing is not None:
            raise Conflict(f"{congress}已有提案工作委员会（{existing.name}），每次教代会只设一个。", field="kind")
    if congress.committees.filter(name=name).exists():
        raise Conflict(f"委员会“{name}”已存在。", field="name")
    committee = Committee.objects.create(congress=congress, name=name, kind=kind)
    audit_create(actor=by, target=committee, fields=["congress", "name", "kind"])
    return committee


def _check_role(role: str) -> None:
    if role not in CommitteeMembership.Role.values:
        raise ValidationError({"role": "职务只能是：主任、副主任、委员。"})


@transaction.atomic
def committee_member_add(*, by, committee: Committee, member: Member | None,
                         role: str = CommitteeMembership.Role.MEMBER) -> CommitteeMembership:
    """Seat a delegate of the committee's own congress on it (a member who is not one: 400, nothing written)."""
    committee = Committee.objects.select_for_update(of=("self",)).select_related("congress__branch").get(pk=committee.pk)
    congress = committee.congress
    _require_manager(by, congress)
    if member is None:
        raise ValidationError({"member": "请选择委员会成员（本次教代会的代表）。"})
    _check_role(role)
    delegate = Delegate.objects.filter(congress=congress, member=member).select_related("member").first()
    if delegate is None:
        # A 二级教代会's manager learns the name of a member of their own branch only.
        who = member.name if congress.branch_id is None or member.branch_id == congress.branch_id else "该会员"
        raise ValidationError({"member": f"{who}不是{congress}的代表；委员会成员须是本次教代会的代表。"})
    if committee.memberships.filter(delegate=delegate).exists():
        raise Conflict(f"{member.name}已是{committee.name}的成员。", field="member")
    membership = CommitteeMembership.objects.create(committee=committee, delegate=delegate, role=role)
    audit_create(actor=by, target=membership, fields=["committee", "delegate", "role"])
    if committee.kind == Committee.Kind.PROPOSAL and member.user_id:
        notify(users=[member.user], message=f"您已加入{congress}的{committee.name}，可以参与提案审查。",
               link="/proposals/")
    return membership


@transaction.atomic
def committee_member_set_role(*, by, membership: CommitteeMembership, role: str) -> CommitteeMembership:
    membership = (CommitteeMembership.objects.select_for_update(of=("self",))
                  .select_related("committee__congress__branch").get(pk=membership.pk))
    _require_manager(by, membership.committee.congress)
    _check_role(role)
    before = field_values(membership, ["role"])
    membership.role = role
    membership.save(update_fields=["role"])
    audit_update(actor=by, target=membership, before=before)
    return membership


@transaction.atomic
def committee_member_remove(*, by, membership: CommitteeMembership, reason: str = "") -> None:
    membership = (CommitteeMembership.objects.select_for_update(of=("self",))
                  .select_related("committee__congress__branch", "delegate__member").get(pk=membership.pk))
    _require_manager(by, membership.committee.congress)
    audit_delete(actor=by, target=membership,
                 reason=reason or f"{membership.delegate.member.name}退出{membership.committee.name}")
    membership.delete()


def delegate_of(user, congress: Congress) -> Delegate | None:
    if user is None or not user.is_authenticated:
        return None
    return Delegate.objects.filter(congress=congress, member__user=user).select_related("member").first()


# --- proposals --------------------------------------------------------------------------------

def _lock(proposal: Proposal) -> Proposal:
    return (Proposal.objects.select_for_update(of=("self",))
            .select_related("congress__branch", "proposer__member", "forwarded_from__proposer__member")
            .get(pk=proposal.pk))


def _move(proposal: Proposal, action: str, *, by, reason: str = "", to: str | None = None, fields=()) -> Proposal:
    PROPOSAL_FLOW.apply(proposal, action, by=by, reason=reason, to=to, extra_update_fields=fields)
    return proposal


def _check_text(title, reasons, measures) -> dict:
    errors = {}
    for field, value, label, limit in (("title", title, "案由", 200), ("reasons", reasons, "理由", 5000),
                                       ("measures", measures, "建议措施", 5000)):
        if not (value or "").strip():
            errors[field] = f"{label}不能为空（提案须写明案由、理由和建议措施）。"
        elif len(value) > limit:
            errors[field] = f"{label}不能超过 {limit} 个字。"
    return errors


def _require_proposer(proposal: Proposal, by):
    if proposal.author_user_id is None or proposal.author_user_id != getattr(by, "pk", None):
        raise NotAllowed("只有提案人本人可以进行此操作。")


@transaction.atomic
def proposal_create(*, by, congress: Congress, title: str, reasons: str = "", measures: str = "") -> Proposal:
    """A draft; only a delegate of that congress may write one."""
    delegate = delegate_of(by, congress)
    if delegate is None:
        raise NotAllowed("只有本次教代会的代表才能提出提案；非代表请通过“意见建议”渠道反映。")
    errors = _check_lengths(title=title, reasons=reasons, measures=measures)
    if not (title or "").strip():
        errors["title"] = "案由不能为空。"
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.create(congress=congress, proposer=delegate, title=title.strip(),
                                       reasons=reasons or "", measures=measures or "")
    # A draft is private to its proposer: the audit records that it exists, not what it says.
    audit_create(actor=by, target=proposal, fields=["congress", "proposer"])
    return proposal


def _check_lengths(**texts) -> dict:
    limits = {"title": (200, "案由"), "reasons": (5000, "理由"), "measures": (5000, "建议措施")}
    return {field: f"{limits[field][1]}不能超过 {limits[field][0]} 个字。"
            for field, value in texts.items() if value and len(value) > limits[field][0]}


@transaction.atomic
def proposal_edit(*, proposal: Proposal, by, **fields) -> Proposal:
    proposal = _lock(proposal)
    _require_proposer(proposal, by)
    if proposal.status != P.DRAFT:
        raise Conflict(f"提案当前状态为“{proposal.get_status_display()}”，只有草稿可以修改。")
    changed = [key for key in ("title", "reasons", "measures") if key in fields and fields[key] != getattr(proposal, key)]
    errors = _check_lengths(**{key: fields[key] for key in changed})
    for key in changed:
        setattr(proposal, key, fields[key])
    if not proposal.title.strip():
        errors["title"] = "案由不能为空。"
    if errors:
        raise ValidationError(errors)
    proposal.save()
    if changed:
        audit_record(actor=by, action="update", target=proposal, changes={key: "草稿已修改" for key in changed})
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> Proposal:
    proposal = _lock(proposal)
    PROPOSAL_FLOW.check("submit", state=proposal.status, user=by)
    _require_proposer(proposal, by)
    errors = _check_text(proposal.title, proposal.reasons, proposal.measures)
    if errors:
        raise ValidationError(errors)
    congress, now = proposal.congress, timezone.now()
    if congress.submission_opens_at and now < congress.submission_opens_at:
        raise Conflict(f"提案征集尚未开始（{timezone.localtime(congress.submission_opens_at):%Y-%m-%d %H:%M} 开始）。")
    if congress.submission_closes_at and now > congress.submission_closes_at:
        raise Conflict(f"提案征集已于 {timezone.localtime(congress.submission_closes_at):%Y-%m-%d %H:%M} 截止。")
    proposal.submitted_at = now
    target = P.SECONDED if congress.seconder_minimum == 0 else P.SUBMITTED
    _move(proposal, "submit", to=target, by=by, fields=["submitted_at"])
    audit_record(actor=by, action="update", target=proposal, reason="提交时的提案内容",
                 changes={"title": proposal.title, "reasons": proposal.reasons, "measures": proposal.measures})
    emit("proposal.submitted", webhook_events.proposal_data(proposal))
    return proposal


def _active_seconds(proposal: Proposal):
    return ProposalSecond.objects.filter(proposal=proposal, withdrawn_at__isnull=True)


FORWARDED_NEEDS_NO_SECONDS = "转报的提案无需附议。"


def _refuse_seconding_forwarded(proposal: Proposal) -> None:
    """A proposal forwarded from a 二级教代会 arrives ready for 初审 (附议已满) without seconds: no one
    seconds it, and no withdrawn second can move it back out of review."""
    if proposal.forwarded_from_id is not None:
        raise Conflict(FORWARDED_NEEDS_NO_SECONDS)


@transaction.atomic
def proposal_second(*, proposal: Proposal, by) -> Proposal:
    proposal = _lock(proposal)
    _refuse_seconding_forwarded(proposal)
    PROPOSAL_FLOW.check("second", state=proposal.status, user=by)
    congress = proposal.congress
    delegate = delegate_of(by, congress)
    if delegate is None:
        raise NotAllowed("只有本次教代会的代表才能附议。")
    author = proposal.author  # the original proposer's delegateship, for a forwarded proposal
    if author is not None and delegate.member_id == author.member_id:
        raise NotAllowed("提案人不能附议自己的提案。")
    if congress.seconding_closes_at and timezone.now() > congress.seconding_closes_at:
        raise Conflict(f"附议已于 {timezone.localtime(congress.seconding_closes_at):%Y-%m-%d %H:%M} 截止。")
    if _active_seconds(proposal).filter(delegate=delegate).exists():
        raise Conflict("您已附议过这件提案。")
    ProposalSecond.objects.create(proposal=proposal, delegate=delegate)
    count = _active_seconds(proposal).count()
    audit_record(actor=by, action="update", target=proposal, changes={"seconds": [count - 1, count]},
                 reason="附议")
    if proposal.status == P.SUBMITTED and count >= congress.seconder_minimum:
        _move(proposal, "second", by=by, reason=f"附议人数达到 {count} 人")
    return proposal


@transaction.atomic
def proposal_withdraw_second(*, proposal: Proposal, by) -> Proposal:
    proposal = _lock(proposal)
    _refuse_seconding_forwarded(proposal)
    PROPOSAL_FLOW.check("withdraw_second", state=proposal.status, user=by)
    delegate = delegate_of(by, proposal.congress)
    second = _active_seconds(proposal).filter(delegate=delegate).first() if delegate else None
    if second is None:
        raise Conflict("您没有附议这件提案，无需撤回。")
    second.withdrawn_at = timezone.now()
    second.save(update_fields=["withdrawn_at"])
    count = _active_seconds(proposal).count()
    audit_record(actor=by, action="update", target=proposal, changes={"seconds": [count + 1, count]},
                 reason="撤回附议")
    if proposal.status == P.SECONDED and count < proposal.congress.seconder_minimum:
        _move(proposal, "withdraw_second", by=by, reason=f"撤回附议后附议人数为 {count} 人，不足最少人数")
    return proposal


@transaction.atomic
def proposal_start_review(*, proposal: Proposal, by, note: str = "") -> Proposal:
    proposal = _lock(proposal)
    _require_reviewer(by, proposal)
    PROPOSAL_FLOW.check("start_review", state=proposal.status, user=by)
    return _move(proposal, "start_review", by=by, reason=note)


def _number(proposal: Proposal) -> None:
    congress = Congress.objects.select_for_update(of=("self",)).select_related("branch").get(pk=proposal.congress_id)
    last = Proposal.objects.filter(congress=congress).aggregate(last=Max("serial"))["last"] or 0
    proposal.serial = last + 1
    number = f"{congress.label}-{proposal.serial:03d}"
    # A 二级教代会's numbers carry its branch's name: 计算机学院二届一次-001.
    prefix = congress.branch.name[:30 - len(number)] if congress.branch_id else ""
    proposal.number = prefix + number


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by, note: str = "") -> Proposal:
    proposal = _lock(proposal)
    _require_reviewer(by, proposal)
    PROPOSAL_FLOW.check("accept", state=proposal.status, user=by)
    _number(proposal)
    proposal.decision_reason = note
    _move(proposal, "accept", by=by, reason=note, fields=["serial", "number", "decision_reason"])
    emit("proposal.accepted", webhook_events.proposal_data(proposal))
    return proposal


@transaction.atomic
def proposal_convert_to_suggestion(*, proposal: Proposal, by, reason: str) -> Proposal:
    proposal = _lock(proposal)
    _require_reviewer(by, proposal)
    PROPOSAL_FLOW.check("convert_to_suggestion", state=proposal.status, user=by, reason=reason)
    proposal.decision_reason = reason
    _move(proposal, "convert_to_suggestion", by=by, reason=reason, fields=["decision_reason"])
    suggestion = Suggestion.objects.create(
        title=proposal.title, content=f"{proposal.reasons}\n\n建议：{proposal.measures}",
        submitted_by=proposal.author.member.user if proposal.author else None, source_proposal=proposal,
    )
    audit_create(actor=by, target=suggestion, fields=["title", "source_proposal", "status"])
    # The reviewer who turned the proposal down has thereby taken the suggestion on for the office.
    SUGGESTION_FLOW.apply(suggestion, "acknowledge", by=by, reason=f"由提案转为意见建议：{reason}")
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, by, reason: str) -> Proposal:
    proposal = _lock(proposal)
    _require_reviewer(by, proposal)
    PROPOSAL_FLOW.check("reject", state=proposal.status, user=by, reason=reason)
    proposal.decision_reason = reason
    return _move(proposal, "reject", by=by, reason=reason, fields=["decision_reason"])


@transaction.atomic
def proposal_merge(*, target: Proposal, sources, by, note: str = "") -> Proposal:
    """Merge ``sources`` into ``target`` (accepted now if it was under review); every proposer credited."""
    target = _lock(target)
    sources = [_lock(source) for source in sources]
    if not sources:
        raise ValidationError({"sources": "请选择要并入的提案。"})
    _require_reviewer(by, target)
    for source in sources:
        _require_reviewer(by, source)
    if target.status not in (P.UNDER_REVIEW, P.ACCEPTED):
        raise Conflict(f"提案当前状态为“{target.get_status_display()}”，只有初审中或已立案的提案可以作为并案主提案。")
    for source in sources:
        if source.pk == target.pk:
            raise ValidationError({"sources": "不能把提案并入它自己。"})
        if source.congress_id != target.congress_id:
            raise ValidationError({"sources": f"提案“{source.title}”不属于同一次教代会。"})
        PROPOSAL_FLOW.check("merge", state=source.status, user=by)
    if target.status == P.UNDER_REVIEW:
        PROPOSAL_FLOW.check("accept", state=target.status, user=by)
        _number(target)
        _move(target, "accept", by=by, reason=note or "并案立案", fields=["serial", "number"])
    for source in sources:
        source.merged_into = target
        _move(source, "merge", by=by, reason=f"并入提案 {target.number}", fields=["merged_into"])
        target.co_proposers.add(*[d for d in (source.author, *source.co_proposers.all()) if d is not None])
    if target.author is not None:
        target.co_proposers.remove(target.author)
    audit_record(actor=by, action="update", target=target, reason="并案联名",
                 changes={"co_proposers": sorted(d.member.name for d in target.co_proposers.all())})
    return target


@transaction.atomic
def proposal_assign(*, proposal: Proposal, by, lead_department: Department, due_date: datetime.date,
                    co_departments=(), note: str = "") -> Proposal:
    proposal = _lock(proposal)
    if not may_manage_congress(by, proposal.congress):
        raise NotAllowed("只有校工会（或二级教代会所属分工会的主席）可以交办提案。")
    PROPOSAL_FLOW.check("assign", state=proposal.status, user=by)
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "办理期限不能早于今天。"})
    co_departments = [d for d in co_departments if d.pk != lead_department.pk]
    proposal.lead_department, proposal.due_date = lead_department, due_date
    proposal.overdue = False
    proposal.co_departments.set(co_departments)
    audit_record(actor=by, action="update", target=proposal,
                 changes={"co_departments": sorted(d.name for d in co_departments)})
    _move(proposal, "assign", by=by, reason=note or f"交办{lead_department.name}，期限 {cn_date(due_date)}",
          fields=["lead_department", "due_date", "overdue"])
    _notify_department(lead_department, f"提案 {proposal.number}“{proposal.title}”已交办贵部门，"
                                        f"请于 {cn_date(due_date)} 前答复。", proposal)
    return proposal


@transaction.atomic
def proposal_reply(*, proposal: Proposal, by, text: str) -> ProposalReply:
    proposal = _lock(proposal)
    PROPOSAL_FLOW.check("reply", state=proposal.status, user=by)
    if not proposal.lead_department.handlers.filter(pk=by.pk).exists():
        raise NotAllowed(f"只有主办部门（{proposal.lead_department.name}）的经办人可以答复。")
    if not (text or "").strip():
        raise ValidationError({"text": "答复内容不能为空。"})
    reply = ProposalReply.objects.create(proposal=proposal, handling_round=proposal.handling_round,
                                         department=proposal.lead_department, text=text.strip(), replied_by=by,
                                         due_date=proposal.due_date)
    proposal.overdue = False
    _move(proposal, "reply", by=by, reason="部门书面答复", fields=["overdue"])
    emit("proposal.replied", webhook_events.proposal_data(proposal))
    proposer = proposal.author.member.user if proposal.author else None
    if proposer is not None:
        notify(users=[proposer], message=f"您的提案 {proposal.number} 已收到答复，请评价。",
               link=f"/proposals/{proposal.pk}/")
    return reply


@transaction.atomic
def proposal_rate(*, proposal: Proposal, by, rating: str, comment: str = "") -> Proposal:
    proposal = _lock(proposal)
    PROPOSAL_FLOW.check("rate", state=proposal.status, user=by)
    _require_proposer(proposal, by)
    if rating not in Rating.values:
        raise ValidationError({"rating": "评价只能是：满意、基本满意、不满意。"})
    reply = proposal.replies.get(handling_round=proposal.handling_round)
    reply.rating, reply.rated_at, reply.rating_comment = rating, timezone.now(), comment
    reply.save(update_fields=["rating", "rated_at", "rating_comment"])
    proposal.rating = rating
    if rating == Rating.UNSATISFIED and proposal.handling_round == 1:
        proposal.handling_round = 2
        proposal.due_date = timezone.localdate() + datetime.timedelta(days=SECOND_ROUND_DAYS)
        _move(proposal, "rate", to=P.ASSIGNED, by=by, reason=f"提案人不满意，进入第二轮办理：{comment}".rstrip("："),
              fields=["rating", "handling_round", "due_date"])
        _notify_department(proposal.lead_department, f"提案 {proposal.number} 的提案人对答复不满意，"
                                                     f"请于 {cn_date(proposal.due_date)} 前再次答复。", proposal)
        return proposal
    return _move(proposal, "rate", by=by, reason=f"评价：{Rating(rating).label} {comment}".strip(),
                 fields=["rating"])


@transaction.atomic
def proposal_close(*, proposal: Proposal, by, note: str = "") -> Proposal:
    proposal = _lock(proposal)
    _require_reviewer(by, proposal)
    PROPOSAL_FLOW.check("close", state=proposal.status, user=by)
    if proposal.rating == Rating.UNSATISFIED and not note.strip():
        raise DomainError("两轮办理后提案人仍不满意，结案须填写提案委员会意见。", field="note")
    proposal.committee_note, proposal.closed_at = note, timezone.now()
    _move(proposal, "close", by=by, reason=note or "结案", fields=["committee_note", "closed_at"])
    emit("proposal.closed", webhook_events.proposal_data(proposal))
    return proposal


def forward_refusal(user, proposal: Proposal) -> str:
    """Why ``user`` may not forward this proposal to the school's congress ("" if they may)."""
    if proposal.congress.branch_id is None:
        return "只有二级教代会的提案可以转报学校教代会。"
    if not may_manage_congress(user, proposal.congress):
        return f"只有校工会或{proposal.congress.branch.name}的分工会主席可以转报这件提案。"
    return ""


@transaction.atomic
def proposal_forward(*, proposal: Proposal, by, congress: Congress | None, reason: str = "") -> Proposal:
    """转报学校教代会: a 二级教代会's proposal under review or accepted becomes a proposal of the
    school's (preparing or open) congress, linked to it (``forwarded_from``) and ready for 初审
    there; the original moves to 已转报. Once only. Returns the school's proposal."""
    proposal = _lock(proposal)
    refusal = forward_refusal(by, proposal)
    if refusal:
        if proposal.congress.branch_id is None:
            raise Conflict(refusal)
        raise NotAllowed(refusal)
    if Proposal.objects.filter(forwarded_from=proposal).exists():
        raise Conflict("这件提案已转报学校教代会，不能重复转报。")
    PROPOSAL_FLOW.check("forward", state=proposal.status, user=by, reason=reason)
    if congress is None:
        raise ValidationError({"congress": "请选择要转报的学校教代会。"})
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    if congress.branch_id is not None:
        raise ValidationError({"congress": "只能转报学校教代会，不能转报二级教代会。"})
    if congress.status == Congress.Status.CLOSED:
        raise ValidationError({"congress": f"{congress}已闭幕，请选择筹备中或召开中的学校教代会。"})
    reason = reason.strip()
    school = Proposal.objects.create(congress=congress, proposer=None, forwarded_from=proposal,
                                     title=proposal.title, reasons=proposal.reasons, measures=proposal.measures,
                                     submitted_at=timezone.now())
    audit_create(actor=by, target=school, fields=["congress", "forwarded_from", "title"])
    PROPOSAL_FLOW.apply(school, "receive_forwarded", by=by,
                        reason=f"由{proposal.congress}转报（原提案 {proposal.number or proposal.pk}）：{reason}")
    _move(proposal, "forward", by=by, reason=f"转报{congress}：{reason}")
    office = User.objects.filter(roles__contains=[Role.UNION_ADMIN], is_active=True)
    notify(users=office, message=f"{proposal.congress}转报提案“{proposal.title}”，请安排初审。",
           link=f"/proposals/{school.pk}/")
    author = proposal.author.member.user if proposal.author else None
    if author is not None:
        notify(users=[author], message=f"您的提案“{proposal.title}”已转报{congress}。",
               link=f"/proposals/{school.pk}/")
    return school


def proposal_attach(*, proposal: Proposal, by, upload, kind: str) -> ProposalAttachment:
    from shared.uploads import check_upload

    check_upload(upload)
    if kind == ProposalAttachment.Kind.PROPOSAL:
        if proposal.proposer_id is None:
            raise NotAllowed("转报的提案沿用原提案的附件，不能再添加提案附件。")
        _require_proposer(proposal, by)
        if proposal.status not in (P.DRAFT, P.SUBMITTED, P.SECONDED):
            raise Conflict("提案进入初审后不能再添加提案附件。")
    else:
        if proposal.status != P.ASSIGNED or proposal.lead_department is None or \
                not proposal.lead_department.handlers.filter(pk=by.pk).exists():
            raise NotAllowed("只有主办部门经办人在办理期间可以上传答复附件。")
    with transaction.atomic():
        attachment = ProposalAttachment.objects.create(proposal=proposal, kind=kind, file=upload,
                                                       name=upload.name[:200], size=upload.size, uploaded_by=by)
        audit_create(actor=by, target=attachment, fields=["proposal", "kind", "name", "size"])
    return attachment


# --- overdue escalation (督办) -----------------------------------------------------------------

def _notify_department(department: Department, message: str, proposal: Proposal) -> None:
    notify(users=department.handlers.all(), message=message, link=f"/proposals/{proposal.pk}/")


def flag_overdue_proposals(*, today: datetime.date | None = None) -> int:
    """Assigned proposals past their due date without a reply: flag 督办, tell the department and office."""
    today = today or timezone.localdate()
    flagged = 0
    office = list(User.objects.filter(roles__contains=[Role.UNION_ADMIN], is_active=True))
    due = Proposal.objects.filter(status=P.ASSIGNED, overdue=False, due_date__lt=today).select_related(
        "lead_department")
    for proposal in due:
        with transaction.atomic():
            proposal.overdue, proposal.escalated_at = True, timezone.now()
            proposal.save(update_fields=["overdue", "escalated_at"])
            audit_record(actor=None, action="update", target=proposal, changes={"overdue": [False, True]},
                         reason=f"超过办理期限 {cn_date(proposal.due_date)} 未答复，转入督办")
            message = (f"【督办】提案 {proposal.number}“{proposal.title}”已超过办理期限 "
                       f"{cn_date(proposal.due_date)}，{proposal.lead_department.name}尚未答复。")
            _notify_department(proposal.lead_department, message, proposal)
            notify(users=office, message=message, link=f"/proposals/{proposal.pk}/")
        flagged += 1
    return flagged


# --- suggestions (意见建议) --------------------------------------------------------------------

@transaction.atomic
def suggestion_submit(*, by, title: str, content: str) -> Suggestion:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "标题不能为空。"
    elif len(title) > 200:
        errors["title"] = "标题不能超过 200 个字。"
    if not (content or "").strip():
        errors["content"] = "内容不能为空。"
    elif len(content) > 10000:
        errors["content"] = "内容不能超过 10000 个字。"
    if errors:
        raise ValidationError(errors)
    suggestion = Suggestion.objects.create(title=title.strip(), content=content.strip(), submitted_by=by)
    audit_create(actor=by, target=suggestion, fields=["title"])
    return suggestion


@transaction.atomic
def suggestion_act(*, suggestion: Suggestion, action: str, by, department: Department | None = None,
                   answer: str = "") -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    SUGGESTION_FLOW.check(action, state=suggestion.status, user=by)
    fields = []
    if action == "forward":
        if department is None:
            raise ValidationError({"department": "请选择转交的部门。"})
        suggestion.department = department
        fields.append("department")
    if action == "answer":
        if not by.has_role(Role.UNION_ADMIN) and not (
                suggestion.department and suggestion.department.handlers.filter(pk=by.pk).exists()):
            raise NotAllowed("只有转交部门的经办人或校工会可以答复。")
        if not (answer or "").strip():
            raise ValidationError({"answer": "答复内容不能为空。"})
        suggestion.answer, suggestion.answered_at = answer.strip(), timezone.now()
        fields += ["answer", "answered_at"]
    SUGGESTION_FLOW.apply(suggestion, action, by=by, reason=answer or (department.name if department else ""),
                          extra_update_fields=fields)
    if department is not None:
        notify(users=department.handlers.all(), message=f"意见建议“{suggestion.title}”已转交贵部门。",
               link=f"/suggestions/{suggestion.pk}/")
    if action == "answer" and suggestion.submitted_by_id:
        notify(users=[suggestion.submitted_by], message=f"您的意见建议“{suggestion.title}”已有答复。",
               link=f"/suggestions/{suggestion.pk}/")
    return suggestion
