"""The congress, proposal and suggestion workflows, each declared once.

Roles say who may attempt a step; the services add the checks that depend on the record (the
proposer, a delegate of the same congress, a handler of the lead department, the chair of the
branch whose 二级教代会 it is, a member of that congress's 提案工作委员会).
"""
from tenants.accounts.roles import SCHOOL_ROLES, Role
from tenants.congress.models import Congress, Proposal, Suggestion
from tenants.workflow import StateMachine

C = Congress.Status
# The office runs every congress; a branch chair runs the 二级教代会 of the branch they chair
# (the service checks which branch).
CONGRESS_MANAGERS = {Role.UNION_ADMIN, Role.BRANCH_CHAIR}
CONGRESS_FLOW = (
    StateMachine.for_field("教代会", Congress)
    .add("open", label="开幕", sources={C.PREPARING}, target=C.IN_SESSION, roles=CONGRESS_MANAGERS)
    .add("close", label="闭幕", sources={C.IN_SESSION}, target=C.CLOSED, roles=CONGRESS_MANAGERS)
)

P = Proposal.Status
ANYONE_OF_THE_SCHOOL = SCHOOL_ROLES
OFFICE = {Role.UNION_ADMIN}
# Who may attempt the review (初审, 立案, 不立案, 转意见建议, 并案, 结案): the office, and — checked
# by the service against the proposal's congress — the members of that congress's 提案工作委员会
# (delegates, so members) and, for a 二级教代会, its branch's chair.
REVIEWERS = {Role.UNION_ADMIN, Role.BRANCH_CHAIR, Role.MEMBER}
# 交办 and 转报: the office, and the chair of the branch for its own 二级教代会.
BRANCH_OFFICE = {Role.UNION_ADMIN, Role.BRANCH_CHAIR}

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
    # A proposal a 二级教代会 forwarded arrives at the school's congress ready for 初审.
    .add("receive_forwarded", label="接收转报", sources={P.DRAFT}, target=P.SECONDED, roles=BRANCH_OFFICE)
    .add("start_review", label="初审", sources={P.SECONDED}, target=P.UNDER_REVIEW, roles=REVIEWERS)
    .add("accept", label="立案", sources={P.UNDER_REVIEW}, target=P.ACCEPTED, roles=REVIEWERS)
    .add("convert_to_suggestion", label="不立案转意见建议", sources={P.UNDER_REVIEW}, target=P.SUGGESTION,
         roles=REVIEWERS, reason_required=True)
    .add("reject", label="不立案", sources={P.UNDER_REVIEW}, target=P.NOT_ACCEPTED, roles=REVIEWERS,
         reason_required=True)
    .add("merge", label="并案", sources={P.SECONDED, P.UNDER_REVIEW}, target=P.MERGED, roles=REVIEWERS)
    # 转报学校教代会: a 二级教代会's proposal under review or accepted goes on to the school's congress.
    .add("forward", label="转报学校教代会", sources={P.UNDER_REVIEW, P.ACCEPTED}, target=P.FORWARDED,
         roles=BRANCH_OFFICE, reason_required=True)
    .add("assign", label="交办", sources={P.ACCEPTED, P.ASSIGNED}, target=P.ASSIGNED, roles=BRANCH_OFFICE)
    .add("reply", label="答复", sources={P.ASSIGNED}, target=P.REPLIED, roles={Role.DEPARTMENT_HANDLER})
    # 满意/基本满意 → rated; the first 不满意 → assigned for one more round; the second → rated.
    .add("rate", label="评价答复", sources={P.REPLIED}, target=P.RATED, other_targets={P.ASSIGNED},
         roles=ANYONE_OF_THE_SCHOOL)
    .add("close", label="结案", sources={P.RATED}, target=P.CLOSED, roles=REVIEWERS)
)
# The steps of the review, open to the 提案工作委员会 as well as the office.
REVIEW_STEPS = {"start_review", "accept", "convert_to_suggestion", "reject", "merge", "close"}

# The states in which a proposal is public to every member of the school (congress transparency);
# a 二级教代会's proposals in these states are public to that congress's delegates only.
PUBLIC_STATES = {P.ACCEPTED, P.ASSIGNED, P.REPLIED, P.RATED, P.CLOSED}
# Counted as accepted (立案) in the figures: everything that went on after 立案, merged ones, and
# (for a 二级教代会) those forwarded to the school's congress.
ACCEPTED_STATES = PUBLIC_STATES | {P.MERGED, P.FORWARDED}

S = Suggestion.Status
SUGGESTION_FLOW = (
    StateMachine.for_field("意见建议", Suggestion)
    .add("acknowledge", label="受理", sources={S.SUBMITTED}, target=S.ACKNOWLEDGED, roles=OFFICE)
    .add("forward", label="转交部门", sources={S.SUBMITTED, S.ACKNOWLEDGED}, target=S.FORWARDED, roles=OFFICE)
    .add("answer", label="答复", sources={S.ACKNOWLEDGED, S.FORWARDED}, target=S.ANSWERED,
         roles={Role.UNION_ADMIN, Role.DEPARTMENT_HANDLER})
)
