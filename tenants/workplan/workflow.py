"""The plan task's workflow, declared once. Roles say who may attempt a step; the services add
the check that depends on the task (its owner: the department's handlers, the branch's chair,
the person — or the union office)."""
from tenants.accounts.roles import SCHOOL_ROLES, Role
from tenants.workflow import StateMachine
from tenants.workplan.models import Task

T = Task.Status
OFFICE = {Role.UNION_ADMIN}

TASK_FLOW = (
    StateMachine.for_field("计划任务", Task)
    .add("start", label="开始推进", sources={T.NOT_STARTED}, target=T.IN_PROGRESS, roles=SCHOOL_ROLES)
    .add("complete", label="标记完成", sources={T.NOT_STARTED, T.IN_PROGRESS}, target=T.DONE, roles=SCHOOL_ROLES)
    .add("reopen", label="重新打开", sources={T.DONE}, target=T.IN_PROGRESS, roles=SCHOOL_ROLES,
         reason_required=True)
    .add("cancel", label="取消", sources={T.NOT_STARTED, T.IN_PROGRESS}, target=T.CANCELLED, roles=OFFICE,
         reason_required=True)
    .add("restore", label="恢复", sources={T.CANCELLED}, target=T.NOT_STARTED, roles=OFFICE, reason_required=True)
)
