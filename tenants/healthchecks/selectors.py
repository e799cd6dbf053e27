"""Reads of the health checks: who sees which assignments, the coverage of a year (who has been
checked, per branch) and the list of those not checked yet."""
from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q

from tenants.accounts.roles import Role
from tenants.compiled_once import compiled_once
from tenants.counting import SubqueryCount
from tenants.healthchecks.models import Attendance, HealthCheck, HealthCheckAssignment, HealthCheckBatch
from tenants.members.models import Branch, Member
from tenants.members.selectors import chaired_branches


def check_of_year(year: int) -> HealthCheck | None:
    return HealthCheck.objects.filter(year=year).first()


def batches_with_counts(check: HealthCheck):
    return (check.batches.annotate(taken=Count("assignments", distinct=True),
                                   checked=Count("assignments", filter=Q(assignments__attendance=Attendance.CHECKED),
                                                 distinct=True))
            .order_by("date", "id"))


def checks_with_counts(checks):
    """Each check with its number of batches and of people placed in a batch (the list's figures)."""
    return checks.annotate(batch_count=_check_batch_count(), assigned_count=_check_assigned_count())


def batches_with_taken(batches):
    """Each batch with the number of people placed in it (taken_count)."""
    return batches.annotate(taken_count=_batch_taken_count())


def assignments_with_batch_taken(assignments):
    """Each assignment with the number of people placed in its batch (batch_taken; 0 without one)."""
    return assignments.annotate(batch_taken=_assignment_batch_taken_count())


# The lists' per-row counts: the same SQL for every request and school, compiled once per process (issue #14).
@compiled_once(HealthCheck)
def _check_batch_count():
    return SubqueryCount(HealthCheckBatch.objects.filter(health_check_id=OuterRef("pk")))


@compiled_once(HealthCheck)
def _check_assigned_count():
    return SubqueryCount(HealthCheckAssignment.objects.filter(health_check_id=OuterRef("pk"), batch__isnull=False))


@compiled_once(HealthCheckBatch)
def _batch_taken_count():
    return SubqueryCount(HealthCheckAssignment.objects.filter(batch_id=OuterRef("pk")))


@compiled_once(HealthCheckAssignment)
def _assignment_batch_taken_count():
    return SubqueryCount(HealthCheckAssignment.objects.filter(batch_id=OuterRef("batch_id")))


def assignments_listed(user):
    """A page of assignments as the list shows them: each with its batch's 已安排人数; the member's name
    and branch and the check's year as plain columns (api.listed.ListedCharField) rather than a
    member, branch and check built for every row; the requested batch only by id (issue #14). The
    COUNT of a longer list leaves those joins out (tenants.paging.count_rows)."""
    # every column of the assignment and of its batch: no .only() (its deferred-loading setup costs, and loads
    # nothing less)
    rows = (assignments_visible_to(user).select_related(None).select_related("batch")
            .annotate(listed_year=F("health_check__year"), listed_member_name=F("member__name"),
                      listed_branch=F("member__branch_id"), listed_branch_name=F("member__branch__name")))
    return assignments_with_batch_taken(rows)


def assignments_visible_to(user):
    """The office sees everyone's; anyone else only their own."""
    rows = HealthCheckAssignment.objects.select_related("member", "member__branch", "batch", "health_check",
                                                        "requested_batch")
    if user.has_role(Role.UNION_ADMIN):
        return rows
    return rows.filter(member__user=user) if user.is_authenticated else rows.none()


def own_assignment(user, member: Member | None) -> HealthCheckAssignment | None:
    """The member's assignment in the newest check that is not finished (else the newest)."""
    if member is None:
        return None
    rows = (HealthCheckAssignment.objects.filter(member=member)
            .select_related("batch", "health_check", "requested_batch").order_by("-health_check__year"))
    return rows.exclude(health_check__status=HealthCheck.Status.PLANNING).first()


def coverage_branches_for(user):
    """The branches whose coverage ``user`` may read: all for the office, their own for a chair."""
    if user.has_role(Role.UNION_ADMIN):
        return Branch.objects.all()
    if user.has_role(Role.BRANCH_CHAIR):
        return chaired_branches(user)
    return Branch.objects.none()


_UNREAD = object()


def _eligible(year: int, check=_UNREAD):
    from tenants.healthchecks.services import eligible_members

    if check is _UNREAD:
        check = check_of_year(year)
    if check is None:
        return None, Member.objects.filter(status=Member.Status.ACTIVE)
    return check, eligible_members(check)


def coverage(year: int, branches=None, *, check=_UNREAD) -> dict:
    """Checked / eligible members of ``year``, in total and per branch. Eligible: the members the
    year's check is for (its settings about retirees and 非编); checked: those recorded 已体检. Without
    a check that year, the active members, none checked. ``check``: the year's check when the caller
    has read it already (the 工作台), else read here."""
    check, eligible = _eligible(year, check)
    if branches is not None:
        eligible = eligible.filter(branch__in=branches)
    checked_ids = HealthCheckAssignment.objects.filter(health_check=check, attendance=Attendance.CHECKED
                                                       ).values("member_id")
    checked_q = Q(pk__in=checked_ids) if check else Q(pk__in=[])
    rows = (eligible.values("branch_id", "branch__name")
            .annotate(eligible=Count("id"), checked=Count("id", filter=checked_q))
            .order_by("branch__name"))
    per_branch = [{"branch": r["branch_id"], "branch_name": r["branch__name"], "eligible": r["eligible"],
                   "checked": r["checked"], "unchecked": r["eligible"] - r["checked"],
                   "rate": _rate(r["checked"], r["eligible"])} for r in rows]
    total_eligible = sum(r["eligible"] for r in per_branch)
    total_checked = sum(r["checked"] for r in per_branch)
    special = None
    if check is not None and check.womens_special_items:
        from tenants.healthchecks.services import eligible_q

        women = HealthCheckAssignment.objects.filter(eligible_q(check, "member__"), health_check=check,
                                                     womens_special=True)
        if branches is not None:
            women = women.filter(member__branch__in=branches)
        special = women.aggregate(offered=Count("id"), done=Count("id", filter=Q(special_done=True)))
    return {"year": year, "health_check": check.pk if check else None, "eligible": total_eligible,
            "checked": total_checked, "unchecked": total_eligible - total_checked,
            "rate": _rate(total_checked, total_eligible), "womens_special": special, "branches": per_branch}


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def unchecked_members(year: int, branches=None):
    """The eligible members of ``year`` not recorded as checked, by branch and 工号."""
    check, eligible = _eligible(year)
    if branches is not None:
        eligible = eligible.filter(branch__in=branches)
    if check is not None:
        eligible = eligible.exclude(pk__in=HealthCheckAssignment.objects.filter(
            health_check=check, attendance=Attendance.CHECKED).values("member_id"))
    return eligible.select_related("branch").order_by("branch__name", "employee_number")


def batch_of(member_pk: int, check: HealthCheck) -> HealthCheckBatch | None:
    row = HealthCheckAssignment.objects.filter(health_check=check, member_id=member_pk).select_related("batch").first()
    return row.batch if row else None


def pending_change_requests():
    return (HealthCheckAssignment.objects.filter(requested_batch__isnull=False)
            .select_related("member", "member__branch", "batch", "requested_batch").order_by("requested_at"))


def coverage_workbook(year: int, branches=None) -> bytes:
    """The coverage report as .xlsx: per branch, then those not checked (phone masked, no ID number)."""
    from tenants import xlsx
    from tenants.personal_data import mask_phone

    figures = coverage(year, branches)
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "覆盖情况"
    xlsx.append(sheet, [f"{year}年教职工体检覆盖情况"])
    xlsx.append(sheet, ["分工会", "应检人数", "已检人数", "未检人数", "覆盖率（%）"])
    for row in figures["branches"]:
        xlsx.append(sheet, [row["branch_name"], row["eligible"], row["checked"], row["unchecked"], row["rate"]])
    xlsx.append(sheet, ["合计", figures["eligible"], figures["checked"], figures["unchecked"], figures["rate"]])
    missing = book.create_sheet("未体检名单")
    xlsx.append(missing, ["分工会", "姓名", "工号", "性别", "手机号"])
    for member in unchecked_members(year, branches):
        xlsx.append(missing, [member.branch.name, member.name, member.employee_number, member.get_gender_display(),
                              mask_phone(member.phone) if member.phone else ""])
    return xlsx.to_bytes(book)


# The statistics roll-up's reading of coverage's totals for many schools at once
# (shared/stats/figures.py). Who is eligible depends on the year's check (its settings about
# retirees and 非编), so the members are counted under each of the four settings eligible_q knows,
# and the reducer takes the count of the school's own check.
_SETTINGS = [(retirees, contract) for retirees in (False, True) for contract in (False, True)]


def rollup_querysets(year: int) -> dict:
    from django.db.models import BooleanField, Exists, ExpressionWrapper

    from tenants.healthchecks.services import eligible_q

    checked = HealthCheckAssignment.objects.filter(health_check__year=year, attendance=Attendance.CHECKED,
                                                   member=OuterRef("pk"))
    under = {f"e{int(r)}{int(c)}": ExpressionWrapper(eligible_q(HealthCheck(include_retirees=r, include_contract=c)),
                                                      output_field=BooleanField())
             for r, c in _SETTINGS}
    return {"check": HealthCheck.objects.filter(year=year).order_by().values("include_retirees", "include_contract"),
            "members": Member.objects.order_by().annotate(
                **under, active=ExpressionWrapper(Q(status=Member.Status.ACTIVE), output_field=BooleanField()),
                checked=Exists(checked)).values(*under, "active", "checked").annotate(n=Count("id"))}


def rollup_figures(rows: dict) -> dict:
    check = rows["check"][0] if rows["check"] else None
    if check is None:  # no check that year: the active members, none checked
        return {"health_checked": 0, "health_eligible": sum(row["n"] for row in rows["members"] if row["active"])}
    key = f"e{int(check['include_retirees'])}{int(check['include_contract'])}"
    eligible = [row for row in rows["members"] if row[key]]
    return {"health_checked": sum(row["n"] for row in eligible if row["checked"]),
            "health_eligible": sum(row["n"] for row in eligible)}
