"""Members, branches, departments, status changes, membership applications, roster import."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants import personal_data
from tenants.accounts.roles import Role
from tenants.accounts.services import user_grant_roles
from tenants.audit.services import (
    actor_name,
    audit_create,
    audit_record,
    audit_sensitive_read,
    audit_update,
    field_values,
)
from tenants.errors import Conflict, NotAllowed
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit
from tenants.members.models import (
    Branch,
    Department,
    Group,
    MaritalStatus,
    Member,
    MembershipApplication,
    MemberStatusChange,
)
from tenants.members.validation import check_person, id_number_columns, initials, parse_date
from tenants.text import cn_date
from tenants.workflow import StateMachine

MS = Member.Status
MEMBER_STATUS = (
    StateMachine.for_field("会员", Member)
    .add("transfer_out", label="转出", sources={MS.ACTIVE}, target=MS.TRANSFERRED, roles={Role.UNION_ADMIN})
    .add("transfer_in", label="转入", sources={MS.TRANSFERRED, MS.LEFT}, target=MS.ACTIVE,
         roles={Role.UNION_ADMIN})
    .add("leave", label="退会", sources={MS.ACTIVE}, target=MS.LEFT, roles={Role.UNION_ADMIN},
         reason_required=True)
    .add("retire", label="退休", sources={MS.ACTIVE}, target=MS.RETIRED, roles={Role.UNION_ADMIN})
)

AS = MembershipApplication.Status
APPLICATION_FLOW = (
    StateMachine.for_field("入会申请", MembershipApplication)
    .add("confirm", label="分工会确认", sources={AS.SUBMITTED}, target=AS.BRANCH_CONFIRMED,
         roles={Role.BRANCH_CHAIR, Role.UNION_ADMIN})
    .add("approve", label="批准入会", sources={AS.BRANCH_CONFIRMED}, target=AS.APPROVED, roles={Role.UNION_ADMIN})
    .add("reject", label="不予批准", sources={AS.SUBMITTED, AS.BRANCH_CONFIRMED}, target=AS.REJECTED,
         roles={Role.BRANCH_CHAIR, Role.UNION_ADMIN}, reason_required=True)
)

MEMBER_AUDITED = ["name", "gender", "employee_number", "branch", "group", "employment_type", "join_date",
                  "phone", "id_number_masked", "user", "marital_status", "work_started_on", "is_front_line",
                  "is_model_worker"]
#: facts the eligibility rules of activities and 疗休养 read (issue #11); optional, the office records them
MEMBER_FACTS = ("marital_status", "work_started_on", "is_front_line", "is_model_worker")


def check_facts(data: dict) -> tuple[dict, dict]:
    """The member facts present in ``data``, normalised; returns (cleaned, {field: Chinese message})."""
    cleaned, errors = {}, {}
    if "marital_status" in data:
        value = str(data["marital_status"] or "").strip()
        value = {label: key for key, label in MaritalStatus.choices}.get(value, value)
        if value and value not in MaritalStatus.values:
            errors["marital_status"] = "婚姻状况只能是：" + "、".join(MaritalStatus.labels) + "（或不填）。"
        cleaned["marital_status"] = value
    if "work_started_on" in data:
        value = data["work_started_on"]
        started = None
        if value not in (None, ""):
            started = value if isinstance(value, datetime.date) else parse_date(value)
            if started is None:
                errors["work_started_on"] = "参加工作日期无效，格式如 2005-07-01。"
            elif started > timezone.localdate():
                errors["work_started_on"] = "参加工作日期不能晚于今天。"
            elif started.year < 1940:
                errors["work_started_on"] = "参加工作日期不能早于 1940 年。"
        cleaned["work_started_on"] = started
    for flag in ("is_front_line", "is_model_worker"):
        if flag in data:
            cleaned[flag] = bool(data[flag])
    return cleaned, errors


# --- organisation -------------------------------------------------------------------------

@transaction.atomic
def branch_create(*, by, name: str, chair=None, sort_order: int = 0, is_active: bool = True) -> Branch:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "分工会名称不能为空。"})
    if Branch.objects.filter(name=name).exists():
        raise Conflict(f"分工会“{name}”已存在。", field="name")
    branch = Branch.objects.create(name=name, chair=chair, sort_order=sort_order, is_active=is_active)
    if chair is not None:
        user_grant_roles(user=chair, roles=[Role.BRANCH_CHAIR], by=by)
    audit_create(actor=by, target=branch, fields=["name", "chair", "sort_order", "is_active"])
    return branch


@transaction.atomic
def branch_update(*, branch: Branch, by, **fields) -> Branch:
    before = field_values(branch, ["name", "chair", "sort_order", "is_active"])
    for key, value in fields.items():
        setattr(branch, key, value)
    if not branch.name.strip():
        raise ValidationError({"name": "分工会名称不能为空。"})
    if Branch.objects.filter(name=branch.name).exclude(pk=branch.pk).exists():
        raise Conflict(f"分工会“{branch.name}”已存在。", field="name")
    branch.save()
    if branch.chair is not None:
        user_grant_roles(user=branch.chair, roles=[Role.BRANCH_CHAIR], by=by)
    audit_update(actor=by, target=branch, before=before)
    return branch


@transaction.atomic
def group_create(*, by, branch: Branch, name: str) -> Group:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "小组名称不能为空。"})
    if Group.objects.filter(branch=branch, name=name).exists():
        raise Conflict(f"{branch.name}已有小组“{name}”。", field="name")
    group = Group.objects.create(branch=branch, name=name)
    audit_create(actor=by, target=group, fields=["branch", "name"])
    return group


@transaction.atomic
def group_update(*, group: Group, by, name: str) -> Group:
    before = field_values(group, ["name"])
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "小组名称不能为空。"})
    if Group.objects.filter(branch=group.branch_id, name=name).exclude(pk=group.pk).exists():
        raise Conflict(f"{group.branch.name}已有小组“{name}”。", field="name")
    group.name = name
    group.save(update_fields=["name"])
    audit_update(actor=by, target=group, before=before)
    return group


@transaction.atomic
def department_create(*, by, name: str, handlers=()) -> Department:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "部门名称不能为空。"})
    if Department.objects.filter(name=name).exists():
        raise Conflict(f"部门“{name}”已存在。", field="name")
    department = Department.objects.create(name=name)
    audit_create(actor=by, target=department, fields=["name"])
    if handlers:
        department_set_handlers(department=department, handlers=handlers, by=by)
    return department


@transaction.atomic
def department_update(*, department: Department, by, name: str, is_active: bool) -> Department:
    before = field_values(department, ["name", "is_active"])
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "部门名称不能为空。"})
    if Department.objects.filter(name=name).exclude(pk=department.pk).exists():
        raise Conflict(f"部门“{name}”已存在。", field="name")
    department.name, department.is_active = name, is_active
    department.save(update_fields=["name", "is_active"])
    audit_update(actor=by, target=department, before=before)
    return department


@transaction.atomic
def department_set_handlers(*, department: Department, handlers, by) -> Department:
    before = sorted(department.handlers.values_list("pk", flat=True))
    department.handlers.set(handlers)
    for user in handlers:
        user_grant_roles(user=user, roles=[Role.DEPARTMENT_HANDLER], by=by)
    audit_record(actor=by, action="update", target=department,
                 changes={"handlers": [before, sorted(u.pk for u in handlers)]})
    return department


# --- members ------------------------------------------------------------------------------

def _check_unique(*, employee_number: str, id_index: str, exclude_pk=None):
    others = Member.objects.exclude(pk=exclude_pk) if exclude_pk else Member.objects.all()
    if others.filter(employee_number=employee_number).exists():
        raise Conflict(f"工号“{employee_number}”已被其他会员使用。", field="employee_number")
    if id_index and others.filter(id_number_index=id_index).exists():
        raise Conflict("该身份证号已登记为其他会员。", field="id_number")


def _check_group(group, branch):
    if group is not None and group.branch_id != branch.pk:
        raise ValidationError({"group": "工会小组不属于所选分工会。"})


@transaction.atomic
def member_create(*, by, branch: Branch | None, group: Group | None = None, user=None, **person) -> Member:
    facts, errors = check_facts({key: person.pop(key) for key in MEMBER_FACTS if key in person})
    cleaned, person_errors = check_person(person)
    errors.update(person_errors)
    if branch is None:  # reported with the person's problems, so a form shows them all at once
        errors["branch"] = "请选择分工会。"
    if errors:
        raise ValidationError(errors)
    _check_group(group, branch)
    id_columns = id_number_columns(cleaned.pop("id_number"))
    _check_unique(employee_number=cleaned["employee_number"], id_index=id_columns["id_number_index"])
    member = Member.objects.create(branch=branch, group=group, user=user, name_initials=initials(cleaned["name"]),
                                   **cleaned, **facts, **id_columns)
    audit_create(actor=by, target=member, fields=MEMBER_AUDITED)
    emit("member.created", webhook_events.member_data(member))
    return member


@transaction.atomic
def member_update(*, member: Member, by, **changes) -> Member:
    before = field_values(member, MEMBER_AUDITED)
    # The stored ID number is neither decrypted nor re-encrypted unless the edit names it: a save
    # must never rewrite ciphertext from what this process happens to be able to read.
    current = {"name": member.name, "gender": member.gender, "employee_number": member.employee_number,
               "employment_type": member.employment_type, "join_date": member.join_date, "phone": member.phone}
    branch = changes.pop("branch", member.branch)
    group = changes.pop("group", member.group if branch.pk == member.branch_id else None)
    unknown = set(changes) - set(current) - {"id_number", *MEMBER_FACTS}
    if unknown:
        raise ValidationError({key: "该字段不能修改。" for key in unknown})
    facts, errors = check_facts({key: changes.pop(key) for key in MEMBER_FACTS if key in changes})
    cleaned, person_errors = check_person({**current, **changes})
    errors.update(person_errors)
    if errors:
        raise ValidationError(errors)
    _check_group(group, branch)
    id_number = cleaned.pop("id_number")
    id_columns = id_number_columns(id_number) if "id_number" in changes else {}
    _check_unique(employee_number=cleaned["employee_number"], id_index=id_columns.get("id_number_index", ""),
                  exclude_pk=member.pk)
    for key, value in {**cleaned, **facts, **id_columns}.items():
        setattr(member, key, value)
    member.branch, member.group, member.name_initials = branch, group, initials(cleaned["name"])
    # Only the edited columns: a copy read before a status change must not write the old status back.
    member.save(update_fields=[*cleaned, *facts, *id_columns, "branch", "group", "name_initials"])
    audit_update(actor=by, target=member, before=before)
    emit("member.updated", webhook_events.member_data(member))
    return member


@transaction.atomic
def member_change_status(*, member: Member, action: str, by, effective_on: datetime.date | None = None,
                         reason: str = "") -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    MEMBER_STATUS.check(action, state=member.status, user=by, reason=reason)
    effective_on = effective_on or timezone.localdate()
    if effective_on > timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError({"effective_on": "生效日期不能晚于一年以后。"})
    if effective_on < member.join_date:
        raise ValidationError({"effective_on": f"生效日期不能早于入会日期（{cn_date(member.join_date)}）。"})
    latest = member.status_changes.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if latest and effective_on < latest:
        raise ValidationError({"effective_on": f"生效日期不能早于上一次状态变更（{cn_date(latest)}）。"})
    from_status = member.status
    member.status_changed_on = effective_on
    if action == "retire":
        member.employment_type = "retiree"
    MEMBER_STATUS.apply(member, action, by=by, reason=reason,
                        extra_update_fields=["status_changed_on", "employment_type"])
    MemberStatusChange.objects.create(member=member, action=action, from_status=from_status,
                                      to_status=member.status, effective_on=effective_on, reason=reason,
                                      recorded_by=actor_name(by))
    if action == "retire":
        from tenants.care.services import life_event_for_retirement  # the 退休 visit to do (帮扶慰问)

        life_event_for_retirement(member=member, by=by, on=effective_on)
    emit("member.left" if action in ("leave", "transfer_out") else "member.updated",
         webhook_events.member_data(member))
    return member


def member_reveal_id_number(*, member: Member, by) -> str:
    """The whole ID number, for a union_admin reading one record; the read is audited."""
    if not (by and by.has_role(Role.UNION_ADMIN)):
        raise NotAllowed("只有校工会管理员可以查看完整身份证号。")
    # Decrypted before the audit record: a read that reveals nothing (key missing) is not a read.
    id_number = personal_data.decrypt(member.id_number_encrypted)
    with transaction.atomic():
        audit_sensitive_read(actor=by, target=member, fields=["id_number"])
    return id_number


@transaction.atomic
def personal_data_reencrypt() -> dict[str, int]:
    """Re-encrypt this school's ID numbers with the newest key and rebuild stale blind indexes.

    Idempotent: rows already under the newest key with a current index are not written. A row no
    configured key opens is left exactly as it is and counted, so the old key is not retired
    while something still needs it.
    """
    counts = {"reencrypted": 0, "current": 0, "reindexed": 0, "unreadable": 0}
    for model, indexed in ((Member, True), (MembershipApplication, False)):
        columns = ["pk", "id_number_encrypted"] + (["id_number_index"] if indexed else [])
        for row in model.objects.exclude(id_number_encrypted="").select_for_update().only(*columns):
            try:
                number = personal_data.decrypt(row.id_number_encrypted)
            except personal_data.PersonalDataUnreadable:
                counts["unreadable"] += 1
                continue
            changed = []
            if personal_data.is_current(row.id_number_encrypted):
                counts["current"] += 1
            else:
                row.id_number_encrypted = personal_data.encrypt(number)
                changed.append("id_number_encrypted")
                counts["reencrypted"] += 1
            if indexed and row.id_number_index != personal_data.blind_index(number):
                row.id_number_index = personal_data.blind_index(number)
                changed.append("id_number_index")
                counts["reindexed"] += 1
            if changed:
                row.save(update_fields=changed)
    return counts


# --- membership applications ----------------------------------------------------------------

@transaction.atomic
def application_submit(*, by, branch: Branch | None, statement: str = "", **person) -> MembershipApplication:
    cleaned, errors = check_person(person, require_join_date=False)
    if branch is None:
        errors["branch"] = "请选择分工会。"
    # Joining is for serving staff; a member who retires keeps membership through 退休, not an application.
    if cleaned.get("employment_type") == "retiree" and "employment_type" not in errors:
        errors["employment_type"] = "入会申请只适用于在编、非编和人事代理教职工；会员退休请在会员页办理“退休”。"
    if errors:
        raise ValidationError(errors)
    if Member.objects.filter(employee_number=cleaned["employee_number"]).exists():
        raise Conflict(f"工号“{cleaned['employee_number']}”已是会员。", field="employee_number")
    open_states = [AS.SUBMITTED, AS.BRANCH_CONFIRMED]
    if MembershipApplication.objects.filter(employee_number=cleaned["employee_number"],
                                            status__in=open_states).exists():
        raise Conflict("该工号已有待处理的入会申请。", field="employee_number")
    id_number = cleaned.pop("id_number")
    cleaned.pop("join_date", None)
    application = MembershipApplication.objects.create(
        branch=branch, statement=statement, submitted_by=by, **cleaned,
        id_number_encrypted=personal_data.encrypt(id_number),
        id_number_masked=personal_data.mask_id_number(id_number),
    )
    audit_create(actor=by, target=application, fields=["name", "employee_number", "branch", "employment_type"])
    return application


def _check_chair_scope(application: MembershipApplication, by):
    if by.has_role(Role.UNION_ADMIN):
        return
    if application.branch.chair_id != by.pk:
        raise NotAllowed("只能处理本分工会的入会申请。")
    if application.status != AS.SUBMITTED:
        raise NotAllowed("分工会确认后的申请由校工会审批。")
    if application.submitted_by_id == by.pk:
        raise NotAllowed("不能处理自己提交的入会申请，请由校工会办理。")


@transaction.atomic
def application_decide(*, application: MembershipApplication, action: str, by, reason: str = "",
                       join_date: datetime.date | None = None) -> MembershipApplication:
    application = MembershipApplication.objects.select_for_update().select_related("branch").get(pk=application.pk)
    APPLICATION_FLOW.check(action, state=application.status, user=by, reason=reason)
    _check_chair_scope(application, by)
    if action == "approve":
        applicant = application.submitted_by
        link_user = applicant if applicant and not hasattr(applicant, "member") and not applicant.has_role(
            Role.UNION_ADMIN, Role.BRANCH_CHAIR) else None
        application.member = member_create(
            by=by, branch=application.branch, user=link_user, name=application.name, gender=application.gender,
            employee_number=application.employee_number, employment_type=application.employment_type,
            join_date=join_date or timezone.localdate(), phone=application.phone,
            id_number=personal_data.decrypt(application.id_number_encrypted),
        )
        if link_user is not None:
            user_grant_roles(user=link_user, roles=[Role.MEMBER], by=by)
    application.decision_reason = reason
    APPLICATION_FLOW.apply(application, action, by=by, reason=reason,
                           extra_update_fields=["decision_reason", "member"])
    if action == "approve":
        emit("application.approved", webhook_events.application_data(application))
    return application
