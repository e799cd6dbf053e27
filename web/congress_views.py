"""Pages for proposals and suggestions. Every action calls the same service the API calls."""
import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect

from tenants.audit.selectors import audit_records
from tenants.congress import services as s
from django.http import FileResponse

from tenants.congress.models import Congress, Proposal, Rating, Suggestion
from tenants.congress.selectors import (
    active_seconders,
    attachment_kind_for,
    forward_targets,
    is_delegate,
    merge_candidates,
    proposal_actions_for,
    proposal_attachments,
    proposal_history,
    proposals_in_table,
    proposals_matching,
    proposals_visible_to,
    suggestion_actions_for,
    suggestions_visible_to,
)
from tenants.congress.workflow import PROPOSAL_FLOW
from tenants.members.models import Department
from web.base import SchoolPage
from web.congress_forms import AttachmentForm, StepForm
from web.forms import ProposalDraftForm, SuggestionForm
from web.links import pk_link
from web.tables import Column, Filter, Table


def visible_proposal(user, pk) -> Proposal:
    proposal = proposals_visible_to(user).filter(pk=pk).first()
    if proposal is None:
        raise Http404("没有这件提案")
    return proposal


def _delegate_congresses(user):
    return Congress.objects.filter(delegates__member__user=user).distinct()


def _listed_congresses(user, visible=None):
    """The congresses whose proposals this person may see at all (for the list's filter); ``visible``:
    proposals_visible_to(user) when the caller built it already (building it is a good part of the
    list page's time)."""
    if visible is None:
        visible = proposals_visible_to(user, Proposal.objects.all())
    # only what a choice's label (Congress.__str__) reads
    return Congress.objects.filter(pk__in=visible.values("congress_id")).select_related("branch").only(
        "title", "term", "session", "branch__name").order_by("branch_id", "-term", "-session")


class ProposalList(SchoolPage):
    template_name = "web/proposals.html"
    title = "提案"

    def get(self, request):
        visible = proposals_visible_to(request.user, proposals_in_table().order_by("-created", "-id"))
        table = Table(request, id="proposals", columns=[
            Column("number", "编号", sort="number"),
            Column("title", "案由", link=pk_link("school:proposal"), sort="title",
                   primary=True),
            Column("proposer_display", "提案人"),
            Column("status", "状态", badge=True, sort="status"),
            Column("listed_lead_department_name", "主办部门"),  # selected with the row (proposals_in_table)
            Column("due_date", "办理期限", format="date", sort="due_date"),
        ], filters=[Filter("congress", "教代会", choices=[(str(c.pk), str(c)) for c in _listed_congresses(request.user, visible)]),
                    Filter("status", "状态", choices=Proposal.Status.choices),
                    Filter("overdue", "督办", choices=[("1", "督办中")]),
                    Filter("q", "搜索", placeholder="案由或编号")],
            default_sort="-created", per_page=20, empty_text="暂无可查看的提案。")
        rows = proposals_matching(visible, table.values["q"])
        if table.values["congress"]:
            rows = rows.filter(congress=table.values["congress"])
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        if table.values["overdue"]:
            rows = rows.filter(overdue=True, status=Proposal.Status.ASSIGNED)
        table.paginate(rows)
        return self.render_page(table=table, can_propose=is_delegate(request.user))


class ProposalDetail(SchoolPage):
    template_name = "web/proposal_detail.html"

    def get(self, request, pk, attachment_form=None, failed=None):
        proposal = visible_proposal(request.user, pk)
        kind = attachment_kind_for(proposal, request.user)
        actions = proposal_actions_for(proposal, request.user)
        return self.render_page(
            proposal=proposal, actions=actions,
            replies=proposal.replies.select_related("department"),
            seconders=[second.delegate.member.name for second in active_seconders(proposal)],
            departments=Department.objects.filter(is_active=True), ratings=Rating.choices,
            default_due=datetime.date.today() + datetime.timedelta(days=30),
            attachments=proposal_attachments(proposal),
            attachment_kind=kind, attachment_form=attachment_form or (AttachmentForm() if kind else None),
            merge_candidates=merge_candidates(proposal, request.user),
            history=proposal_history(proposal), failed=failed or {},
            forward_targets=forward_targets() if "forward" in actions else (),
            forwarded_to=Proposal.objects.filter(forwarded_from=proposal).first(),
            can_edit=bool(_draft_steps(proposal, request.user)),
        )


class ProposalAttachments(SchoolPage):
    """Upload (the service decides who may add which kind when) and download (whoever sees the proposal)."""

    def get(self, request, pk, attachment_id=None):
        proposal = visible_proposal(request.user, pk)
        attachment = proposal_attachments(proposal).filter(pk=attachment_id).first() if attachment_id else None
        if attachment is None:
            raise Http404
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)

    def post(self, request, pk, attachment_id=None):
        proposal = visible_proposal(request.user, pk)
        form = AttachmentForm(request.POST, request.FILES)
        kind = attachment_kind_for(proposal, request.user) or "proposal"
        if form.is_valid() and self.call_service(
                lambda: s.proposal_attach(proposal=proposal, by=request.user, upload=form.cleaned_data["file"],
                                          kind=kind), form=form, success="附件已上传。"):
            return redirect("school:proposal", pk=pk)
        return ProposalDetail(request=request).get(request, pk, attachment_form=form)


class ProposalMerge(SchoolPage):
    """并案: the office folds the chosen proposals into this one (accepting it if under review)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        target = visible_proposal(request.user, pk)
        chosen = [value for value in request.POST.getlist("sources") if value.isascii() and value.isdigit()]
        sources = list(merge_candidates(target, request.user).filter(pk__in=chosen))
        form = StepForm(request.POST)
        form.is_valid()
        if self.call_service(lambda: s.proposal_merge(target=target, sources=sources, by=request.user,
                                                      note=request.POST.get("note", "")),
                             form=form, success=f"已并案：{len(sources)} 件提案并入本提案。"):
            return redirect("school:proposal", pk=pk)
        return ProposalDetail(request=request).get(request, pk, failed=form.failure("merge"))


class ProposalAct(SchoolPage):
    """One workflow step from the proposal's page; the service decides whether it may be taken."""

    http_method_names = ["post"]

    def post(self, request, pk, step):
        proposal = visible_proposal(request.user, pk)
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
            "forward": lambda: _forward(proposal, user, data),
        }
        if step not in steps:
            raise Http404
        form = StepForm(data)
        form.is_valid()
        if self.call_service(steps[step], form=form, success=f"已完成：{PROPOSAL_FLOW.transitions[step].label}"):
            return redirect("school:proposal", pk=pk)
        # Refused: the same page, the reason beside the field of this step, what was typed kept.
        return ProposalDetail(request=request).get(request, pk, failed=form.failure(step))


def _forward(proposal, user, data):
    chosen = data.get("congress", "")
    congress = (Congress.objects.filter(pk=chosen).first() if chosen.isascii() and chosen.isdigit() else None)
    return s.proposal_forward(proposal=proposal, by=user, congress=congress, reason=data.get("reason", ""))


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
    co = [value for value in data.getlist("co_departments") if value.isascii() and value.isdigit()]
    return s.proposal_assign(proposal=proposal, by=user, lead_department=department, due_date=due,
                             co_departments=list(Department.objects.filter(pk__in=co, is_active=True)),
                             note=data.get("note", ""))


class ProposalNew(SchoolPage):
    template_name = "web/proposal_new.html"
    title = "提出提案"

    def form(self):
        return ProposalDraftForm(self.request.POST or None, congresses=_delegate_congresses(self.request.user))

    def get(self, request):
        return self.render_page(form=self.form())

    def post(self, request):
        form = self.form()
        if form.is_valid():
            congress = form.cleaned_data["congress"]
            if congress is None:
                form.add_error("congress", "请选择您担任代表的教代会。")
            else:
                created = self.call_service(lambda: s.proposal_create(
                    by=request.user, congress=congress, title=form.cleaned_data["title"],
                    reasons=form.cleaned_data["reasons"], measures=form.cleaned_data["measures"]),
                    form=form, success="草稿已保存，确认无误后请点“提交”。")
                if created:
                    return redirect("school:proposal", pk=created.value.pk)
        return self.render_page(form=form)


class ProposalEdit(SchoolPage):
    """The proposer edits their draft (the service refuses once it is submitted, or for anyone else)."""

    template_name = "web/proposal_new.html"
    title = "修改提案草稿"

    def form(self, proposal):
        form = ProposalDraftForm(self.request.POST or None, congresses=Congress.objects.filter(pk=proposal.congress_id),
                                 initial={"congress": proposal.congress_id, "title": proposal.title,
                                          "reasons": proposal.reasons, "measures": proposal.measures})
        form.fields["congress"].disabled = True
        return form

    def get(self, request, pk):
        proposal = visible_proposal(request.user, pk)
        if "edit" not in _draft_steps(proposal, request.user):
            raise Http404
        return self.render_page(form=self.form(proposal), proposal=proposal)

    def post(self, request, pk):
        proposal = visible_proposal(request.user, pk)
        form = self.form(proposal)
        if form.is_valid() and self.call_service(lambda: s.proposal_edit(
                proposal=proposal, by=request.user, title=form.cleaned_data["title"],
                reasons=form.cleaned_data["reasons"], measures=form.cleaned_data["measures"]),
                form=form, success="草稿已保存。"):
            return redirect("school:proposal", pk=pk)
        return self.render_page(form=form, proposal=proposal)


def _draft_steps(proposal, user) -> list[str]:
    own_draft = proposal.status == Proposal.Status.DRAFT and proposal.author_user_id == user.pk
    return ["edit"] if own_draft else []


class Suggestions(SchoolPage):
    template_name = "web/suggestions.html"
    title = "意见建议"

    def page(self, form):
        return self.render_page(form=form, suggestions=suggestions_visible_to(self.request.user)[:100])

    def get(self, request):
        return self.page(SuggestionForm())

    def post(self, request):
        form = SuggestionForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.suggestion_submit(by=request.user, **form.cleaned_data), form=form,
                success="意见建议已提交，工会会尽快受理。"):
            return redirect("school:suggestions")
        return self.page(form)


def visible_suggestion(user, pk) -> Suggestion:
    suggestion = suggestions_visible_to(user).filter(pk=pk).first()
    if suggestion is None:
        raise Http404("没有这条意见建议")
    return suggestion


class SuggestionDetail(SchoolPage):
    """One 意见建议: what was asked, where it stands, the answer; the office and the department act here."""

    template_name = "web/suggestion_detail.html"

    def get(self, request, pk, failed=None):
        suggestion = visible_suggestion(request.user, pk)
        return self.render_page(
            suggestion=suggestion, page_title=suggestion.title, failed=failed or {},
            actions=suggestion_actions_for(suggestion, request.user),
            departments=Department.objects.filter(is_active=True),
            history=audit_records(target_type="congress.suggestion", target_id=str(suggestion.pk),
                                  action="transition").select_related("actor").order_by("at", "id"))

    def post(self, request, pk):
        suggestion = visible_suggestion(request.user, pk)
        step, data = request.POST.get("step", ""), request.POST
        if step not in ("acknowledge", "forward", "answer"):
            raise Http404
        department = None
        if step == "forward":
            chosen = data.get("department", "")
            department = (Department.objects.filter(pk=chosen, is_active=True).first()
                          if chosen.isascii() and chosen.isdigit() else None)
        labels = {"acknowledge": "已受理。", "forward": "已转交部门。", "answer": "答复已发送给提交人。"}
        form = StepForm(data)
        form.is_valid()
        if self.call_service(lambda: s.suggestion_act(suggestion=suggestion, action=step, by=request.user,
                                                      department=department, answer=data.get("answer", "")),
                             form=form, success=labels[step]):
            return redirect("school:suggestion", pk=pk)
        return self.get(request, pk, failed=form.failure(step))
