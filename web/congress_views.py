"""Pages for proposals and suggestions. Every action calls the same service the API calls."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tenants.congress import services as s
from tenants.congress.models import Congress, Proposal, Rating
from tenants.congress.selectors import (
    active_seconders,
    proposal_actions_for,
    proposals_visible_to,
    suggestions_visible_to,
)
from tenants.congress.workflow import PROPOSAL_FLOW
from tenants.errors import DomainError
from tenants.members.models import Department


def _visible_proposal(request, pk):
    proposal = proposals_visible_to(request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404("没有这件提案")
    return proposal


def _report(request, exc):
    if isinstance(exc, ValidationError):
        for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
            messages.error(request, "；".join(errors))
    else:
        messages.error(request, exc.message)


@login_required
def proposal_list(request):
    proposals = proposals_visible_to(request.user)
    status = request.GET.get("status", "")
    if status:
        proposals = proposals.filter(status=status)
    return render(request, "web/proposals.html", {
        "proposals": proposals[:200], "status": status, "statuses": Proposal.Status.choices,
        "can_propose": Congress.objects.filter(delegates__member__user=request.user).exists(),
    })


@login_required
def proposal_detail(request, pk):
    proposal = _visible_proposal(request, pk)
    actions = proposal_actions_for(proposal, request.user)

    return render(request, "web/proposal_detail.html", {
        "proposal": proposal, "actions": actions, "replies": proposal.replies.select_related("department"),
        "seconders": [second.delegate.member.name for second in active_seconders(proposal)],
        "departments": Department.objects.filter(is_active=True), "ratings": Rating.choices,
        "default_due": datetime.date.today() + datetime.timedelta(days=30),
    })


@login_required
@require_POST
def proposal_act(request, pk, step):
    proposal = _visible_proposal(request, pk)
    user, data = request.user, request.POST
    steps = {
        "submit": lambda: s.proposal_submit(proposal=proposal, by=user),
        "second": lambda: s.proposal_second(proposal=proposal, by=user),
        "withdraw_second": lambda: s.proposal_withdraw_second(proposal=proposal, by=user),
        "start_review": lambda: s.proposal_start_review(proposal=proposal, by=user, note=data.get("note", "")),
        "accept": lambda: s.proposal_accept(proposal=proposal, by=user, note=data.get("note", "")),
        "convert_to_suggestion": lambda: s.proposal_convert_to_suggestion(proposal=proposal, by=user,
                                                                          reason=data.get("reason", "")),
        "reject": lambda: s.proposal_reject(proposal=proposal, by=user, reason=data.get("reason", "")),
        "assign": lambda: _assign(proposal, user, data),
        "reply": lambda: s.proposal_reply(proposal=proposal, by=user, text=data.get("text", "")),
        "rate": lambda: s.proposal_rate(proposal=proposal, by=user, rating=data.get("rating", ""),
                                        comment=data.get("comment", "")),
        "close": lambda: s.proposal_close(proposal=proposal, by=user, note=data.get("note", "")),
    }
    if step not in steps:
        raise Http404
    try:
        steps[step]()
        messages.success(request, f"已完成：{PROPOSAL_FLOW.transitions[step].label}")
    except (DomainError, ValidationError) as exc:
        _report(request, exc)
    return redirect("school:proposal", pk=pk)


def _assign(proposal, user, data):
    chosen = data.get("lead_department", "")
    department = (Department.objects.filter(pk=chosen, is_active=True).first()
                  if chosen.isascii() and chosen.isdigit() else None)
    if department is None:
        raise ValidationError({"lead_department": "请选择主办部门。"})
    try:
        due = datetime.date.fromisoformat(data.get("due_date", ""))
    except ValueError:
        raise ValidationError({"due_date": "请填写有效的办理期限。"})
    return s.proposal_assign(proposal=proposal, by=user, lead_department=department, due_date=due)


@login_required
def proposal_new(request):
    congresses = Congress.objects.filter(delegates__member__user=request.user).distinct()
    if request.method == "POST":
        chosen = request.POST.get("congress", "")
        congress = congresses.filter(pk=chosen).first() if chosen.isascii() and chosen.isdigit() else None
        try:
            if congress is None:
                raise ValidationError({"congress": "请选择您担任代表的教代会。"})
            proposal = s.proposal_create(by=request.user, congress=congress, title=request.POST.get("title", ""),
                                         reasons=request.POST.get("reasons", ""),
                                         measures=request.POST.get("measures", ""))
            messages.success(request, "草稿已保存，确认无误后请点“提交”。")
            return redirect("school:proposal", pk=proposal.pk)
        except (DomainError, ValidationError) as exc:
            _report(request, exc)
    return render(request, "web/proposal_new.html", {"congresses": congresses, "form": request.POST})


@login_required
def suggestions(request):
    if request.method == "POST":
        try:
            s.suggestion_submit(by=request.user, title=request.POST.get("title", ""),
                                content=request.POST.get("content", ""))
            messages.success(request, "意见建议已提交，工会会尽快受理。")
            return redirect("school:suggestions")
        except (DomainError, ValidationError) as exc:
            _report(request, exc)
    return render(request, "web/suggestions.html", {
        "suggestions": suggestions_visible_to(request.user)[:100], "form": request.POST})
