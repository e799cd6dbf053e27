"""活动与报名: activities (draft → 报名中 → 报名截止 → 已举办, or 已取消), sign-up that never overbooks,
a waitlist in order of arrival that moves by itself, check-in by code, the union's cost to the books.

Capacity and branch quotas are counted with the activity's row locked (select_for_update, or for a
sign-up the UPDATE that takes its arrival number) in the sign-up's transaction, so simultaneous sign-ups queue on that lock: the last place goes to one of
them, the others are waitlisted in the order they took the lock (their arrival number).

A branch quota caps how many registrations (confirmed or waitlisted) a branch may have: beyond it a
sign-up is refused. The capacity caps confirmed places: beyond it a sign-up is waitlisted.
"""
from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from tenants.accounts.roles import SCHOOL_ROLES, Role
from tenants.activities.models import ACTIVE_STATES, Activity, ActivityKind, BranchQuota, Registration, Team
from tenants.audit.services import audit_create, audit_update, field_values
from tenants.decimals import decimal_in_range
from tenants.errors import Conflict, DomainError, NotAllowed
from tenants.members.models import Branch, EmploymentType, Gender, MaritalStatus, Member
from tenants.text import cn_date
from tenants.workflow import StateMachine

#: who organises: the union office (every activity), a branch chair (their branch's activities)
ORGANISERS = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR})
MAX_CAPACITY = 10000
MAX_AMOUNT = Decimal("1000000")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

A = Activity.Status
ACTIVITY_FLOW = (
    StateMachine.for_field("活动", Activity)
    .add("open", label="开放报名", sources={A.DRAFT}, target=A.OPEN, roles=ORGANISERS)
    .add("close", label="截止报名", sources={A.OPEN}, target=A.CLOSED, roles=ORGANISERS)
    .add("reopen", label="重新开放报名", sources={A.CLOSED}, target=A.OPEN, roles=ORGANISERS, reason_required=True)
    .add("hold", label="登记已举办", sources={A.CLOSED}, target=A.HELD, roles=ORGANISERS)
    .add("cancel", label="取消活动", sources={A.DRAFT, A.OPEN, A.CLOSED}, target=A.CANCELLED, roles=ORGANISERS,
         reason_required=True)
)

R = Registration.Status
REGISTRATION_FLOW = (
    StateMachine.for_field("报名", Registration)
    # the platform admits a sign-up while places remain, and the next in line when one frees up
    .add("admit", label="递补", sources={R.WAITLISTED}, target=R.CONFIRMED, system=True, reason_required=True)
    .add("confirm", label="确认报名", sources={R.WAITLISTED}, target=R.CONFIRMED, roles=ORGANISERS,
         reason_required=True)
    .add("demote", label="转为候补", sources={R.CONFIRMED}, target=R.WAITLISTED, roles=ORGANISERS,
         reason_required=True)
    .add("reject", label="不予通过", sources={R.WAITLISTED, R.CONFIRMED}, target=R.REJECTED, roles=ORGANISERS,
         reason_required=True)
    # the member (or the organiser) withdraws; any school role, the service checks whose it is
    .add("cancel", label="取消报名", sources={R.WAITLISTED, R.CONFIRMED}, target=R.CANCELLED, roles=SCHOOL_ROLES)
    # cancelling the activity cancels its registrations
    .add("void", label="活动取消", sources={R.WAITLISTED, R.CONFIRMED}, target=R.CANCELLED, system=True,
         reason_required=True)
)

EDITABLE = ["kind", "title", "description", "starts_at", "ends_at", "place", "registration_opens_at",
            "registration_closes_at", "cancel_deadline", "capacity", "sign_up", "team_size", "gender",
            "child_age_min", "child_age_max", "marital_status", "retirees", "fee", "budget"]


# --- who organises --------------------------------------------------------------------------------

def can_organise(user, activity: Activity) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.UNION_ADMIN):
        return True
    return (user.has_role(Role.BRANCH_CHAIR) and activity.organiser_branch_id is not None
            and activity.organiser_branch.chair_id == user.pk)


def code_visible_to(user, registration: Registration) -> bool:
    """A check-in code is the member's own and their activity's organiser's — not, say, the chair of
    the member's branch when someone else organises the activity."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.UNION_ADMIN):  # can_organise's first answer, without reading the activity
        return True
    if registration.member.user_id is not None and registration.member.user_id == user.pk:
        return True
    return can_organise(user, registration.activity)


def _require_organiser(user, activity: Activity) -> None:
    if not can_organise(user, activity):
        raise NotAllowed("只有校工会或主办分工会的主席可以管理这项活动。")


# --- activities -----------------------------------------------------------------------------------

def _whole(value, *, field, label, low, high, required=True):
    if value in (None, ""):
        if required:
            raise ValidationError({field: f"请填写{label}。"})
        return None
    return int(decimal_in_range(value, field=field, low=low, high=high, places="1", label=label))


def _money(value, *, field, label, required=False):
    if value in (None, ""):
        if required:
            raise ValidationError({field: f"请填写{label}。"})
        return None
    return decimal_in_range(value, field=field, low="0", high=MAX_AMOUNT, label=label)


def _cleaned(data: dict, *, by) -> dict:
    """Check an activity's fields together; every problem named beside its field."""
    errors, out = {}, {}

    def take(field, fn):
        try:
            out[field] = fn()
        except ValidationError as error:
            errors.update(error.message_dict)

    if data.get("kind") not in ActivityKind.values:
        errors["kind"] = "请选择活动类型。"
    out["kind"] = data.get("kind")
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写活动名称。"
    out["title"] = title[:100]
    out["description"] = (data.get("description") or "").strip()[:5000]
    place = (data.get("place") or "").strip()
    if not place:
        errors["place"] = "请填写活动地点。"
    out["place"] = place[:100]
    labels = {"starts_at": "开始时间", "ends_at": "结束时间", "registration_opens_at": "报名开始时间",
              "registration_closes_at": "报名截止时间", "cancel_deadline": "取消报名截止时间"}
    for field, label in labels.items():
        value = data.get(field)
        if not isinstance(value, datetime.datetime):
            errors[field] = f"请填写{label}。"
        else:
            out[field] = value if timezone.is_aware(value) else timezone.make_aware(value)
    if not errors.keys() & labels.keys():
        if out["ends_at"] < out["starts_at"]:
            errors["ends_at"] = "结束时间不能早于开始时间。"
        if out["registration_closes_at"] <= out["registration_opens_at"]:
            errors["registration_closes_at"] = "报名截止时间应晚于报名开始时间。"
        elif out["registration_closes_at"] > out["starts_at"]:
            errors["registration_closes_at"] = "报名截止时间不能晚于活动开始时间。"
        if out["cancel_deadline"] > out["starts_at"]:
            errors["cancel_deadline"] = "取消报名截止时间不能晚于活动开始时间。"
    take("capacity", lambda: _whole(data.get("capacity"), field="capacity", label="名额", low=1, high=MAX_CAPACITY))
    sign_up = data.get("sign_up") or Activity.SignUp.INDIVIDUAL
    if sign_up not in Activity.SignUp.values:
        errors["sign_up"] = "请选择报名方式。"
    out["sign_up"] = sign_up
    take("team_size", lambda: _whole(data.get("team_size"), field="team_size", label="每队人数", low=2, high=50,
                                     required=sign_up == Activity.SignUp.TEAM))
    if sign_up != Activity.SignUp.TEAM:
        out["team_size"] = None
    gender = data.get("gender") or ""
    if gender and gender not in Gender.values:
        errors["gender"] = "请选择性别要求。"
    out["gender"] = gender
    marital = data.get("marital_status") or ""
    if marital and marital not in MaritalStatus.values:
        errors["marital_status"] = "请选择婚姻状况要求。"
    out["marital_status"] = marital
    retirees = data.get("retirees") or Activity.Retirees.INCLUDED
    if retirees not in Activity.Retirees.values:
        errors["retirees"] = "请选择退休会员能否参加。"
    out["retirees"] = retirees
    children = data.get("kind") == ActivityKind.CHILDREN
    take("child_age_min", lambda: _whole(data.get("child_age_min"), field="child_age_min", label="子女最小年龄",
                                         low=0, high=18, required=children))
    take("child_age_max", lambda: _whole(data.get("child_age_max"), field="child_age_max", label="子女最大年龄",
                                         low=0, high=18, required=children))
    if (out.get("child_age_min") is not None and out.get("child_age_max") is not None
            and out["child_age_min"] > out["child_age_max"]):
        errors["child_age_max"] = "子女最大年龄不能小于最小年龄。"
    if (out.get("child_age_min") is None) != (out.get("child_age_max") is None) and "child_age_max" not in errors:
        errors["child_age_max"] = "子女年龄范围请同时填写最小和最大年龄。"
    take("fee", lambda: _money(data.get("fee"), field="fee", label="每人缴费") or Decimal("0.00"))
    take("budget", lambda: _money(data.get("budget"), field="budget", label="工会预算"))
    if errors:
        raise ValidationError(errors)
    return out


def _quotas(quotas, *, capacity) -> dict[Branch, int]:
    """{branch: places}; places 0 or blank drops the branch's quota."""
    cleaned = {}
    for branch, places in (quotas or {}).items():
        if places in (None, "", 0, "0"):
            continue
        cleaned[branch] = _whole(places, field="quotas", label=f"{branch.name}的名额", low=1, high=MAX_CAPACITY)
    return cleaned


def _set_quotas(activity: Activity, quotas: dict) -> None:
    BranchQuota.objects.filter(activity=activity).exclude(branch__in=list(quotas)).delete()
    for branch, places in quotas.items():
        BranchQuota.objects.update_or_create(activity=activity, branch=branch, defaults={"places": places})


@transaction.atomic
def activity_create(*, by, organiser_branch: Branch | None = None, quotas=None, **data) -> Activity:
    """A new activity (草稿). The union office organises any; a branch chair only their own branch's."""
    if not (by and by.has_role(*ORGANISERS)):
        raise NotAllowed("只有校工会或分工会主席可以发起活动。")
    if not by.has_role(Role.UNION_ADMIN):
        if organiser_branch is None or organiser_branch.chair_id != by.pk:
            raise NotAllowed("分工会主席只能发起本分工会的活动。")
    fields = _cleaned(data, by=by)
    quotas = _quotas(quotas, capacity=fields["capacity"])
    activity = Activity.objects.create(organiser_branch=organiser_branch, created_by=by, **fields)
    _set_quotas(activity, quotas)
    audit_create(actor=by, target=activity, fields=["kind", "title", "starts_at", "place", "organiser_branch",
                                                    "capacity", "registration_closes_at"])
    return activity


def update_problem(activity: Activity) -> str | None:
    """Why this activity can no longer be changed (held or cancelled); None while it can."""
    if activity.status in (A.HELD, A.CANCELLED):
        return f"活动{activity.get_status_display()}，不能再修改。"
    return None


@transaction.atomic
def activity_update(*, by, activity: Activity, quotas=None, **data) -> Activity:
    """Change an activity not yet held. A larger capacity promotes the waitlist at once; a capacity
    below the places already confirmed is refused."""
    activity = Activity.objects.select_for_update(of=("self",)).select_related("organiser_branch").get(pk=activity.pk)
    _require_organiser(by, activity)
    problem = update_problem(activity)
    if problem:
        raise Conflict(problem)
    merged = {f: getattr(activity, f) for f in EDITABLE}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    fields = _cleaned(merged, by=by)
    confirmed = activity.registrations.filter(status=R.CONFIRMED).count()
    if fields["capacity"] < confirmed:
        raise ValidationError({"capacity": f"已有 {confirmed} 人报名成功，名额不能少于 {confirmed}；"
                                           "请先与报名的人协商取消。"})
    if activity.registrations.filter(status__in=ACTIVE_STATES).exists() and fields["sign_up"] != activity.sign_up:
        raise ValidationError({"sign_up": "已有人报名，不能再改报名方式。"})
    if (fields["team_size"] != activity.team_size
            and activity.registrations.filter(team__isnull=False, status__in=ACTIVE_STATES).exists()):
        raise ValidationError({"team_size": f"已有参赛队按每队 {activity.team_size} 人报名，不能再改每队人数。"})
    before = field_values(activity, EDITABLE)
    for field, value in fields.items():
        setattr(activity, field, value)
    activity.save(update_fields=EDITABLE)
    if quotas is not None:
        _set_quotas(activity, _quotas(quotas, capacity=fields["capacity"]))
    audit_update(actor=by, target=activity, before=before)
    _promote(activity, reason="名额增加")
    return activity


@transaction.atomic
def activity_act(*, by, activity: Activity, action: str, reason: str = "") -> Activity:
    """开放报名 / 截止报名 / 重新开放 / 取消活动 (its registrations are cancelled and told)."""
    if action not in ("open", "close", "reopen", "cancel"):
        raise DomainError("没有这个操作。", field="action")
    activity = Activity.objects.select_for_update(of=("self",)).select_related("organiser_branch").get(pk=activity.pk)
    _require_organiser(by, activity)
    ACTIVITY_FLOW.apply(activity, action, by=by, reason=reason)
    if action == "cancel":
        live = list(activity.registrations.filter(status__in=ACTIVE_STATES).select_related("member__user"))
        for registration in live:
            REGISTRATION_FLOW.apply(registration, "void", by=None, reason=f"活动取消：{reason}")
        _notify([r.member for r in live], f"您报名的活动“{activity.title}”已取消：{reason}", activity)
    return activity


@transaction.atomic
def activity_hold(*, by, activity: Activity, union_cost=None) -> Activity:
    """登记已举办 with the union's actual cost; a cost above zero goes into the books (职工活动支出,
    待审批) in the same transaction — a refused entry (closed year) leaves the activity unchanged."""
    from tenants.finance.models import ExpenseCategory, LedgerEntry
    from tenants.finance.services import ledger_entry_record

    activity = Activity.objects.select_for_update(of=("self",)).select_related("organiser_branch").get(pk=activity.pk)
    _require_organiser(by, activity)
    ACTIVITY_FLOW.check("hold", state=activity.status, user=by)
    cost = _money(union_cost, field="union_cost", label="工会实际支出") or Decimal("0.00")
    activity.union_cost = cost
    fields = ["union_cost"]
    if cost > 0:
        attended = activity.registrations.filter(status=R.CONFIRMED, checked_in_at__isnull=False).count()
        activity.ledger_entry = ledger_entry_record(
            by=by, kind="expense", category=ExpenseCategory.ACTIVITIES, amount=cost,
            occurred_on=timezone.localtime(activity.ends_at).date(),
            description=f"{activity.title}（{activity.get_kind_display()}，{activity.organiser_label}主办，"
                        f"签到 {attended} 人）",
            source_type=LedgerEntry.Source.ACTIVITY, source_id=activity.pk)
        fields.append("ledger_entry")
    ACTIVITY_FLOW.apply(activity, "hold", by=by, extra_update_fields=fields,
                        audit_changes={"union_cost": str(cost)})
    return activity


# --- eligibility ----------------------------------------------------------------------------------

def _age_on(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def eligibility_problem(activity: Activity, member: Member, *, child_birth_date=None) -> tuple[str, str] | None:
    """(field, why) when ``member`` may not take part; None when they may. The child's age is
    checked only when a birth date is given (the portal asks for it at sign-up)."""
    if member.status not in (Member.Status.ACTIVE, Member.Status.RETIRED):
        return "member", f"{member.name}已{member.get_status_display()}，不能报名。"
    if activity.gender and member.gender != activity.gender:
        return "member", f"本活动仅限{Gender(activity.gender).label}会员报名。"
    retired = member.status == Member.Status.RETIRED or member.employment_type == EmploymentType.RETIREE
    if activity.retirees == Activity.Retirees.EXCLUDED and retired:
        return "member", "本活动不含退休会员。"
    if activity.retirees == Activity.Retirees.ONLY and not retired:
        return "member", "本活动仅限退休会员报名。"
    if activity.marital_status and member.marital_status != activity.marital_status:
        wanted = MaritalStatus(activity.marital_status).label
        if not member.marital_status:
            return "member", f"本活动仅限{wanted}会员报名；您的婚姻状况未登记，请联系校工会登记。"
        return "member", f"本活动仅限{wanted}会员报名。"
    if child_birth_date is not None and activity.child_age_max is not None:
        on = timezone.localtime(activity.starts_at).date()
        if child_birth_date > on:
            return "child_birth_date", "子女出生日期不能晚于活动日期。"
        age = _age_on(child_birth_date, on)
        if not activity.child_age_min <= age <= activity.child_age_max:
            return "child_birth_date", (f"本活动限 {activity.child_age_min}–{activity.child_age_max} 岁的子女参加，"
                                        f"活动当天孩子 {age} 岁。")
    return None


def _window_problem(activity: Activity, now) -> str | None:
    if activity.status != A.OPEN:
        return f"活动{activity.get_status_display()}，不能报名。"
    if now < activity.registration_opens_at:
        return f"报名尚未开始（{cn_date(timezone.localtime(activity.registration_opens_at).date())} 开始）。"
    if now > activity.registration_closes_at:
        return "报名已截止，不能再报名。"
    return None


def may_sign_up(activity: Activity, member: Member | None) -> bool:
    """For the portal's list: open now, eligible, not signed up yet (the service checks again)."""
    if member is None or _window_problem(activity, timezone.now()):
        return False
    return eligibility_problem(activity, member) is None


# --- registration ---------------------------------------------------------------------------------

def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("organiser_branch").get(pk=activity.pk)


def _check_quota(activity: Activity, branch: Branch, adding: int) -> None:
    quota = BranchQuota.objects.filter(activity=activity, branch=branch).first()
    if quota is None:
        return
    used = activity.registrations.filter(branch=branch, status__in=ACTIVE_STATES).count()
    if used + adding > quota.places:
        raise Conflict(f"{branch.name}的名额（{quota.places} 人）已报满，不能再报名。", field="member")


def _room(activity: Activity) -> int:
    return activity.capacity - activity.registrations.filter(status=R.CONFIRMED).count()


def _create(activity, member, *, by, team=None, arrival, child_name="", child_birth_date=None) -> Registration:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    activity=activity, member=member, branch_id=member.branch_id, team=team, arrival=arrival,
                    code=_new_code(), child_name=child_name, child_birth_date=child_birth_date, registered_by=by)
        except IntegrityError as error:
            if "one_live_registration_per_member" in str(error):
                raise Conflict(f"{member.name}已报名这项活动，不能重复报名。", field="member")
    raise Conflict("签到码生成冲突，请重试。")


def _may_register_for(by, activity: Activity, member: Member) -> None:
    own = member.user_id is not None and member.user_id == getattr(by, "pk", None)
    if own or can_organise(by, activity):
        return
    raise NotAllowed("只能为自己报名。")


#: in the model's field order, as Model.from_db wants a deferred row's values
LOCKED_FIELDS = [f.attname for f in Activity._meta.concrete_fields
                 if f.attname in {"id", "arrivals", "status", "capacity", "registration_opens_at",
                                  "registration_closes_at"}]


def _take_arrival(activity: Activity) -> Activity:
    """Lock the activity's row and take the next arrival number in one statement (UPDATE … RETURNING);
    returns the row as it is now (deferred to what a sign-up re-checks under the lock: the state, the
    window, the capacity). A refused sign-up rolls back with its transaction: no gaps in the numbers."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Activity._meta.db_table} SET arrivals = arrivals + 1 WHERE id = %s "
                       f"RETURNING {', '.join(LOCKED_FIELDS)}", [activity.pk])
        return Activity.from_db(connection.alias, LOCKED_FIELDS, cursor.fetchone())


def _counts_under_lock(activity: Activity, member: Member) -> tuple[int, int, bool, int | None]:
    """One query, after the lock: confirmed places taken, the member's branch's live registrations,
    whether the member already has one, and the branch's quota (None: no quota)."""
    live = tuple(ACTIVE_STATES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE status = %s), "
            f"count(*) FILTER (WHERE branch_id = %s AND status IN %s), "
            f"count(*) FILTER (WHERE member_id = %s AND status IN %s), "
            f"(SELECT places FROM {BranchQuota._meta.db_table} WHERE activity_id = %s AND branch_id = %s) "
            f"FROM {Registration._meta.db_table} WHERE activity_id = %s",
            [R.CONFIRMED, member.branch_id, live, member.pk, live, activity.pk, member.branch_id, activity.pk])
        confirmed, used, mine, places = cursor.fetchone()
    return confirmed, used, bool(mine), places


@transaction.atomic
def registration_create(*, by, activity: Activity, member: Member | None, child_name: str = "",
                        child_birth_date=None) -> Registration:
    """Sign one person up: 报名成功 while places remain, else 候补 in order of arrival; refused (nothing
    written) outside the window, beyond the branch quota, twice, or when not eligible.

    Everything that does not need the activity's lock is done before taking it (who may sign whom up,
    the window and eligibility on a fresh read, the child's details, the code); under the lock only
    the arrival number, one counting query, the insert, its audit record and the machine's 递补 move
    — so simultaneous sign-ups queue on the lock for as short a time as possible (bench/registration.py).
    """
    if member is None:
        raise ValidationError({"member": "您的账号没有关联会员信息，请联系校工会。"})
    activity = Activity.objects.select_related("organiser_branch").get(pk=activity.pk)
    branch = member.branch
    _may_register_for(by, activity, member)
    problem = _window_problem(activity, timezone.now())
    if problem:
        raise Conflict(problem, field="activity")
    if activity.sign_up == Activity.SignUp.TEAM:
        raise ValidationError({"activity": "本活动由分工会组队报名，请联系本分工会主席。"})
    child_name = (child_name or "").strip()[:50]
    if activity.child_age_max is not None:
        errors = {}
        if not child_name:
            errors["child_name"] = "请填写参加活动的子女姓名。"
        if not isinstance(child_birth_date, datetime.date):
            errors["child_birth_date"] = "请填写子女出生日期。"
        if errors:
            raise ValidationError(errors)
    else:
        child_name, child_birth_date = "", None
    problem = eligibility_problem(activity, member, child_birth_date=child_birth_date)
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    registration = Registration(activity=activity, member=member, branch=branch, arrival=0, code=_new_code(),
                                child_name=child_name, child_birth_date=child_birth_date, registered_by=by)

    # --- under the activity's row lock until the transaction commits ---
    locked = _take_arrival(activity)
    problem = _window_problem(locked, timezone.now())  # closed or cancelled while we checked
    if problem:
        raise Conflict(problem, field="activity")
    confirmed, used, already, places = _counts_under_lock(activity, member)
    if already:
        raise Conflict(f"{member.name}已报名这项活动，不能重复报名。", field="member")
    if places is not None and used + 1 > places:
        raise Conflict(f"{branch.name}的名额（{places} 人）已报满，不能再报名。", field="member")
    registration.arrival, registration.registered_at = locked.arrivals, timezone.now()
    try:
        registration.save(force_insert=True)
    except IntegrityError as error:  # the lock and the count make both unlikely; refused, nothing written
        if "one_live_registration_per_member" in str(error):
            raise Conflict(f"{member.name}已报名这项活动，不能重复报名。", field="member") from None
        raise Conflict("签到码生成冲突，请重试。") from None
    audit_create(actor=by, target=registration, fields=["activity", "member", "arrival"])
    if locked.capacity - confirmed > 0:
        REGISTRATION_FLOW.apply(registration, "admit", by=None, reason="报名时有空余名额")
    return registration


@transaction.atomic
def team_register(*, by, activity: Activity, name: str, members, branch: Branch | None = None) -> Team:
    """A branch enters a team: all members of that branch (a chair: a branch they chair — named when
    they chair several), each in one team per activity. The whole team is confirmed if it fits and
    nobody waits ahead of it, else waitlisted together."""
    activity = _locked(activity)
    if not (by and by.has_role(*ORGANISERS)):
        raise NotAllowed("只有分工会主席或校工会可以组队报名。")
    if not by.has_role(Role.UNION_ADMIN):
        # a chair enters a team of a branch they chair; chairing several, they name which
        chaired = list(Branch.objects.filter(chair=by)[:2])
        if not chaired:
            raise NotAllowed("您不是任何分工会的主席。")
        if branch is None and len(chaired) == 1:
            branch = chaired[0]
        elif branch is not None and branch.chair_id != by.pk:
            raise NotAllowed(f"您不是{branch.name}的主席，只能为自己主持的分工会组队。")
    problem = _window_problem(activity, timezone.now())
    if problem:
        raise Conflict(problem, field="activity")
    if activity.sign_up != Activity.SignUp.TEAM:
        raise ValidationError({"activity": "本活动是个人报名，不接受组队报名。"})
    errors = {}
    name = (name or "").strip()[:60]
    if not name:
        errors["name"] = "请填写队名。"
    if branch is None:
        errors["branch"] = "请选择分工会。"
    members = list(dict.fromkeys(members or []))
    if len(members) != activity.team_size:
        errors["members"] = f"每队须 {activity.team_size} 人，现选了 {len(members)} 人。"
    elif branch is not None:
        outsiders = [m.name for m in members if m.branch_id != branch.pk]
        if outsiders:
            errors["members"] = f"{'、'.join(outsiders[:5])}不是{branch.name}的会员，队员须是本分工会会员。"
        else:
            for member in members:
                problem = eligibility_problem(activity, member)
                if problem:
                    errors["members"] = f"{member.name}：{problem[1]}"
                    break
    if errors:
        raise ValidationError(errors)
    taken = list(Registration.objects.filter(activity=activity, member__in=members, status__in=ACTIVE_STATES)
                 .select_related("member"))
    if taken:
        raise Conflict(f"{'、'.join(r.member.name for r in taken[:5])}已在本活动报名（每人每项活动只能参加一支队）。",
                       field="members")
    _check_quota(activity, branch, len(members))
    team = Team.objects.create(activity=activity, branch=branch, name=name, entered_by=by)
    activity.arrivals += 1
    activity.save(update_fields=["arrivals"])
    registrations = [_create(activity, member, by=by, team=team, arrival=activity.arrivals) for member in members]
    audit_create(actor=by, target=team, fields=["activity", "branch", "name"])
    # admitted only when it fits and nobody waits ahead of it (else it joins the end of the line)
    waiting = activity.registrations.filter(status=R.WAITLISTED).exclude(team=team).exists()
    if not waiting and _room(activity) >= len(registrations):
        for registration in registrations:
            REGISTRATION_FLOW.apply(registration, "admit", by=None, reason="报名时有空余名额")
    return team


def _notify(members, message: str, activity: Activity) -> None:
    from tenants.accounts.services import notify

    users = [m.user for m in members if m.user_id]
    if users:
        notify(users=users, message=message, link=f"/activities/{activity.pk}/")


def _promote(activity: Activity, *, reason: str, leave_out=()) -> list[Registration]:
    """Admit the waitlist in arrival order while places remain (the activity is locked by the
    caller). A team moves whole; the line stops at the first that does not fit, so nobody jumps it.
    `leave_out`: registrations just moved to the waitlist by the organiser, not to be admitted again
    by the very move that demoted them."""
    if activity.status not in (A.OPEN, A.CLOSED):
        return []
    room = _room(activity)
    admitted = []
    waiting = list(activity.registrations.filter(status=R.WAITLISTED).exclude(pk__in=[r.pk for r in leave_out])
                   .select_related("member__user").order_by("arrival", "id"))
    index = 0
    while index < len(waiting) and room > 0:
        head = waiting[index]
        group = [r for r in waiting[index:] if r.arrival == head.arrival] if head.team_id else [head]
        if len(group) > room:
            break
        for registration in group:
            REGISTRATION_FLOW.apply(registration, "admit", by=None, reason=reason)
        admitted.extend(group)
        room -= len(group)
        index += len(group)
    if admitted:
        _notify([r.member for r in admitted], f"您候补的活动“{activity.title}”有了名额，已为您递补为报名成功。",
                activity)
    return admitted


def _registration_locked(registration: Registration) -> tuple[Registration, Activity]:
    activity = _locked(registration.activity)
    registration = Registration.objects.select_related("member__user", "team").get(pk=registration.pk)
    return registration, activity


def team_group(registration: Registration) -> list[Registration]:
    """Whom an organiser's move or cancellation takes: a team's registration moves with its whole
    team (its live registrations in the same state, so a team never falls below its size); anyone
    else alone. The caller holds the activity's lock."""
    if not registration.team_id:
        return [registration]
    rows = list(Registration.objects.select_for_update(of=("self",))
                .filter(team_id=registration.team_id, status=registration.status)
                .exclude(pk=registration.pk).select_related("member__user"))
    return [registration, *rows]


@transaction.atomic
def registration_cancel(*, by, registration: Registration, reason: str = "") -> Registration:
    """The member cancels their own until the cancellation deadline (the organiser any time before
    the activity is held); a team's registration is cancelled by the organiser, the whole team at once.
    The next in line moves up."""
    registration, activity = _registration_locked(registration)
    organiser = can_organise(by, activity)
    own = registration.member.user_id is not None and registration.member.user_id == getattr(by, "pk", None)
    if registration.team_id and not organiser:
        raise NotAllowed("组队报名由分工会主席或校工会调整。")
    if not (own or organiser):
        raise NotAllowed("只能取消自己的报名。")
    if not organiser and timezone.now() > activity.cancel_deadline:
        raise Conflict("已过取消报名截止时间，不能再取消；如有特殊情况请联系主办方。", field="registration")
    if activity.status in (A.HELD, A.CANCELLED):
        raise Conflict(f"活动{activity.get_status_display()}，不能再取消报名。")
    group = team_group(registration)
    for one in group:
        REGISTRATION_FLOW.apply(one, "cancel", by=by, reason=(reason or "").strip() or "本人取消")
    if registration.team_id:
        _notify([one.member for one in group],
                f"您所在的参赛队“{registration.team.name}”在活动“{activity.title}”的报名已取消。", activity)
    who = registration.team.name if registration.team_id else registration.member.name
    _promote(activity, reason=f"{who}取消报名后递补")
    registration.refresh_from_db(fields=["status"])
    return registration


@transaction.atomic
def registration_move(*, by, registration: Registration, action: str, reason: str = "") -> Registration:
    """The organiser confirms a waitlisted person (only into a free place), moves a confirmed one to
    the end of the waitlist, or rejects one — always with a reason."""
    if action not in ("confirm", "demote", "reject"):
        raise DomainError("没有这个操作。", field="action")
    registration, activity = _registration_locked(registration)
    _require_organiser(by, activity)
    REGISTRATION_FLOW.check(action, state=registration.status, user=by, reason=reason)
    if activity.status in (A.HELD, A.CANCELLED):
        raise Conflict(f"活动{activity.get_status_display()}，不能再调整报名。")
    fields = []
    group = team_group(registration)
    if action == "confirm" and _room(activity) < len(group):
        if registration.team_id:
            raise Conflict(f"空余名额不够{registration.team.name}的 {len(group)} 人，不能确认；"
                           "可先增加名额或把别的队转为候补。", field="registration")
        raise Conflict(f"名额（{activity.capacity} 人）已满，不能再确认；可先增加名额或把一人转为候补。",
                       field="registration")
    if action == "demote":
        activity.arrivals += 1
        activity.save(update_fields=["arrivals"])
        for one in group:
            one.arrival = activity.arrivals
        fields.append("arrival")
    for one in group:
        REGISTRATION_FLOW.apply(one, action, by=by, reason=reason, extra_update_fields=fields)
    label = REGISTRATION_FLOW.transitions[action].label
    whose = f"参赛队“{registration.team.name}”" if registration.team_id else ""
    _notify([one.member for one in group], f"您{whose}在活动“{activity.title}”的报名：{label}（{reason.strip()}）。",
            activity)
    if action != "confirm":
        who = registration.team.name if registration.team_id else registration.member.name
        _promote(activity, reason=f"{who}{label}后递补", leave_out=group if action == "demote" else [])
    registration.refresh_from_db(fields=["status", "arrival"])
    return registration


# --- check-in -------------------------------------------------------------------------------------

def _normalise_code(code) -> str:
    return "".join(str(code or "").split()).upper()[:20]


def check_in_problem(activity: Activity, today: datetime.date | None = None) -> str | None:
    """Check-in is open from the activity's first day (school time, Asia/Shanghai) until it is
    recorded as held (the books already carry its attendance then)."""
    if activity.status not in (A.OPEN, A.CLOSED):
        return f"活动{activity.get_status_display()}，不能再签到。"
    first_day = timezone.localtime(activity.starts_at).date()
    if (today or timezone.localdate()) < first_day:
        return f"活动 {cn_date(first_day)} 开始，当天起才能签到。"
    return None


@transaction.atomic
def check_in(*, by, activity: Activity, code: str = "", registration: Registration | None = None) -> Registration:
    """签到 by the code (scanned or typed) or from the list. A code of another activity — or another
    school — is not found here; only 报名成功 registrations check in, once."""
    activity = Activity.objects.select_related("organiser_branch").get(pk=activity.pk)
    _require_organiser(by, activity)
    problem = check_in_problem(activity)
    if problem:
        raise Conflict(problem, field="code")
    rows = Registration.objects.select_for_update().filter(activity=activity)
    if registration is not None:
        found = rows.filter(pk=registration.pk).first()
    else:
        code = _normalise_code(code)
        if not code:
            raise ValidationError({"code": "请扫描或输入签到码。"})
        found = rows.filter(code=code).first()
    if found is None:
        raise ValidationError({"code": "签到码无效：不是本活动的报名。"})
    if found.status != R.CONFIRMED:
        raise Conflict(f"{found.member.name}的报名状态为“{found.get_status_display()}”，不能签到。", field="code")
    if found.checked_in_at:
        raise Conflict(f"{found.member.name}已于 {timezone.localtime(found.checked_in_at):%H:%M} 签到，无需重复签到。",
                       field="code")
    before = field_values(found, ["checked_in_at"])
    found.checked_in_at, found.checked_in_by = timezone.now(), by
    found.save(update_fields=["checked_in_at", "checked_in_by"])
    audit_update(actor=by, target=found, before=before)
    return found


def moves_for(user, activity: Activity, registrations) -> dict[int, list[str]]:
    """For the organiser's list: per registration, the moves registration_move would accept now
    (确认 only into enough free places — a team's whole size —, nothing once held or cancelled).
    `registrations`: the activity's live registrations (all of them, so a team's size is known)."""
    if activity.status in (A.HELD, A.CANCELLED) or not can_organise(user, activity):
        return {}
    room = _room(activity)
    sizes: dict[tuple, int] = {}
    for r in registrations:
        if r.team_id:
            sizes[(r.team_id, r.status)] = sizes.get((r.team_id, r.status), 0) + 1
    moves = {}
    for r in registrations:
        size = sizes[(r.team_id, r.status)] if r.team_id else 1
        moves[r.pk] = [action for action in REGISTRATION_FLOW.allowed_actions(state=r.status, user=user)
                       if action in ("confirm", "demote", "reject") and (action != "confirm" or room >= size)]
    return moves


def waitlist_place(registration: Registration) -> int | None:
    """1 for the first in line; None when not waitlisted."""
    if registration.status != R.WAITLISTED:
        return None
    ahead = (Registration.objects.filter(activity_id=registration.activity_id, status=R.WAITLISTED,
                                         arrival__lt=registration.arrival)
             .values("arrival").distinct().count())
    return ahead + 1


def counts(activity: Activity) -> dict:
    rows = activity.registrations.aggregate(
        confirmed=Count("id", filter=Q(status=R.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=R.WAITLISTED)),
        checked_in=Count("id", filter=Q(status=R.CONFIRMED, checked_in_at__isnull=False)))
    rows["free"] = max(activity.capacity - rows["confirmed"], 0)
    # what registration_create does with a sign-up now: 报名成功 while a place is free, else 候补
    rows["waitlisting"] = rows["free"] == 0
    return rows
