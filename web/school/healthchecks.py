"""Pages of 年度体检：批次、女教职工特殊检查、覆盖情况（issue #11）.

The union office (union_admin) organises the year's check; a branch chair reads the coverage of
their own branch; a member sees their own batch on 我的 and may ask to change it. Every change is
tenants.healthchecks.services'; these pages add no rule of their own.
"""
from __future__ import annotations

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from api.files import xlsx_response
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.healthchecks import selectors as q
from tenants.healthchecks import services as s
from tenants.healthchecks.models import Attendance, HealthCheck, HealthCheckAssignment, HealthCheckBatch
from tenants.members.models import Branch
from web.base import SchoolPage
from web.history import state_history
from web.school import Section
from web.school.healthchecks_forms import (
    AttendanceForm,
    BatchForm,
    CheckEditForm,
    CheckForm,
    CostForm,
    ImportForm,
    MoveForm,
)
from web.tables import Column, Filter, Table
from web.todo import LIST_LENGTH, Todo, counted_many

OFFICE = frozenset({Role.UNION_ADMIN})
COVERAGE_READERS = OFFICE | {Role.BRANCH_CHAIR}


def _check(pk) -> HealthCheck:
    check = HealthCheck.objects.filter(pk=pk).first()
    if check is None:
        raise Http404("没有这次体检")
    return check


def _assignment(user, pk) -> HealthCheckAssignment:
    row = q.assignments_visible_to(user).filter(pk=pk).first()
    if row is None:
        raise Http404("没有这条体检安排")
    return row


def _years():
    this = timezone.localdate().year
    return [this - i for i in range(5)]


def _year(request) -> int:
    raw = request.GET.get("year", "")
    years = _years()
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) in years else years[0]


# --- the year's check -----------------------------------------------------------------------------

class CheckList(SchoolPage):
    template_name = "web/healthchecks/list.html"
    title = "体检"
    roles = OFFICE

    def get(self, request):
        table = Table(request, id="checks", columns=[
            Column("title", "名称", link=lambda c: reverse("school:health-check", args=[c.pk])),
            Column("year", "年度", sort="year"),
            Column("provider", "体检机构"),
            Column("status", "状态", badge=True),
        ], default_sort="-year", per_page=20, empty_text="还没有年度体检。",
            empty_hint="新建本年度体检，设置批次后按性别和年龄自动分配。")
        table.paginate(HealthCheck.objects.all())
        return self.render_page(table=table, this_year=timezone.localdate().year,
                                has_this_year=HealthCheck.objects.filter(year=timezone.localdate().year).exists())


class CheckNew(SchoolPage):
    template_name = "web/healthchecks/form.html"
    title = "新建年度体检"
    roles = OFFICE

    def get(self, request):
        year = timezone.localdate().year
        return self.render_page(form=CheckForm(initial={"year": year, "title": f"{year}年教职工健康体检",
                                                        "include_contract": True, "allow_change_requests": True}))

    def post(self, request):
        form = CheckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.health_check_create(by=request.user, **data), form=form,
                                     success="年度体检已创建，请设置体检批次。")
            if done:
                return redirect("school:health-check", pk=done.value.pk)
        return self.render_page(form=form)


class CheckEdit(SchoolPage):
    template_name = "web/healthchecks/form.html"
    title = "修改年度体检"
    roles = OFFICE

    def get(self, request, pk):
        check = _check(pk)
        return self.render_page(check=check, form=CheckEditForm(initial={
            name: getattr(check, name) for name in s.CHECK_FIELDS}))

    def post(self, request, pk):
        check = _check(pk)
        form = CheckEditForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.health_check_update(by=request.user, check=check, **form.cleaned_data), form=form,
                success="已保存。"):
            return redirect("school:health-check", pk=pk)
        return self.render_page(check=check, form=form)


class CheckDetail(SchoolPage):
    template_name = "web/healthchecks/detail.html"
    title = "年度体检"
    roles = OFFICE

    def get(self, request, pk):
        check = _check(pk)
        assignments = check.assignments
        return self.render_page(
            check=check, batches=q.batches_with_counts(check),
            counts={"assigned": assignments.filter(batch__isnull=False).count(),
                    "unplaced": assignments.filter(batch__isnull=True).count(),
                    "checked": assignments.filter(attendance=Attendance.CHECKED).count(),
                    "absent": assignments.filter(attendance=Attendance.ABSENT).count()},
            eligible=s.eligible_members(check).count(),
            requests=q.pending_change_requests().filter(health_check=check),
            actions=s.HEALTH_CHECK_FLOW.allowed_actions(state=check.status, user=request.user),
            cost_form=CostForm(initial={"occurred_on": timezone.localdate()}), import_form=ImportForm(),
            history=state_history(check, s.HEALTH_CHECK_FLOW))


class CheckAct(SchoolPage):
    """POST: open / finish / reopen, assign, book the cost, import attendance."""

    http_method_names = ["post"]
    roles = OFFICE

    def post(self, request, pk, action):
        check = _check(pk)
        reason = request.POST.get("reason", "").strip()
        if action in s.HEALTH_CHECK_FLOW.transitions:
            label = s.HEALTH_CHECK_FLOW.transitions[action].label
            self.call_service(lambda: s.health_check_move(by=request.user, check=check, action=action, reason=reason),
                              success=f"已{label}。")
        elif action == "assign":
            done = self.call_service(lambda: s.assign_members(by=request.user, check=check))
            if done:
                result = done.value
                text = f"已安排 {result['assigned']} 人。"
                if result["unplaced"]:
                    messages.warning(request, text + f"{result['unplaced']} 人没有合适的批次（性别、年龄或名额），"
                                                     f"请增加批次或逐人调整。")
                else:
                    messages.success(request, text)
        elif action == "cost":
            form = CostForm(request.POST)
            if form.is_valid():
                self.call_service(lambda: s.health_check_book_cost(by=request.user, check=check, **form.cleaned_data),
                                  success="体检费用已记入账目（待审批）。")
        elif action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                messages.error(request, "请选择 .xlsx 文件。")
            else:
                done = self.call_service(lambda: s.attendance_import(by=request.user, check=check, fileobj=upload))
                if done:
                    messages.success(request, f"已导入 {done.value['recorded']} 人的体检情况。")
        else:
            raise Http404
        return redirect("school:health-check", pk=pk)


class AttendanceTemplate(SchoolPage):
    roles = OFFICE

    def get(self, request):
        return xlsx_response(s.attendance_template(), "体检情况导入模板.xlsx")


# --- batches --------------------------------------------------------------------------------------

def _batch_values(data) -> dict:
    return {name: data.get(name) for name in ("name", "date", "time", "place", "gender", "age_min", "age_max",
                                              "places")}


class BatchNew(SchoolPage):
    template_name = "web/healthchecks/batch_form.html"
    title = "新增体检批次"
    roles = OFFICE

    def get(self, request, pk):
        return self.render_page(check=_check(pk), form=BatchForm(initial={"gender": "any"}))

    def post(self, request, pk):
        check = _check(pk)
        form = BatchForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.batch_create(by=request.user, check=check, **_batch_values(form.cleaned_data)), form=form,
                success="批次已保存。"):
            return redirect("school:health-check", pk=pk)
        return self.render_page(check=check, form=form)


class BatchEdit(SchoolPage):
    template_name = "web/healthchecks/batch_form.html"
    title = "修改体检批次"
    roles = OFFICE

    def batch(self, pk) -> HealthCheckBatch:
        batch = HealthCheckBatch.objects.select_related("health_check").filter(pk=pk).first()
        if batch is None:
            raise Http404("没有这个批次")
        return batch

    def get(self, request, pk):
        batch = self.batch(pk)
        return self.render_page(check=batch.health_check, batch=batch, form=BatchForm(initial={
            name: getattr(batch, name) for name in s.BATCH_FIELDS}))

    def post(self, request, pk):
        batch = self.batch(pk)
        form = BatchForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.batch_update(by=request.user, batch=batch, **_batch_values(form.cleaned_data)), form=form,
                success="批次已保存。"):
            return redirect("school:health-check", pk=batch.health_check_id)
        return self.render_page(check=batch.health_check, batch=batch, form=form)


class BatchRollCall(SchoolPage):
    """A batch's list: tick who was checked (and the women's special check), one submit."""

    template_name = "web/healthchecks/roll_call.html"
    title = "登记体检情况"
    roles = OFFICE

    def batch(self, pk) -> HealthCheckBatch:
        batch = HealthCheckBatch.objects.select_related("health_check").filter(pk=pk).first()
        if batch is None:
            raise Http404("没有这个批次")
        return batch

    def rows(self, batch):
        return batch.assignments.select_related("member", "member__branch").order_by("member__branch__name",
                                                                                     "member__employee_number")

    def get(self, request, pk):
        batch = self.batch(pk)
        return self.render_page(batch=batch, check=batch.health_check, rows=self.rows(batch))

    def post(self, request, pk):
        batch = self.batch(pk)
        checked = set(request.POST.getlist("checked"))
        special = set(request.POST.getlist("special"))
        changed = 0

        def record_all():
            nonlocal changed
            from django.db import transaction

            with transaction.atomic():
                for row in self.rows(batch):
                    state = Attendance.CHECKED if str(row.pk) in checked else Attendance.ABSENT
                    done = str(row.pk) in special if row.womens_special else None
                    if state != row.attendance or (done is not None and done != row.special_done):
                        s.attendance_record(by=request.user, assignment=row, attendance=state, special_done=done)
                        changed += 1

        if self.call_service(record_all):
            messages.success(request, f"已登记（{changed} 人有变化）。")
            return redirect("school:health-check-batch-roll", pk=pk)
        return self.render_page(batch=batch, check=batch.health_check, rows=self.rows(batch))


# --- people ---------------------------------------------------------------------------------------

class People(SchoolPage):
    template_name = "web/healthchecks/people.html"
    title = "体检名单"
    roles = OFFICE

    def get(self, request, pk):
        check = _check(pk)
        batches = list(check.batches.order_by("date", "id"))
        table = Table(request, id="people", columns=[
            Column("member.name", "姓名", link=lambda a: reverse("school:health-check-assignment", args=[a.pk])),
            Column("member.employee_number", "工号"),
            Column("member.branch.name", "分工会"),
            Column("batch.name", "批次", empty="未安排"),
            Column("get_attendance_display", "体检情况"),
            Column("special_label", "女教职工特殊检查", empty=""),
        ], filters=[Filter("batch", "批次", choices=[(b.pk, b.name) for b in batches] + [("none", "未安排")]),
                    Filter("branch", "分工会", choices=[(b.pk, b.name) for b in Branch.objects.all()]),
                    Filter("attendance", "体检情况", choices=Attendance.choices),
                    Filter("q", "搜索", placeholder="姓名或工号")],
            default_sort="member__employee_number", per_page=50, empty_text="名单中没有符合条件的人。",
            empty_hint="设置批次后点“按性别和年龄自动分配”。")
        v = table.values
        rows = check.assignments.select_related("member", "member__branch", "batch")
        if v["batch"] == "none":
            rows = rows.filter(batch__isnull=True)
        elif v["batch"]:
            rows = rows.filter(batch_id=int(v["batch"]))
        if v["branch"]:
            rows = rows.filter(member__branch_id=int(v["branch"]))
        if v["attendance"]:
            rows = rows.filter(attendance=v["attendance"])
        if v["q"]:
            from django.db.models import Q

            rows = rows.filter(Q(member__name__contains=v["q"]) | Q(member__employee_number__contains=v["q"]))
        page = table.paginate(rows)
        for row in page:
            row.special_label = ("已完成" if row.special_done else "待完成") if row.womens_special else ""
        return self.render_page(check=check, table=table)


class AssignmentDetail(SchoolPage):
    template_name = "web/healthchecks/assignment.html"
    title = "体检安排"
    roles = OFFICE

    def page(self, row, move_form=None, attendance_form=None):
        batches = row.health_check.batches.order_by("date", "id")
        return self.render_page(
            row=row, check=row.health_check,
            move_form=move_form or MoveForm(batches=batches),
            attendance_form=attendance_form or AttendanceForm(initial={
                "attendance": row.attendance, "checked_on": row.checked_on, "special_done": row.special_done}),
            history=audit_records(target_type=row._meta.label_lower, target_id=str(row.pk)).order_by("at", "id"))

    def get(self, request, pk):
        return self.page(_assignment(request.user, pk))

    def post(self, request, pk):
        row = _assignment(request.user, pk)
        what = request.POST.get("form")
        if what == "move":
            form = MoveForm(request.POST, batches=row.health_check.batches.all())
            if form.is_valid() and self.call_service(lambda: s.assignment_move(
                    by=request.user, assignment=row, batch=form.cleaned_data["batch"],
                    reason=form.cleaned_data["reason"]), form=form, success="已调整批次。"):
                return redirect("school:health-check-assignment", pk=pk)
            return self.page(row, move_form=form)
        if what == "attendance":
            form = AttendanceForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if self.call_service(lambda: s.attendance_record(
                        by=request.user, assignment=row, attendance=data["attendance"], checked_on=data["checked_on"],
                        special_done=data["special_done"] if row.womens_special else None), form=form,
                        success="已登记体检情况。"):
                    return redirect("school:health-check-assignment", pk=pk)
            return self.page(row, attendance_form=form)
        if what in ("approve", "decline"):
            reason = request.POST.get("reason", "")
            self.call_service(lambda: s.change_request_decide(by=request.user, assignment=row,
                                                              approve=what == "approve", reason=reason),
                              success="已同意，已调整批次。" if what == "approve" else "已答复不同意。")
            return redirect("school:health-check-assignment", pk=pk)
        raise Http404


# --- coverage -------------------------------------------------------------------------------------

class Coverage(SchoolPage):
    template_name = "web/healthchecks/coverage.html"
    title = "体检覆盖情况"
    roles = COVERAGE_READERS

    def get(self, request):
        year = _year(request)
        user = request.user
        branches = None if user.has_role(Role.UNION_ADMIN) else q.coverage_branches_for(user)
        table = Table(request, id="unchecked", columns=[
            Column("name", "姓名"), Column("employee_number", "工号"), Column("branch.name", "分工会"),
            Column("get_gender_display", "性别"),
        ], per_page=30, empty_text="本年度应检人员都已体检。")
        table.paginate(q.unchecked_members(year, branches))
        return self.render_page(figures=q.coverage(year, branches), year=year, years=_years(), table=table,
                                check=q.check_of_year(year), is_office=user.has_role(Role.UNION_ADMIN))


class CoverageExport(SchoolPage):
    roles = COVERAGE_READERS

    def get(self, request):
        year = _year(request)
        user = request.user
        branches = None if user.has_role(Role.UNION_ADMIN) else q.coverage_branches_for(user)
        return xlsx_response(q.coverage_workbook(year, branches), f"{year}年体检覆盖情况.xlsx")


# --- the member's own -----------------------------------------------------------------------------

class ChangeRequest(SchoolPage):
    """A member asks to move to another batch (only their own assignment)."""

    template_name = "web/healthchecks/change.html"
    title = "申请调整体检批次"

    def row(self, pk) -> HealthCheckAssignment:
        row = (HealthCheckAssignment.objects.select_related("health_check", "batch", "member")
               .filter(pk=pk, member__user=self.request.user).first())
        if row is None:
            raise Http404("没有这条体检安排")
        return row

    def form(self, row, data=None):
        batches = (row.health_check.batches.exclude(pk=row.batch_id).filter(date__gte=timezone.localdate())
                   .order_by("date", "id"))
        return MoveForm(data, batches=batches)

    def get(self, request, pk):
        row = self.row(pk)
        return self.render_page(row=row, form=self.form(row))

    def post(self, request, pk):
        row = self.row(pk)
        form = self.form(row, request.POST)
        if form.is_valid() and self.call_service(lambda: s.change_request(
                by=request.user, assignment=row, batch=form.cleaned_data["batch"], reason=form.cleaned_data["reason"]),
                form=form, success="申请已提交，校工会处理后会通知您。"):
            return redirect("school:me")
        return self.render_page(row=row, form=form)


urlpatterns = [
    path("", CheckList.as_view(), name="health-checks"),
    path("new/", CheckNew.as_view(), name="health-check-new"),
    path("coverage/", Coverage.as_view(), name="health-check-coverage"),
    path("coverage/export/", CoverageExport.as_view(), name="health-check-coverage-export"),
    path("attendance-template/", AttendanceTemplate.as_view(), name="health-check-attendance-template"),
    path("<int:pk>/", CheckDetail.as_view(), name="health-check"),
    path("<int:pk>/edit/", CheckEdit.as_view(), name="health-check-edit"),
    path("<int:pk>/people/", People.as_view(), name="health-check-people"),
    path("<int:pk>/batches/new/", BatchNew.as_view(), name="health-check-batch-new"),
    path("<int:pk>/do/<str:action>/", CheckAct.as_view(), name="health-check-act"),
    path("batches/<int:pk>/", BatchEdit.as_view(), name="health-check-batch"),
    path("batches/<int:pk>/roll-call/", BatchRollCall.as_view(), name="health-check-batch-roll"),
    path("people/<int:pk>/", AssignmentDetail.as_view(), name="health-check-assignment"),
    path("people/<int:pk>/change/", ChangeRequest.as_view(), name="health-check-change"),
]


def workbench_counters(user) -> dict:
    if not user.has_role(Role.UNION_ADMIN):
        return {}
    # the items show the member, branch, requested batch and date
    return {"requests": q.pending_change_requests().select_related(None)
            .select_related("member__branch", "requested_batch")
            .only("id", "requested_at", "member__name", "member__branch__name", "requested_batch__name")}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    if not user.has_role(Role.UNION_ADMIN):
        return []
    found = counted_many(workbench_counters(user)) if found is None else found
    todos = []
    count, requests = found["requests"]
    if count:
        todos.append(Todo(
            key="health-check-requests", label="体检批次调整申请", count=count,
            url=reverse("school:health-checks"),
            items=[{"text": f"{r.member.name}（{r.member.branch.name}）申请调到{r.requested_batch.name}",
                    "url": reverse("school:health-check-assignment", args=[r.pk]), "when": r.requested_at}
                   for r in requests]))
    today = timezone.localdate()
    # the year's check with its last batch date, in one query (as check_of_year, then its latest batch)
    check = (HealthCheck.objects.filter(year=today.year)
             .annotate(last_batch=Subquery(HealthCheckBatch.objects.filter(health_check=OuterRef("pk"))
                                           .order_by("-date").values("date")[:1])).first())
    last_batch = check.last_batch if check else None
    # as the year ends (from November, or once the last batch is past): who has not been checked
    if check is not None and check.status == HealthCheck.Status.OPEN and (
            today.month >= 11 or (last_batch is not None and last_batch < today)):
        figures = q.coverage(today.year, check=check)  # the check read above, not read again
        if figures["unchecked"]:
            todos.append(Todo(
                key="health-check-unchecked", label=f"{today.year}年尚未体检的教职工", count=figures["unchecked"],
                url=reverse("school:health-check-coverage"), urgent=today.month == 12,
                items=[{"text": f"{b['branch_name']}：{b['unchecked']} 人未检", "url": reverse(
                    "school:health-check-coverage"), "when": None}
                       for b in sorted(figures["branches"], key=lambda b: -b["unchecked"])[:LIST_LENGTH]
                       if b["unchecked"]], grouped=True))
    return todos


def member_sections(user, member) -> list:
    """Sections of the member's page (会员详情) this person may see: a list of web.school.Section."""
    if member is None or not user.has_role(Role.UNION_ADMIN):
        return []
    rows = (HealthCheckAssignment.objects.filter(member=member).select_related("health_check", "batch")
            .order_by("-health_check__year")[:5])
    return [Section(template="web/healthchecks/_member_section.html", context={"rows": rows})]


def portal_sections(user, member) -> list:
    """Sections of the member's own portal (我的); member may be None (an account without a file)."""
    row = q.own_assignment(user, member)
    if row is None:
        return []
    check = row.health_check
    can_ask = (check.allow_change_requests and check.status == HealthCheck.Status.OPEN
               and row.attendance != Attendance.CHECKED and not row.requested_batch_id)
    return [Section(template="web/healthchecks/_portal_section.html", context={"row": row, "check": check,
                                                                               "can_ask": can_ask})]
