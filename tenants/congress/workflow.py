"""The congress, proposal and suggestion workflows, each declared once.

Roles say who may attempt a step; the services add the checks that depend on the record (the
proposer, a delegate of the same congress, a handler of the lead department).
"""
from tenants.accounts.roles import SCHOOL_ROLES, Role
from tenants.congress.models import Congress, Proposal, Suggestion
from tenants.workflow import StateMachine

C = Congress.Status
CONGRESS_FLOW = (
    StateMachine.for_field("教代会", Congress)
    .add("open", label="开幕", sources={C.PREPARING}, target=C.IN_SESSION, roles={Role.UNION_ADMIN})
    .add("close", label="闭幕", sources={C.IN_SESSION}, target=C.CLOSED, roles={Role.UNION_ADMIN})
)

P = Proposal.Status
ANYONE_OF_THE_SCHOOL = SCHOOL_ROLES
OFFICE = {Role.UNION_ADMIN}

PROPOSAL_FLOW = (
    StateMachine.for_field("提案", Proposal)
    # A congress that asks for no seconders takes a submitted proposal straight to 附议已满.
    .add("submit", label="提交", sources={P.DRAFT}, target=P.SUBMITTED, other_targets={P.SECONDED},
         roles=ANYONE_OF_THE_SCHOOL)
    # Seconding moves submitted → seconded by itself once the congress's minimum is reached;
    # withdrawing a second below the minimum moves it back.
    .add("second", label="附议", sources={P.SUBMITTED, P.SECONDED}, target=P.SECONDED, roles=ANYONE_OF_THE_SCHOOL)
    .add("withdraw_second", label="撤回附议", sources={P.SUBMITTED, P.SECONDED}, target=P.SUBMITTED,
         roles=ANYONE_OF_THE_SCHOOL)
    .add("start_review", label="初审", sources={P.SECONDED}, target=P.UNDER_REVIEW, roles=OFFICE)
    .add("accept", label="立案", sources={P.UNDER_REVIEW}, target=P.ACCEPTED, roles=OFFICE)
    .add("convert_to_suggestion", label="不立案转意见建议", sources={P.UNDER_REVIEW}, target=P.SUGGESTION,
         roles=OFFICE, reason_required=True)
    .add("reject", label="不立案", sources={P.UNDER_REVIEW}, target=P.NOT_ACCEPTED, roles=OFFICE,
         reason_required=True)
    .add("merge", label="并案", sources={P.SECONDED, P.UNDER_REVIEW}, target=P.MERGED, roles=OFFICE)
    .add("assign", label="交办", sources={P.ACCEPTED, P.ASSIGNED}, target=P.ASSIGNED, roles=OFFICE)
    .add("reply", label="答复", sources={P.ASSIGNED}, target=P.REPLIED, roles={Role.DEPARTMENT_HANDLER})
    # 满意/基本满意 → rated; the first 不满意 → assigned for one more round; the second → rated.
    .add("rate", label="评价答复", sources={P.REPLIED}, target=P.RATED, other_targets={P.ASSIGNED},
         roles=ANYONE_OF_THE_SCHOOL)
    .add("close", label="结案", sources={P.RATED}, target=P.CLOSED, roles=OFFICE)
)

# The states in which a proposal is public to every member of the school (congress transparency).
PUBLIC_STATES = {P.ACCEPTED, P.ASSIGNED, P.REPLIED, P.RATED, P.CLOSED}
# Counted as accepted (立案) in the figures: everything that went on after 立案, and merged ones.
ACCEPTED_STATES = PUBLIC_STATES | {P.MERGED}

S = Suggestion.Status
SUGGESTION_FLOW = (
    StateMachine.for_field("意见建议", Suggestion)
    .add("acknowledge", label="受理", sources={S.SUBMITTED}, target=S.ACKNOWLEDGED, roles=OFFICE)
    .add("forward", label="转交部门", sources={S.SUBMITTED, S.ACKNOWLEDGED}, target=S.FORWARDED, roles=OFFICE)
    .add("answer", label="答复", sources={S.ACKNOWLEDGED, S.FORWARDED}, target=S.ANSWERED,
         roles={Role.UNION_ADMIN, Role.DEPARTMENT_HANDLER})
)
