"""年度体检: the year's check and its batches, assigning the eligible members into batches by gender
and age (the office moves a person with a reason; a member may ask to change), attendance from the
list or an .xlsx, the women's special checks, and the union's cost booked if it pays.

Every write is one transaction: a refusal (Chinese, naming the field) leaves nothing written.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.audit.services import audit_create, audit_record, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, NotAllowed
from tenants.finance.models import ExpenseCategory, LedgerEntry
from tenants.healthchecks.models import Attendance, Gender, HealthCheck, HealthCheckAssignment, HealthCheckBatch
from tenants.members.models import EmploymentType, Member
from tenants.workflow import StateMachine

#: who organises the health check
HEALTH_OFFICE = frozenset({Role.UNION_ADMIN})
MAX_PLACES = 100000
MAX_COST = Decimal("100000000")

H = HealthCheck.Status
HEALTH_CHECK_FLOW = (
    StateMachine.for_field("年度体检", HealthCheck)
    .add("open", label="开始体检", sources={H.PLANNING}, target=H.OPEN, roles=HEALTH_OFFICE)
    .add("finish", label="结束体检", sources={H.OPEN}, target=H.FINISHED, roles=HEALTH_OFFICE)
    .add("reopen", label="重新开放", sources={H.FINISHED}, target=H.OPEN, roles=HEALTH_OFFICE, reason_required=True)
)


def _office(by, what: str = "管理体检"):
    if not (by and by.has_role(*HEALTH_OFFICE)):
        raise NotAllowed(f"只有校工会管理员可以{what}。")


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _locked(check: HealthCheck) -> HealthCheck:
    return HealthCheck.objects.select_for_update().get(pk=check.pk)


def _editable(check: HealthCheck, field: str = "health_check") -> None:
    if check.status == H.FINISHED:
        raise Conflict(f"{check.year}年体检已结束，不能再修改；如需修改请先重新开放。", field=field)


# --- the year's check -----------------------------------------------------------------------------

CHECK_FIELDS = ["title", "provider", "notes", "womens_special_items", "include_retirees", "include_contract",
                "allow_change_requests"]


def _check_values(year, title, errors) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = "请填写年度（如 2026）。"
    if not (title or "").strip():
        errors["title"] = "请填写名称（如 2026年教职工健康体检）。"


@transaction.atomic
def health_check_create(*, by, year, title, provider: str = "", notes: str = "", womens_special_items: str = "",
                        include_retirees: bool = False, include_contract: bool = True,
                        allow_change_requests: bool = True) -> HealthCheck:
    """This year's check (筹备中). One per year."""
    _office(by)
    errors = {}
    _check_values(year, title, errors)
    if errors:
        raise ValidationError(errors)
    if HealthCheck.objects.filter(year=year).exists():
        raise Conflict(f"{year}年已有年度体检，每年只安排一次。", field="year")
    check = HealthCheck.objects.create(
        year=year, title=_text(title, 100), provider=_text(provider, 100), notes=_text(notes, 2000),
        womens_special_items=_text(womens_special_items, 200), include_retirees=bool(include_retirees),
        include_contract=bool(include_contract), allow_change_requests=bool(allow_change_requests), created_by=by)
    audit_create(actor=by, target=check, fields=["year", *CHECK_FIELDS])
    return check


@transaction.atomic
def health_check_update(*, by, check: HealthCheck, **values) -> HealthCheck:
    _office(by)
    check = _locked(check)
    _editable(check)
    unknown = set(values) - set(CHECK_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    errors = {}
    if "title" in values:
        _check_values(check.year, values["title"], errors)
    if errors:
        raise ValidationError(errors)
    before = field_values(check, CHECK_FIELDS)
    limits = {"title": 100, "provider": 100, "notes": 2000, "womens_special_items": 200}
    for name, value in values.items():
        setattr(check, name, _text(value, limits[name]) if name in limits else bool(value))
    check.save(update_fields=list(values))
    audit_update(actor=by, target=check, before=before)
    return check


def health_check_move(*, by, check: HealthCheck, action: str, reason: str = "") -> HealthCheck:
    """开始 / 结束 / 重新开放. Opening needs at least one batch."""
    with transaction.atomic():
        check = _locked(check)
        HEALTH_CHECK_FLOW.check(action, state=check.status, user=by, reason=reason)
        if action == "open" and not check.batches.exists():
            raise Conflict("请先设置体检批次，再开始体检。", field="batches")
        HEALTH_CHECK_FLOW.apply(check, action, by=by, reason=reason)
    return check


@transaction.atomic
def health_check_book_cost(*, by, check: HealthCheck, amount, occurred_on, description: str = "") -> HealthCheck:
    """The union's part of the cost, written into the books (待审批) — optional: often the
    university pays and nothing is booked. Once per check."""
    from tenants.finance.services import ledger_entry_record

    _office(by, "登记体检费用")
    check = _locked(check)
    if check.ledger_entry_id:
        raise Conflict("这次体检的费用已记入账目，不能重复记账。", field="amount")
    amount = decimal_in_range(amount, field="amount", low="0.01", high=MAX_COST, label="费用")
    if not isinstance(occurred_on, datetime.date):
        raise ValidationError({"occurred_on": "请填写支出日期。"})
    entry = ledger_entry_record(
        by=by, kind="expense", category=ExpenseCategory.ACTIVITIES, amount=amount, occurred_on=occurred_on,
        description=_text(description, 200) or f"{check.title}（工会承担费用）",
        source_type=LedgerEntry.Source.HEALTH_CHECK, source_id=check.pk)
    before = field_values(check, ["cost", "ledger_entry"])
    check.cost, check.ledger_entry = amount, entry
    check.save(update_fields=["cost", "ledger_entry"])
    audit_update(actor=by, target=check, before=before)
    return check


# --- batches --------------------------------------------------------------------------------------

BATCH_FIELDS = ["name", "date", "time", "place", "gender", "age_min", "age_max", "places"]


def _batch_values(check: HealthCheck, values: dict, batch: HealthCheckBatch | None = None) -> dict:
    errors, clean = {}, {}
    name = _text(values.get("name"), 60)
    if not name:
        errors["name"] = "请填写批次名称（如 第一批）。"
    date = values.get("date")
    if not isinstance(date, datetime.date):
        errors["date"] = "请填写体检日期。"
    elif date.year != check.year:
        errors["date"] = f"体检日期须在 {check.year} 年内。"
    place = _text(values.get("place"), 100)
    if not place:
        errors["place"] = "请填写体检地点。"
    gender = values.get("gender") or Gender.ANY
    if gender not in Gender.values:
        errors["gender"] = "请选择性别（不限、男、女）。"
    ages = {}
    for field, label in (("age_min", "最小年龄"), ("age_max", "最大年龄")):
        raw = values.get(field)
        if raw in (None, ""):
            ages[field] = None
            continue
        try:
            ages[field] = int(decimal_in_range(raw, field=field, low=16, high=100, places="1", label=label))
        except ValidationError as error:
            errors.update(error.message_dict)
    if ages.get("age_min") is not None and ages.get("age_max") is not None and ages["age_min"] > ages["age_max"]:
        errors["age_max"] = "最大年龄不能小于最小年龄。"
    places = None
    try:
        places = int(decimal_in_range(values.get("places"), field="places", low=1, high=MAX_PLACES, places="1",
                                      label="名额"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if batch is not None and places is not None:
        taken = batch.assignments.count()
        if places < taken:
            errors["places"] = f"这一批已安排 {taken} 人，名额不能少于 {taken}。"
    if errors:
        raise ValidationError(errors)
    clean.update(name=name, date=date, time=_text(values.get("time"), 40), place=place, gender=gender,
                 places=places, **ages)
    return clean


@transaction.atomic
def batch_create(*, by, check: HealthCheck, **values) -> HealthCheckBatch:
    _office(by)
    check = _locked(check)
    _editable(check)
    batch = HealthCheckBatch.objects.create(health_check=check, **_batch_values(check, values))
    audit_create(actor=by, target=batch, fields=BATCH_FIELDS)
    return batch


@transaction.atomic
def batch_update(*, by, batch: HealthCheckBatch, **values) -> HealthCheckBatch:
    _office(by)
    check = _locked(batch.health_check)
    _editable(check)
    batch = HealthCheckBatch.objects.select_for_update().get(pk=batch.pk)
    clean = _batch_values(check, {**field_values(batch, BATCH_FIELDS), **values}, batch=batch)
    before = field_values(batch, BATCH_FIELDS)
    for name, value in clean.items():
        setattr(batch, name, value)
    batch.save(update_fields=list(clean))
    audit_update(actor=by, target=batch, before=before)
    return batch


# --- who takes part, and in which batch -----------------------------------------------------------

def eligible_q(check: HealthCheck, prefix: str = "") -> Q:
    """Who this year's check is for, as a filter on members (``prefix`` "member__" from an assignment):
    active members; retirees and 非编/人事代理 as the check says."""
    statuses = [Member.Status.ACTIVE] + ([Member.Status.RETIRED] if check.include_retirees else [])
    rule = Q(**{f"{prefix}status__in": statuses})
    if not check.include_retirees:
        rule &= ~Q(**{f"{prefix}employment_type": EmploymentType.RETIREE})
    if not check.include_contract:
        rule &= ~Q(**{f"{prefix}employment_type__in": [EmploymentType.CONTRACT, EmploymentType.AGENCY]})
    return rule


def eligible_members(check: HealthCheck):
    """This year's eligible members."""
    return Member.objects.filter(eligible_q(check))


def age_on(birth_date: datetime.date | None, day: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def batch_fits(batch: HealthCheckBatch, member: Member) -> str:
    """'' when ``member`` fits the batch's gender and age; otherwise why not (Chinese)."""
    if batch.gender != Gender.ANY and member.gender != batch.gender:
        return f"{batch.name}只安排{batch.get_gender_display()}教职工。"
    if batch.age_min is not None or batch.age_max is not None:
        age = age_on(member.birth_date, batch.date)
        if age is None:
            return f"{member.name}没有出生日期，不能按年龄安排到{batch.name}。"
        if (batch.age_min is not None and age < batch.age_min) or (batch.age_max is not None and age > batch.age_max):
            return f"{member.name}（{age} 岁）不在{batch.name}的年龄范围（{batch.rule_label}）内。"
    return ""


@transaction.atomic
def assign_members(*, by, check: HealthCheck) -> dict:
    """Put every eligible member not yet in a batch into one: the batches their gender and age fit,
    the one with the most free places first. Run again after adding batches or members; those
    already placed stay where they are. Returns {"assigned": n, "unplaced": n}."""
    _office(by, "分配体检批次")
    check = _locked(check)
    _editable(check)
    batches = list(check.batches.annotate(taken=Count("assignments")).order_by("date", "id"))
    if not batches:
        raise Conflict("请先设置体检批次。", field="batches")
    free = {b.pk: b.places - b.taken for b in batches}
    existing = {a.member_id: a for a in check.assignments.select_for_update().order_by("pk")}
    members = eligible_members(check).order_by("branch_id", "employee_number")
    women = bool(check.womens_special_items)
    new, placed_again, unplaced = [], [], 0
    now = timezone.now()
    for member in members:
        current = existing.get(member.pk)
        if current is not None and current.batch_id is not None:
            continue
        fitting = [b for b in batches if free[b.pk] > 0 and not batch_fits(b, member)]
        batch = max(fitting, key=lambda b: (free[b.pk], -b.date.toordinal(), -b.pk)) if fitting else None
        if batch is not None:
            free[batch.pk] -= 1
        else:
            unplaced += 1
        if current is None:
            new.append(HealthCheckAssignment(health_check=check, member=member, batch=batch, updated=now,
                                             womens_special=women and member.gender == Gender.FEMALE))
        elif batch is not None:
            current.batch, current.updated = batch, now
            placed_again.append(current)
    HealthCheckAssignment.objects.bulk_create(new, batch_size=2000)
    HealthCheckAssignment.objects.bulk_update(placed_again, ["batch", "updated"], batch_size=2000)
    assigned = sum(1 for a in new if a.batch is not None) + len(placed_again)
    audit_record(actor=by, action=AuditRecord.Action.UPDATE, target=check,
                 changes={"assigned": [None, assigned], "unplaced": [None, unplaced]})
    return {"assigned": assigned, "unplaced": unplaced}


def _place_in(batch: HealthCheckBatch, assignment: HealthCheckAssignment, field: str) -> None:
    if batch.health_check_id != assignment.health_check_id:
        raise ValidationError({field: "请选择本次体检的批次。"})
    why = batch_fits(batch, assignment.member)
    if why and batch.gender != Gender.ANY and assignment.member.gender != batch.gender:
        raise ValidationError({field: why})
    locked = HealthCheckBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.assignments.exclude(pk=assignment.pk).count() >= locked.places:
        raise Conflict(f"{batch.name}的 {locked.places} 个名额已满。", field=field)


@transaction.atomic
def assignment_move(*, by, assignment: HealthCheckAssignment, batch: HealthCheckBatch, reason: str) -> HealthCheckAssignment:
    """The office moves a person to another batch, with the reason (an age outside the batch's range
    is the office's word; the other gender and a full batch are refused)."""
    _office(by, "调整体检批次")
    assignment = (HealthCheckAssignment.objects.select_for_update(of=("self",)).select_related("member", "health_check")
                  .get(pk=assignment.pk))
    _editable(assignment.health_check, "batch")
    reason = _text(reason, 300)
    if batch is None:
        raise ValidationError({"batch": "请选择批次。"})
    if not reason:
        raise ValidationError({"reason": "请填写调整原因。"})
    if batch.pk == assignment.batch_id:
        raise ValidationError({"batch": "已在这一批次。"})
    _place_in(batch, assignment, "batch")
    before = field_values(assignment, ["batch", "move_reason", "requested_batch"])
    assignment.batch, assignment.move_reason, assignment.updated = batch, reason, timezone.now()
    assignment.requested_batch, assignment.request_reason, assignment.requested_at = None, "", None
    assignment.save(update_fields=["batch", "move_reason", "updated", "requested_batch", "request_reason",
                                   "requested_at"])
    audit_update(actor=by, target=assignment, before=before, reason=reason)
    return assignment


@transaction.atomic
def change_request(*, by, assignment: HealthCheckAssignment, batch: HealthCheckBatch, reason: str) -> HealthCheckAssignment:
    """A member asks to move to another batch (if the school allows it); the office decides."""
    assignment = (HealthCheckAssignment.objects.select_for_update(of=("self",)).select_related("member", "health_check")
                  .get(pk=assignment.pk))
    if assignment.member.user_id is None or assignment.member.user_id != getattr(by, "pk", None):
        raise NotAllowed("只能申请调整本人的体检批次。")
    check = assignment.health_check
    if not check.allow_change_requests:
        raise Conflict("本次体检不接受调整批次的申请，请联系校工会。", field="batch")
    if check.status != H.OPEN:
        raise Conflict(f"{check.year}年体检{check.get_status_display()}，不能申请调整批次。", field="batch")
    if assignment.attendance == Attendance.CHECKED:
        raise Conflict("您已完成体检。", field="batch")
    reason = _text(reason, 300)
    errors = {}
    if batch is None:
        errors["batch"] = "请选择想调整到的批次。"
    elif batch.pk == assignment.batch_id:
        errors["batch"] = "您已在这一批次。"
    if not reason:
        errors["reason"] = "请填写申请原因。"
    if errors:
        raise ValidationError(errors)
    if batch.date < timezone.localdate():
        raise ValidationError({"batch": f"{batch.name}的体检日期已过。"})
    _place_in(batch, assignment, "batch")
    before = field_values(assignment, ["requested_batch", "request_reason"])
    assignment.requested_batch, assignment.request_reason = batch, reason
    assignment.requested_at = assignment.updated = timezone.now()
    assignment.save(update_fields=["requested_batch", "request_reason", "requested_at", "updated"])
    audit_update(actor=by, target=assignment, before=before)
    return assignment


@transaction.atomic
def change_request_decide(*, by, assignment: HealthCheckAssignment, approve: bool, reason: str = "") -> HealthCheckAssignment:
    """The office moves the member as asked (the request's reason is the move's reason) or declines."""
    _office(by, "处理调整申请")
    locked = HealthCheckAssignment.objects.select_for_update(of=("self",)).select_related("requested_batch").get(pk=assignment.pk)
    if locked.requested_batch_id is None:
        raise Conflict("没有待处理的调整申请。", field="batch")
    if approve:
        why = f"会员申请：{locked.request_reason}" + (f"（{_text(reason, 100)}）" if reason.strip() else "")
        return assignment_move(by=by, assignment=locked, batch=locked.requested_batch, reason=why[:300])
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写不同意的原因。"})
    before = field_values(locked, ["requested_batch", "request_reason"])
    locked.requested_batch, locked.request_reason, locked.requested_at = None, "", None
    locked.save(update_fields=["requested_batch", "request_reason", "requested_at"])
    audit_update(actor=by, target=locked, before=before, reason=_text(reason, 300))
    if locked.member.user_id:
        from tenants.accounts.services import notify

        notify(users=[locked.member.user], message=f"您调整体检批次的申请未获同意：{_text(reason, 100)}",
               link="/me/")
    return locked


# --- attendance -----------------------------------------------------------------------------------

def _recordable(check: HealthCheck) -> None:
    if check.status == H.PLANNING:
        raise Conflict("体检尚未开始，不能登记体检情况。", field="attendance")
    _editable(check, "attendance")


def _set_attendance(assignment: HealthCheckAssignment, attendance: str, checked_on=None,
                    special_done: bool | None = None) -> dict | None:
    """Set the attendance on ``assignment`` in memory; the values before, or None if nothing changed."""
    before = field_values(assignment, ["attendance", "checked_on", "special_done"])
    assignment.attendance = attendance
    if attendance == Attendance.CHECKED:
        batch_day = assignment.batch.date if assignment.batch else None
        today = timezone.localdate()
        assignment.checked_on = checked_on or assignment.checked_on or (
            batch_day if batch_day and batch_day <= today else today)
    else:
        assignment.checked_on = None
    if special_done is not None:
        assignment.special_done = bool(special_done) and attendance == Attendance.CHECKED
    elif attendance != Attendance.CHECKED:
        assignment.special_done = False
    if field_values(assignment, before.keys()) == before:
        return None
    assignment.updated = timezone.now()
    return before


@transaction.atomic
def attendance_record(*, by, assignment: HealthCheckAssignment, attendance: str, checked_on=None,
                      special_done: bool | None = None) -> HealthCheckAssignment:
    """Checked (已体检) or not (未参加), and for a woman whether her special check was done."""
    _office(by, "登记体检情况")
    assignment = (HealthCheckAssignment.objects.select_for_update(of=("self",)).select_related("health_check", "batch")
                  .get(pk=assignment.pk))
    _recordable(assignment.health_check)
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "请选择体检情况（已体检、未参加、未登记）。"})
    if checked_on is not None and not isinstance(checked_on, datetime.date):
        raise ValidationError({"checked_on": "请填写体检日期。"})
    if checked_on is not None and checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "体检日期不能晚于今天。"})
    if special_done and not assignment.womens_special:
        raise ValidationError({"special_done": "这位会员没有女教职工特殊检查。"})
    before = _set_attendance(assignment, attendance, checked_on, special_done)
    if before is not None:
        assignment.save(update_fields=["attendance", "checked_on", "special_done", "updated"])
        audit_update(actor=by, target=assignment, before=before)
    return assignment


ATTENDANCE_WORDS = {"已体检": Attendance.CHECKED, "是": Attendance.CHECKED, "已检": Attendance.CHECKED,
                    "未参加": Attendance.ABSENT, "否": Attendance.ABSENT, "未检": Attendance.ABSENT}
SPECIAL_WORDS = {"是": True, "已完成": True, "已检": True, "否": False, "未完成": False, "": None}


def attendance_import(*, by, check: HealthCheck, fileobj) -> dict:
    """An .xlsx from the hospital or the office: columns 工号, 体检情况 (已体检/未参加), optional
    特殊检查 (是/否). All rows or none: any bad row refuses the file, naming its line."""
    from tenants import xlsx

    _office(by, "导入体检情况")
    try:
        book = xlsx.open_for_reading(fileobj)
    except xlsx.UnsafeWorkbook as error:
        raise ValidationError({"file": str(error)}) from error
    except Exception as error:
        raise ValidationError({"file": "无法读取文件，请上传 .xlsx 格式的表格。"}) from error
    rows = list(book.active.iter_rows(values_only=True))
    if not rows:
        raise ValidationError({"file": "表格是空的。"})
    header = [str(c or "").strip() for c in rows[0]]
    if "工号" not in header or "体检情况" not in header:
        raise ValidationError({"file": "第 1 行须有“工号”和“体检情况”两列。"})
    at_number, at_state = header.index("工号"), header.index("体检情况")
    at_special = header.index("特殊检查") if "特殊检查" in header else None
    assignments = {a.member.employee_number: a for a in check.assignments.select_related("member")}
    plan, problems = [], []
    for line, values in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in values]
        if not any(cells):
            continue
        number = cells[at_number] if at_number < len(cells) else ""
        state = cells[at_state] if at_state < len(cells) else ""
        special = cells[at_special] if at_special is not None and at_special < len(cells) else ""
        if number not in assignments:
            problems.append(f"第 {line} 行：工号“{number[:20]}”不在本次体检名单中")
        elif state not in ATTENDANCE_WORDS:
            problems.append(f"第 {line} 行：体检情况须为“已体检”或“未参加”")
        elif special not in SPECIAL_WORDS:
            problems.append(f"第 {line} 行：特殊检查须为“是”或“否”")
        else:
            wanted = SPECIAL_WORDS[special]
            if wanted and not assignments[number].womens_special:
                problems.append(f"第 {line} 行：这位会员没有女教职工特殊检查")
            else:
                plan.append((assignments[number], ATTENDANCE_WORDS[state], wanted))
    if problems:
        raise ValidationError({"file": "；".join(problems[:10]) + ("等" if len(problems) > 10 else "") + "。未导入任何记录。"})
    return _import_plan(by=by, check=check, plan=[(a.pk, state, special) for a, state, special in plan])


@transaction.atomic
def _import_plan(*, by, check: HealthCheck, plan) -> dict:
    """All the rows of an import in one transaction: the check and its rows locked, one update for
    all, one audit record per person whose attendance changed."""
    check = _locked(check)
    _recordable(check)
    wanted = {pk: (state, special) for pk, state, special in plan}
    rows = list(HealthCheckAssignment.objects.select_for_update(of=("self",))
                .select_related("batch", "member", "health_check").filter(pk__in=list(wanted)).order_by("pk"))
    changed, records = [], []
    for row in rows:
        state, special = wanted[row.pk]
        before = _set_attendance(row, state, None, special)
        if before is None:
            continue
        changed.append(row)
        after = field_values(row, before.keys())
        records.append(AuditRecord(
            actor=by, actor_name=by.get_username(), action=AuditRecord.Action.UPDATE,
            target_type=row._meta.label_lower, target_id=str(row.pk), target_repr=str(row)[:200],
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]}, reason="导入体检情况"))
    groups: dict[tuple, list[int]] = {}
    for row in changed:
        groups.setdefault((row.attendance, row.checked_on, row.special_done), []).append(row.pk)
    now = timezone.now()
    for (attendance, checked_on, special_done), pks in groups.items():
        HealthCheckAssignment.objects.filter(pk__in=pks).update(attendance=attendance, checked_on=checked_on,
                                                                special_done=special_done, updated=now)
    AuditRecord.objects.bulk_create(records, batch_size=1000)
    return {"recorded": len(plan), "changed": len(changed)}


def attendance_template() -> bytes:
    from tenants import xlsx

    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "体检情况"
    xlsx.append(sheet, ["工号", "体检情况", "特殊检查"])
    xlsx.append(sheet, ["T0001", "已体检", "是"])
    return xlsx.to_bytes(book)
