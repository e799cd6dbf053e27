"""The notice's workflow, declared once: draft → published → withdrawn (撤回, with a reason).

Roles say who may attempt a step; the services add the check that depends on the notice (a chair
acts only on the notices they published; the union office on every notice)."""
from tenants.accounts.roles import Role
from tenants.notices.models import Notice
from tenants.workflow import StateMachine

N = Notice.Status
PUBLISHERS = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR})

NOTICE_FLOW = (
    StateMachine.for_field("通知公告", Notice)
    .add("publish", label="发布", sources={N.DRAFT}, target=N.PUBLISHED, roles=PUBLISHERS)
    .add("withdraw", label="撤回", sources={N.DRAFT, N.PUBLISHED}, target=N.WITHDRAWN, roles=PUBLISHERS,
         reason_required=True)
)
