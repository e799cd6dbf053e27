"""Congresses, delegates, proposals from draft to closure, suggestions, overdue escalation."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tenants.accounts.models import User
from tenants.accounts.services import notify
from tenants.accounts.roles import Role
from tenants.audit.services import audit_create, audit_record, audit_update, field_values
from tenants.congress.models import (
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
from tenants.members.models import Department, Member
from tenants.text import cn_date

P = Proposal.Status
CONGRESS_FIELDS = ["term", "session", "title", "opens_on", "closes_on", "status", "seconder_minimum",
                   "submission_opens_at", "submission_closes_at", "seconding_closes_at"]
STATUS_BY_ACTIONS = "教代会状态只能通过“开幕”“闭幕”操作改变。"
SECOND_ROUND_DAYS = 30


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
    if Congress.objects.filter(term=congress.term, session=congress.session).exclude(pk=congress.pk).exists():
        raise Conflict(f"{congress.label}教代会已存在。", field="session")


@transaction.atomic
def congress_create(*, by, **fields) -> Congress:
    if fields.get("status", Congress.Status.PREPARING) != Congress.Status.PREPARING:
        raise ValidationError({"status": "新建的教代会处于筹备中；" + STATUS_BY_ACTIONS})
    fields.pop("status", None)
    congress = Congress(**fields)
    _check_congress(congress)
    congress.save()
    audit_create(actor=by, target=congress, fields=CONGRESS_FIELDS)
    return congress


@transaction.atomic
def congress_update(*, congress: Congress, by, **fields) -> Congress:
    if "status" in fields and fields.pop("status") != congress.status:
        raise ValidationError({"status": STATUS_BY_ACTIONS})
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
    CONGRESS_FLOW.check("open", state=congress.status, user=by)
    congress.opens_on = congress.opens_on or timezone.localdate()
    CONGRESS_FLOW.apply(congress, "open", by=by, reason=note, extra_update_fields=["opens_on"])
    return congress


@transaction.atomic
def congress_close(*, congress: Congress, by, note: str = "") -> Congress:
    """召开中 → 已闭幕; proposals already made go on being handled after the congress closes."""
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    CONGRESS_FLOW.check("close", state=congress.status, user=by)
    congress.closes_on = congress.closes_on or timezone.localdate()
    if congress.opens_on and congress.closes_on < congress.opens_on:
        raise ValidationError({"closes_on": "闭幕日期不能早于开幕日期。"})
    CONGRESS_FLOW.apply(congress, "close", by=by, reason=note, extra_update_fields=["closes_on"])
    return congress


@transaction.atomic
def delegation_create(*, by, congress: Congress, name: str) -> Delegation:
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
    if member.status != Member.Status.ACTIVE:
        raise ValidationError({"member": "只有在会会员才能当选代表。"})
    if delegation is not None and delegation.congress_id != congress.pk:
        raise ValidationError({"delegation": "代表团不属于这次教代会。"})
    if Delegate.objects.filter(congress=congress, member=member).exists():
        raise Conflict(f"{member.name}已是本次教代会代表。", field="member")
    delegate = Delegate.objects.create(congress=congress, member=member, branch=member.branch,
                                       delegation=delegation)
    audit_create(actor=by, target=delegate, fields=["congress", "member", "branch", "delegation"])
    return delegate


def delegate_of(user, congress: Congress) -> Delegate | None:
    if user is None or not user.is_authenticated:
        return None
    return Delegate.objects.filter(congress=congress, member__user=user).select_related("member").first()


# --- proposals --------------------------------------------------------------------------------

def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("congress", "proposer__member").get(pk=proposal.pk)


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
    if proposal.proposer.member.user_id != getattr(by, "pk", None):
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
    return proposal


def _active_seconds(proposal: Proposal):
    return ProposalSecond.objects.filter(proposal=proposal, withdrawn_at__isnull=True)


@transaction.atomic
def proposal_second(*, proposal: Proposal, by) -> Proposal:
    proposal = _lock(proposal)
    PROPOSAL_FLOW.check("second", state=proposal.status, user=by)
    congress = proposal.congress
    delegate = delegate_of(by, congress)
    if delegate is None:
        raise NotAllowed("只有本次教代会的代表才能附议。")
    if delegate.pk == proposal.proposer_id:
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
    PROPOSAL_FLOW.check("start_review", state=proposal.status, user=by)
    return _move(proposal, "start_review", by=by, reason=note)


def _number(proposal: Proposal) -> None:
    congress = Congress.objects.select_for_update().get(pk=proposal.congress_id)
    last = Proposal.objects.filter(congress=congress).aggregate(last=Max("serial"))["last"] or 0
    proposal.serial = last + 1
    proposal.number = f"{congress.label}-{proposal.serial:03d}"


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by, note: str = "") -> Proposal:
    proposal = _lock(proposal)
    PROPOSAL_FLOW.check("accept", state=proposal.status, user=by)
    _number(proposal)
    proposal.decision_reason = note
    return _move(proposal, "accept", by=by, reason=note, fields=["serial", "number", "decision_reason"])


@transaction.atomic
def proposal_convert_to_suggestion(*, proposal: Proposal, by, reason: str) -> Proposal:
    proposal = _lock(proposal)
    PROPOSAL_FLOW.check("convert_to_suggestion", state=proposal.status, user=by, reason=reason)
    proposal.decision_reason = reason
    _move(proposal, "convert_to_suggestion", by=by, reason=reason, fields=["decision_reason"])
    suggestion = Suggestion.objects.create(
        title=proposal.title, content=f"{proposal.reasons}\n\n建议：{proposal.measures}",
        submitted_by=proposal.proposer.member.user, source_proposal=proposal,
    )
    audit_create(actor=by, target=suggestion, fields=["title", "source_proposal", "status"])
    # The office that turned the proposal down has thereby taken the suggestion on.
    SUGGESTION_FLOW.apply(suggestion, "acknowledge", by=by, reason=f"由提案转为意见建议：{reason}")
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, by, reason: str) -> Proposal:
    proposal = _lock(proposal)
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
        target.co_proposers.add(source.proposer, *source.co_proposers.all())
    target.co_proposers.remove(target.proposer)
    audit_record(actor=by, action="update", target=target, reason="并案联名",
                 changes={"co_proposers": sorted(d.member.name for d in target.co_proposers.all())})
    return target


@transaction.atomic
def proposal_assign(*, proposal: Proposal, by, lead_department: Department, due_date: datetime.date,
                    co_departments=(), note: str = "") -> Proposal:
    proposal = _lock(proposal)
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
    proposer = proposal.proposer.member.user
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
    PROPOSAL_FLOW.check("close", state=proposal.status, user=by)
    if proposal.rating == Rating.UNSATISFIED and not note.strip():
        raise DomainError("两轮办理后提案人仍不满意，结案须填写提案委员会意见。", field="note")
    proposal.committee_note, proposal.closed_at = note, timezone.now()
    return _move(proposal, "close", by=by, reason=note or "结案", fields=["committee_note", "closed_at"])


def proposal_attach(*, proposal: Proposal, by, upload, kind: str) -> ProposalAttachment:
    from shared.uploads import check_upload

    check_upload(upload)
    if kind == ProposalAttachment.Kind.PROPOSAL:
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
