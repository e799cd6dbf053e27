"""Who sees which proposals, and the figures a union reports for each congress."""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.columns import own_columns
from tenants.compiled_once import compiled_once
from tenants.counting import RelatedIds, RelatedObject, RelatedValue, SubqueryCount
from tenants.congress.models import (
    Committee,
    CommitteeMembership,
    Congress,
    Delegate,
    Proposal,
    ProposalAttachment,
    ProposalReply,
    ProposalSecond,
    Rating,
    Suggestion,
)
from tenants.congress.workflow import ACCEPTED_STATES, PROPOSAL_FLOW, PUBLIC_STATES, REVIEW_STEPS
from tenants.members.models import Department

P = Proposal.Status


def proposals_with_details():
    return Proposal.objects.select_related(
        "congress__branch", "proposer__member", "lead_department", "merged_into",
        "forwarded_from__congress__branch", "forwarded_from__proposer__member",
        "forwarded_to",  # the reverse one-to-one: which school proposal a forwarded one became, no query per row
    ).prefetch_related(
        # the co-proposers with their members in one query, whether or not the page has any
        "co_departments", Prefetch("co_proposers", queryset=Delegate.objects.select_related("member")),
    ).annotate(seconds_count=_seconds_count()).order_by("-created", "-id")


@compiled_once(Proposal)
def _seconds_count():
    # a correlated count, not a GROUP BY over every selected column (also keeps the page's count() cheap)
    return SubqueryCount(ProposalSecond.objects.filter(proposal_id=OuterRef("pk"), withdrawn_at__isnull=True))


@compiled_once(Proposal)
def _co_proposer_names():
    return ArraySubquery(Proposal.co_proposers.through.objects.filter(proposal_id=OuterRef("pk"))
                         .order_by("delegate_id").values("delegate__member__name"))


@compiled_once(Proposal)
def _merged_into():
    return RelatedObject(Proposal, "merged_into", ["number"])


@compiled_once(Proposal)
def _forwarded_to():
    return RelatedObject(Proposal, "forwarded_to", ["forwarded_from"])


#: what Proposal.proposer_display reads of a forwarded proposal's source
_SOURCE_SHOWN = ["congress__term", "congress__session", "congress__title", "congress__branch__name",
                 "proposer__member__name", "forwarded_from"]


@compiled_once(Proposal)
def _forwarded_from():
    return RelatedObject(Proposal, "forwarded_from", _SOURCE_SHOWN)


def _names_shown():
    """The proposer's and the lead department's names as plain values of the row (read by
    Proposal.proposer_display and the lead_department_name field or column), not the delegate,
    member and department rows joined, selected and built per row (issue #14)."""
    return {"listed_proposer_name": F("proposer__member__name"),
            "listed_lead_department_name": F("lead_department__name")}


@functools.cache
def _proposals_listed():
    """The rows of a proposals list: what proposals_with_details reads, but only the columns the list
    shows of the joined rows (a joined row's every column costs compiling and building, issue #14),
    the co-departments and co-proposers as arrays in the same query instead of two prefetches (the
    detail keeps the relations: api.serializers.listed_or), and the relations only a merged or
    forwarded proposal has (the proposal it was merged into, a forwarded one's source and the school
    proposal it became) as one JSON object each instead of seven joins (Proposal.listed_*): every
    join cost planning, compiling and populating on every request for the few rows that have one.

    Built once per process (annotating and restricting it was 0.2 ms of every request, issue #14):
    proposals_listed hands out a fresh copy, which is what the caller filters and evaluates."""
    own = own_columns(Proposal)
    return Proposal.objects.select_related("congress").only(
        *own, "congress__term", "congress__session", "congress__branch",
    ).annotate(**_names_shown(), seconds_count=_seconds_count(),
               listed_co_departments=RelatedIds(Proposal, "co_departments"),
               listed_co_proposer_names=_co_proposer_names(), listed_merged_into=_merged_into(),
               listed_forwarded_from=_forwarded_from(), listed_forwarded_to=_forwarded_to()
               ).order_by("-created", "-id")


def proposals_listed():
    """A fresh copy of the list's query (_proposals_listed)."""
    return _proposals_listed().all()


@functools.cache
def _proposals_in_table():
    """The rows of the 提案 page's table — number, 案由, proposer (Proposal.proposer_display, also for a
    forwarded one), status, lead department and due date — with only the columns those read: the
    whole rows of the six joined tables cost more to compile and build than the rest of the page.
    A forwarded proposal's source is one JSON object, not five joins (see proposals_listed), and the
    query is built once per process as that one is."""
    return Proposal.objects.only(
        "number", "title", "status", "due_date", "created", "congress", "proposer", "lead_department",
        "forwarded_from",
    ).annotate(**_names_shown(), listed_forwarded_from=_forwarded_from())


def proposals_in_table():
    """A fresh copy of the 提案 page's query (_proposals_in_table)."""
    return _proposals_in_table().all()


def delegates_listed(rows):
    """A page of delegates as the list shows them: of the member, branch and delegation only the names,
    as values in the rows' own statement (api.listed.ListedValue reads them) instead of three
    joined tables and an instance of each per row (issue #14)."""
    return rows.select_related(None).annotate(
        listed_name=RelatedValue(Delegate, "member", "name"),
        listed_branch_name=RelatedValue(Delegate, "branch", "name"),
        listed_delegation_name=RelatedValue(Delegate, "delegation", "name"))


def is_delegate(user) -> bool:
    """Whether this user is a delegate of any congress (may draft proposals): one join, where asking
    for their congresses took two and a DISTINCT."""
    return Delegate.objects.filter(member__user=user).exists()


def reviewed_congresses(user):
    """The congresses whose proposals this user reviews besides the office: those whose
    提案工作委员会 they sit on, and the 二级教代会 of the branches they chair."""
    from tenants.congress.services import chaired_branches

    committee = CommitteeMembership.objects.filter(committee__kind=Committee.Kind.PROPOSAL,
                                                   delegate__member__user=user).values("committee__congress_id")
    return Congress.objects.filter(Q(pk__in=committee) | Q(branch__in=chaired_branches(user)))


def proposals_visible_to(user, queryset=None):
    """Members: their own and every accepted proposal of the school's congress; delegates: also those
    open for seconding in their congress and those they seconded, and the accepted ones of a 二级教代会
    they are a delegate of (a branch congress's proposals stay inside it); the 提案工作委员会 and the
    chair of a 二级教代会: every submitted proposal of the congress they review; department handlers:
    those assigned to their department; the union office: all."""
    proposals = queryset if queryset is not None else proposals_with_details()
    if user.has_role(Role.UNION_ADMIN):
        # Drafts stay private to their proposer until submitted. Through the proposer's member (the
        # joins the lists select anyway), not a subquery of the user's delegateships: the same rows,
        # 0.5 ms less building, compiling and planning per request (issue #14).
        return proposals.exclude(Q(status=P.DRAFT) & ~Q(proposer__member__user=user))
    own_delegates = Delegate.objects.filter(member__user=user)
    my_departments = Department.objects.filter(handlers=user)
    # Accepted proposals of the school's congress are public to the school's members; an account
    # that is only a department handler sees what is assigned to its department.
    is_member = user.has_role(Role.MEMBER, Role.BRANCH_CHAIR) or own_delegates.exists()
    visible = (
        Q(status__in=PUBLIC_STATES if is_member else [], congress__branch__isnull=True)
        | Q(status__in=PUBLIC_STATES | {P.FORWARDED}, congress__branch__isnull=False,
            congress__delegates__in=own_delegates)
        | (Q(congress__in=reviewed_congresses(user)) & ~Q(status=P.DRAFT))
        | Q(forwarded_from__congress__in=reviewed_congresses(user))
        | Q(forwarded_from__proposer__in=own_delegates)
        | Q(proposer__in=own_delegates)
        | Q(Exists(Proposal.co_proposers.through.objects.filter(proposal_id=OuterRef("pk"),
                                                               delegate__in=own_delegates)))
        | Q(status__in=[P.SUBMITTED, P.SECONDED], congress__delegates__in=own_delegates)
        | Q(Exists(ProposalSecond.objects.filter(proposal_id=OuterRef("pk"), delegate__in=own_delegates,
                                                 withdrawn_at__isnull=True)))
        | Q(lead_department__in=my_departments)
        | Q(Exists(Proposal.co_departments.through.objects.filter(proposal_id=OuterRef("pk"),
                                                                 department__in=my_departments)))
    )
    return proposals.filter(pk__in=Proposal.objects.filter(visible).values("pk"))


def proposal_attachments(proposal: Proposal):
    """The attachments shown with (and downloaded through) this proposal: its own and, for a proposal
    forwarded from a 二级教代会, the original's 提案附件 (a forwarded proposal takes no new ones). The
    caller has checked that the user sees ``proposal``; the original itself stays inside its branch."""
    own = Q(proposal_id=proposal.pk)
    if proposal.forwarded_from_id is not None:
        own |= Q(proposal_id=proposal.forwarded_from_id, kind=ProposalAttachment.Kind.PROPOSAL)
    return ProposalAttachment.objects.filter(own).select_related("uploaded_by").order_by("id")


def proposals_matching(proposals, text: str):
    """Proposals whose 案由 or number contains ``text``."""
    text = (text or "").strip()
    return proposals.filter(Q(title__icontains=text) | Q(number__icontains=text)) if text else proposals


def active_seconders(proposal: Proposal):
    return ProposalSecond.objects.filter(proposal=proposal, withdrawn_at__isnull=True).select_related(
        "delegate__member")


def suggestions_visible_to(user):
    suggestions = Suggestion.objects.select_related("department", "source_proposal")
    if user.has_role(Role.UNION_ADMIN):
        return suggestions
    return suggestions.filter(Q(submitted_by=user) | Q(department__handlers=user)).distinct()


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def congress_figures(congress) -> dict:
    """收到、立案率、办结率、满意率、督办 for one congress (rates in percent, one decimal)."""
    counts = Proposal.objects.filter(congress=congress).aggregate(
        received=Count("pk", filter=~Q(status=P.DRAFT)),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATES)),
        handled=Count("pk", filter=Q(status__in=PUBLIC_STATES)),
        closed=Count("pk", filter=Q(status=P.CLOSED)),
        rated=Count("pk", filter=Q(status__in=[P.RATED, P.CLOSED]) & ~Q(rating="")),
        satisfied=Count("pk", filter=Q(status__in=[P.RATED, P.CLOSED], rating__in=[Rating.SATISFIED,
                                                                                  Rating.BASICALLY])),
        overdue=Count("pk", filter=Q(overdue=True, status=P.ASSIGNED)),
        suggestions=Count("pk", filter=Q(status=P.SUGGESTION)),
        not_accepted=Count("pk", filter=Q(status=P.NOT_ACCEPTED)),
        merged=Count("pk", filter=Q(status=P.MERGED)),
    )
    return {
        "congress": congress.pk,
        "label": congress.label,
        **counts,
        "acceptance_rate": percent(counts["accepted"], counts["received"]),
        # 办结率 over proposals that went on to be handled (merged ones are handled in their target).
        "closure_rate": percent(counts["closed"], counts["handled"]),
        "satisfaction_rate": percent(counts["satisfied"], counts["rated"]),
    }


def department_figures(congress) -> list[dict]:
    """Per lead department: proposals assigned, replied on time, replied late, overdue now."""
    today = timezone.localdate()
    rows = {}
    assigned = Proposal.objects.filter(congress=congress, lead_department__isnull=False).select_related(
        "lead_department")
    for proposal in assigned:
        row = rows.setdefault(proposal.lead_department_id, {
            "department": proposal.lead_department_id, "name": proposal.lead_department.name,
            "assigned": 0, "replied_on_time": 0, "replied_late": 0, "overdue": 0})
        row["assigned"] += 1
        if proposal.status == P.ASSIGNED and proposal.due_date and proposal.due_date < today:
            row["overdue"] += 1
    for reply in ProposalReply.objects.filter(proposal__congress=congress, handling_round=1):
        row = rows.get(reply.department_id)
        if row is not None:
            row["replied_on_time" if reply.on_time else "replied_late"] += 1
    return sorted(rows.values(), key=lambda r: r["name"])


def proposal_actions_for(proposal: Proposal, user) -> list[str]:
    """The workflow steps this user can really take on this proposal now (for pages and clients)."""
    from tenants.congress.services import delegate_of

    from tenants.congress.services import forward_refusal, may_manage_congress, review_refusal

    delegate = delegate_of(user, proposal.congress)
    is_proposer = proposal.author_user_id is not None and proposal.author_user_id == user.pk
    has_second = delegate is not None and ProposalSecond.objects.filter(
        proposal=proposal, delegate=delegate, withdrawn_at__isnull=True).exists()
    handles_lead = proposal.lead_department_id is not None and proposal.lead_department.handlers.filter(
        pk=user.pk).exists()
    forwarded = proposal.forwarded_from_id is not None  # arrives ready for 初审: nobody seconds it
    record_checks = {
        "submit": is_proposer, "rate": is_proposer,
        "second": delegate is not None and not is_proposer and not has_second and not forwarded,
        "withdraw_second": has_second and not forwarded,
        "reply": handles_lead,
        "merge": False,  # chosen from the list of proposals, not from one proposal's page
        "receive_forwarded": False,  # taken by forwarding, never on its own
        "forward": not forward_refusal(user, proposal) and not already_forwarded(proposal),
        "assign": may_manage_congress(user, proposal.congress),
    }
    reviewer = None
    steps = []
    for step in PROPOSAL_FLOW.allowed_actions(state=proposal.status, user=user):
        if step in REVIEW_STEPS and step != "merge":
            if reviewer is None:
                reviewer = not review_refusal(user, proposal)
            if not reviewer:
                continue
        if record_checks.get(step, True):
            steps.append(step)
    return steps


def already_forwarded(proposal: Proposal) -> bool:
    """Has this proposal already been forwarded to the school's congress?"""
    return Proposal.objects.filter(forwarded_from=proposal).exists()


def forward_targets():
    """The school's congresses a 二级教代会's proposal can be forwarded to (preparing or open)."""
    return Congress.objects.filter(branch__isnull=True, status__in=[Congress.Status.PREPARING,
                                                                   Congress.Status.IN_SESSION]).order_by(
        "-term", "-session")


def proposal_todos(user, *, base=None, is_delegate: bool | None = None, reviews: bool | None = None,
                   handles_departments: bool | None = None) -> dict:
    """What waits for this user in the proposal workflow, as querysets (the workbench counts and
    lists them). Keys present only for the roles they concern; each queryset is within what
    proposals_visible_to shows the user. ``base`` narrows the rows (the workbench reads 4 columns,
    not proposals_with_details' joins). ``is_delegate`` (any delegateship), ``reviews``
    (reviewed_congresses has any) and ``handles_departments`` (one of a department's handlers):
    what the caller already asked in one go (see todo_facts), not asked again here."""
    todos = {}
    mine = Delegate.objects.filter(member__user=user)
    base = proposals_with_details() if base is None else base
    if user.has_role(Role.UNION_ADMIN):
        todos["to_review"] = base.filter(status__in=[P.SECONDED, P.UNDER_REVIEW])
        todos["to_assign"] = base.filter(status=P.ACCEPTED)
        todos["overdue"] = base.filter(status=P.ASSIGNED, overdue=True)
    else:
        reviewed = reviewed_congresses(user)
        if reviewed.exists() if reviews is None else reviews:
            # 提案工作委员会 members and 二级教代会 chairs: what waits for 初审 in their congress,
            # never their own proposals.
            todos["to_review"] = base.filter(status__in=[P.SECONDED, P.UNDER_REVIEW], congress__in=reviewed).exclude(
                Q(proposer__in=mine) | Q(forwarded_from__proposer__in=mine))
    departments = Department.objects.filter(handlers=user)
    if user.has_role(Role.DEPARTMENT_HANDLER) or (
            departments.exists() if handles_departments is None else handles_departments):
        todos["to_reply"] = base.filter(status=P.ASSIGNED, lead_department__in=departments)
        if "overdue" not in todos:
            todos["overdue"] = todos["to_reply"].filter(overdue=True)
    if mine.exists() if is_delegate is None else is_delegate:
        todos["to_rate"] = base.filter(Q(proposer__in=mine) | Q(forwarded_from__proposer__in=mine),
                                       status=P.REPLIED)
        todos["to_second"] = base.filter(status=P.SUBMITTED, congress__delegates__in=mine).exclude(
            proposer__in=mine).exclude(Exists(ProposalSecond.objects.filter(
                proposal_id=OuterRef("pk"), delegate__in=mine, withdrawn_at__isnull=True)))
        todos["drafts"] = base.filter(status=P.DRAFT, proposer__in=mine)
    return todos


def todo_facts(user) -> dict:
    """The questions proposal_todos and suggestion_todos ask before they know which counters this
    user has, as querysets to ask in one statement (``exists`` of each: see web.todo.counted_many);
    ``reviews`` only for someone outside the office (the office reviews everything)."""
    facts = {"is_delegate": Delegate.objects.filter(member__user=user),
             "handles_departments": Department.objects.filter(handlers=user)}
    if not user.has_role(Role.UNION_ADMIN):
        facts["reviews"] = reviewed_congresses(user)
    return facts


def suggestion_todos(user, *, handles_departments: bool | None = None) -> dict:
    """Suggestions waiting for this user: the office acknowledges new ones, a department answers
    what was forwarded to it (``handles_departments``: see proposal_todos)."""
    todos = {}
    if user.has_role(Role.UNION_ADMIN):
        todos["to_acknowledge"] = Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED)
    departments = Department.objects.filter(handlers=user)
    if handles_departments if handles_departments is not None else departments.exists():
        todos["to_answer"] = Suggestion.objects.filter(status=Suggestion.Status.FORWARDED,
                                                       department__in=departments)
    return todos


# --- what the pages offer (each mirrors the service's own checks, so a page never shows a step
# --- the service would refuse for reasons the person cannot change)

def attachment_kind_for(proposal: Proposal, user) -> str:
    """Which kind of attachment this user may add to this proposal now ("" if none): the proposer
    before review, a handler of the lead department while the proposal is being handled."""
    from tenants.congress.models import ProposalAttachment

    if (proposal.status in (P.DRAFT, P.SUBMITTED, P.SECONDED) and proposal.proposer_id is not None
            and proposal.proposer.member.user_id == user.pk):
        return ProposalAttachment.Kind.PROPOSAL
    if proposal.status in (P.DRAFT, P.SUBMITTED, P.SECONDED) and proposal.proposer_id is None:
        return ""
    if (proposal.status == P.ASSIGNED and proposal.lead_department_id is not None
            and proposal.lead_department.handlers.filter(pk=user.pk).exists()):
        return ProposalAttachment.Kind.REPLY
    return ""


def merge_candidates(proposal: Proposal, user):
    """Proposals of the same congress this reviewer (the office, the congress's 提案工作委员会, a
    二级教代会's chair) could fold into this one (none if it cannot be a target); never their own."""
    from tenants.congress.services import review_refusal

    if proposal.status not in (P.UNDER_REVIEW, P.ACCEPTED) or review_refusal(user, proposal):
        return Proposal.objects.none()
    mine = Delegate.objects.filter(member__user=user)
    return (Proposal.objects.filter(congress=proposal.congress_id, status__in=[P.SECONDED, P.UNDER_REVIEW])
            .exclude(pk=proposal.pk).exclude(Q(proposer__in=mine) | Q(forwarded_from__proposer__in=mine))
            .select_related("proposer__member", "forwarded_from__congress__branch",
                            "forwarded_from__proposer__member").order_by("submitted_at", "pk"))


def proposal_history(proposal: Proposal):
    """Every step of one proposal, oldest first: who, when, from, to, why."""
    from tenants.audit.selectors import audit_records

    return (audit_records(target_type="congress.proposal", target_id=str(proposal.pk))
            .select_related("actor").order_by("at", "id"))


def suggestion_actions_for(suggestion: Suggestion, user) -> list[str]:
    """The 意见建议 steps this user can really take now (answering: the office or the handler of the
    department it was forwarded to)."""
    from tenants.congress.workflow import SUGGESTION_FLOW

    handles = suggestion.department_id is not None and suggestion.department.handlers.filter(pk=user.pk).exists()
    return [step for step in SUGGESTION_FLOW.allowed_actions(state=suggestion.status, user=user)
            if step != "answer" or user.has_role(Role.UNION_ADMIN) or handles]


def congresses_managed_by(user):
    """The congresses this user runs: every one for the office, the 二级教代会 of the branches a
    branch chair chairs; none for anyone else."""
    from tenants.congress.services import chaired_branches, runs_every_congress

    if runs_every_congress(user):
        return Congress.objects.all()
    return Congress.objects.filter(branch__in=chaired_branches(user))


def branch_congresses_running(user):
    """The 二级教代会 of the branches this user chairs that are preparing or in session."""
    from tenants.congress.services import chaired_branches

    return (Congress.objects.filter(branch__in=chaired_branches(user), status__in=[Congress.Status.PREPARING,
                                                                                  Congress.Status.IN_SESSION])
            .select_related("branch").order_by("branch__sort_order", "-term", "-session"))


def may_read_committees(user, congress) -> bool:
    """Who reads a congress's committees: anyone of the school for the school's congress; for a
    二级教代会 (its committees stay inside the branch, like its proposals) those who run it and its
    own delegates."""
    from tenants.congress.services import delegate_of, may_manage_congress

    if congress.branch_id is None:
        return True
    return may_manage_congress(user, congress) or delegate_of(user, congress) is not None


def committees_of(congress):
    """The congress's committees (提案工作委员会 first) with their members."""
    return congress.committees.prefetch_related(
        Prefetch("memberships", queryset=CommitteeMembership.objects.select_related("delegate__member").order_by(
            Case(*[When(role=role, then=Value(i)) for i, role in enumerate(CommitteeMembership.Role.values)]),
            "id")))


def congresses_with_counts():
    return Congress.objects.select_related("branch").annotate(delegate_count=Count("delegates", distinct=True),
                                     proposal_count=Count("proposals", filter=~Q(proposals__status=P.DRAFT),
                                                          distinct=True))


def delegateships_of(user):
    """The congresses this account is a delegate of (newest first), with the delegation."""
    return (Delegate.objects.filter(member__user=user).select_related("congress", "delegation", "branch")
            .order_by("-congress__term", "-congress__session"))


def proposals_of(user):
    """Proposals this account made or co-signed (through a merge), drafts included."""
    mine = Delegate.objects.filter(member__user=user)
    return proposals_with_details().filter(
        Q(proposer__in=mine) | Q(Exists(Proposal.co_proposers.through.objects.filter(
            proposal_id=OuterRef("pk"), delegate__in=mine))))
