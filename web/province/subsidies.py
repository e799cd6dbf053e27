"""Provincial site: 经费补助 — programmes and their pools, every school's applications, allocation
within the pool, refusal, disbursement into the school's books, and the overdue usage reports.

Every change is a shared/subsidies service (the same the API calls), so the rules and their
Chinese refusals are the service's: an allocation beyond the pool is refused beside the amount,
a refusal without a reason beside the reason, and nothing is written. States move only through
`APPLICATION_FLOW`; the page offers the steps that machine allows this person from the
application's state.
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from shared.subsidies import services
from shared.subsidies.models import Application, Programme
from shared.subsidies.selectors import overdue_reports, programmes_overview, province_applications
from shared.subsidies.services import APPLICATION_FLOW, allocated_total, suggestion
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from web.base import ProvincePage
from web.province.subsidies_forms import AllocateForm, ProgrammeForm, RejectForm
from web.tables import Column, Filter, Table
from web.templatetags.ui import yuan
from web.todo import counted_many
from web.todo import Todo

ADMIN = frozenset({Role.PROVINCE_ADMIN})
S = Application.Status


def _programme(pk) -> Programme:
    programme = programmes_overview().filter(pk=pk).first()
    if programme is None:
        raise Http404("没有这个补助项目")
    return programme


def _application(pk) -> Application:
    application = province_applications().filter(pk=pk).first()
    if application is None:
        raise Http404("没有这项补助申请")
    return application


def _pool(programme) -> dict:
    """What the pool bar shows: allocated and left (a <meter>, no inline style)."""
    allocated = getattr(programme, "allocated_sum", None)
    if allocated is None:
        allocated = allocated_total(programme)
    return {"total": programme.pool, "allocated": allocated, "left": programme.pool - allocated,
            "disbursed": getattr(programme, "disbursed_sum", None),
            "percent": int(allocated * 100 / programme.pool) if programme.pool else 0}


def _short_basis(application) -> str:
    """The rule's arithmetic in a table cell; the application's page spells it out."""
    programme = application.programme
    if programme.rule == Programme.Rule.BASE_PLUS_PER_MEMBER:
        return f"{yuan(programme.base_amount)} + {yuan(programme.per_member_amount)} × {application.member_count} 人"
    return "按申请金额"


def _overdue_days(application, today) -> int | None:
    due = application.programme.report_due_on
    if application.status == S.DISBURSED and due and due < today:
        return (today - due).days
    return None


def _with_suggestions(rows):
    today = timezone.localdate()
    for row in rows:
        found = suggestion(row)
        row.suggested, row.basis, row.short_basis = found.amount, found.basis, _short_basis(row)
        row.overdue_days = _overdue_days(row, today)
    return rows


def _url(name, *args, query="") -> str:
    return reverse(f"province:{name}", args=args) + (f"?{query}" if query else "")


# ---- programmes -------------------------------------------------------------------------------------

class Programmes(ProvincePage):
    template_name = "web/province/subsidies/programmes.html"
    title = "经费补助"
    roles = ADMIN

    def get(self, request):
        page = Paginator(programmes_overview(), 20).get_page(request.GET.get("page"))
        for programme in page:
            programme.bar = _pool(programme)
        return self.render_page(page=page, counts={
            "submitted": province_applications(status=S.SUBMITTED).count(),
            "allocated": province_applications(status=S.ALLOCATED).count(),
            "overdue": overdue_reports().count()})


class ProgrammeNew(ProvincePage):
    template_name = "web/province/subsidies/programme_form.html"
    title = "设立补助项目"
    roles = ADMIN

    def get(self, request):
        return self.render_page(form=ProgrammeForm(initial={"year": timezone.localdate().year, "rule": "manual"}))

    def post(self, request):
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: services.programme_create(by=request.user, **form.programme_fields()),
                                        form=form, success="补助项目已设立。")
            if created:
                return redirect("province:subsidy-programme", pk=created.value.pk)
        return self.render_page(form=form)


class ProgrammeEdit(ProvincePage):
    template_name = "web/province/subsidies/programme_form.html"
    title = "修改补助项目"
    roles = ADMIN

    def get(self, request, pk):
        programme = _programme(pk)
        return self.render_page(form=ProgrammeForm.for_programme(programme), programme=programme)

    def post(self, request, pk):
        programme = _programme(pk)
        form = ProgrammeForm(request.POST)
        if form.is_valid() and self.call_service(lambda: services.programme_update(
                programme=programme, by=request.user, **form.programme_fields(programme)),
                form=form, success="补助项目已修改。"):
            return redirect("province:subsidy-programme", pk=pk)
        return self.render_page(form=form, programme=programme)


class ProgrammeDetail(ProvincePage):
    """One pool: its rule, the bar, and every school's application with the rule's suggestion."""

    template_name = "web/province/subsidies/programme.html"
    title = "补助项目"
    roles = ADMIN

    def get(self, request, pk):
        programme = _programme(pk)
        everything = list(province_applications(programme=programme).order_by("school__name", "id"))
        counts = {value: 0 for value in S.values}
        for row in everything:
            counts[row.status] += 1
        status = request.GET.get("status", "")
        status = status if status in S.values else ""
        rows = _with_suggestions([row for row in everything if not status or row.status == status])
        tabs = [{"value": "", "label": "全部", "count": len(everything)}] + [
            {"value": value, "label": label, "count": counts[value]} for value, label in S.choices]
        return self.render_page(programme=programme, bar=_pool(programme), rows=rows, tabs=tabs, status=status,
                                page_title=programme.title, today=timezone.localdate())


# ---- applications -----------------------------------------------------------------------------------

class Applications(ProvincePage):
    """Every school's applications across programmes (the workbench's counters land here)."""

    template_name = "web/province/subsidies/applications.html"
    title = "补助申请"
    roles = ADMIN

    def get(self, request):
        programmes = list(Programme.objects.order_by("-year", "-id").values_list("pk", "title")[:50])
        table = Table(request, id="subsidy-applications", columns=[
            Column("school.name", "学校", sort="school__name"),
            Column("project", "项目名称", link=lambda a: _url("subsidy-application", a.pk), primary=True),
            Column("programme.title", "补助项目"),
            Column("amount_requested", "申请金额", format="money", sort="amount_requested"),
            Column("suggested", "按办法测算", format="money"),
            Column("allocated_amount", "核定金额", format="money", sort="allocated_amount"),
            Column("status", "状态", badge=True, sort="status"),
            Column("submitted_at", "申报时间", format="datetime", sort="submitted_at"),
        ], filters=[Filter("status", "状态", choices=S.choices),
                    Filter("programme", "补助项目", choices=[(str(pk), title) for pk, title in programmes]),
                    Filter("q", "搜索", placeholder="学校或项目名称")],
            default_sort="-submitted_at", per_page=20, empty_text="还没有学校申报补助。")
        programme = Programme.objects.filter(pk=table.values["programme"]).first() if table.values["programme"] else None
        table.paginate(province_applications(status=table.values["status"], programme=programme,
                                             search=table.values["q"]))
        _with_suggestions(table.page)
        return self.render_page(table=table)


class ApplicationDetail(ProvincePage):
    template_name = "web/province/subsidies/application.html"
    title = "补助申请"
    roles = ADMIN

    def page(self, application, *, allocate_form=None, reject_form=None):
        _with_suggestions([application])
        steps = set(APPLICATION_FLOW.allowed_actions(state=application.status, user=self.request.user))
        bar = _pool(application.programme)
        own = application.allocated_amount if application.status in (S.ALLOCATED, S.DISBURSED, S.REPORTED) else None
        if "allocate" in steps and allocate_form is None:
            start = application.allocated_amount if application.status == S.ALLOCATED else application.suggested
            allocate_form = AllocateForm(initial={"amount": str(start), "note": application.decision_note})
        # a step refused because the application has moved on: its form is gone, its reason stays
        stale = [form for form, step in ((allocate_form, "allocate"), (reject_form, "reject"))
                 if form is not None and form.errors and step not in steps]
        refused = [error for form in stale for errors in form.errors.values() for error in errors]
        history = (audit_records(target_type="subsidies.application", target_id=str(application.pk))
                   .order_by("at", "id"))
        for record in history:
            record.from_label = APPLICATION_FLOW.label(record.from_state) if record.from_state else ""
            record.to_label = APPLICATION_FLOW.label(record.to_state) if record.to_state else ""
        return self.render_page(
            application=application, page_title=f"{application.school.name}：{application.project}",
            bar=bar, left_for_this=bar["left"] + (own or 0) if application.status == S.ALLOCATED else bar["left"],
            allocate_form=allocate_form if "allocate" in steps else None,
            reject_form=(reject_form or RejectForm()) if "reject" in steps else None,
            can_disburse="disburse" in steps, history=history, refused=refused,
            can_resend=(application.status in (S.DISBURSED, S.REPORTED) and application.income_recorded_at is None
                        and self.request.user.has_role(Role.PROVINCE_ADMIN)))

    def get(self, request, pk):
        return self.page(_application(pk))


class ApplicationAllocate(ApplicationDetail):
    http_method_names = ["post"]

    def post(self, request, pk):
        application = _application(pk)
        form = AllocateForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: services.application_allocate(
                application=application, by=request.user, amount=form.cleaned_data["amount"].strip(),
                note=form.cleaned_data["note"]), form=form, success="已核定。")
            if done:
                return redirect("province:subsidy-application", pk=pk)
        return self.page(_application(pk), allocate_form=form)


class ApplicationReject(ApplicationDetail):
    http_method_names = ["post"]

    def post(self, request, pk):
        application = _application(pk)
        form = RejectForm(request.POST)
        if form.is_valid() and self.call_service(lambda: services.application_reject(
                application=application, by=request.user, reason=form.cleaned_data["reason"]),
                form=form, success="已决定不予补助。"):
            return redirect("province:subsidy-application", pk=pk)
        return self.page(_application(pk), reject_form=form)


class ApplicationDisburse(ProvincePage):
    http_method_names = ["post"]
    roles = ADMIN

    def post(self, request, pk):
        application = _application(pk)
        self.call_service(lambda: services.application_disburse(application=application, by=request.user),
                          success=f"已拨付 {yuan(application.allocated_amount)}，{application.school.name}的账上将记入上级补助收入。")
        return redirect("province:subsidy-application", pk=pk)


class ApplicationResendIncome(ProvincePage):
    http_method_names = ["post"]
    roles = ADMIN

    def post(self, request, pk):
        application = _application(pk)
        self.call_service(lambda: services.application_resend_income(application=application, by=request.user),
                          success="已重新发送入账任务（不会重复入账）。")
        return redirect("province:subsidy-application", pk=pk)


# ---- overdue usage reports --------------------------------------------------------------------------

class OverdueReports(ProvincePage):
    template_name = "web/province/subsidies/overdue.html"
    title = "逾期未报告使用情况"
    roles = ADMIN

    def get(self, request):
        table = Table(request, id="overdue-reports", columns=[
            Column("school.name", "学校", sort="school__name"),
            Column("project", "项目名称", link=lambda a: _url("subsidy-application", a.pk), primary=True),
            Column("programme.title", "补助项目"),
            Column("allocated_amount", "拨付金额", format="money", sort="allocated_amount"),
            Column("disbursed_at", "拨付时间", format="datetime", sort="disbursed_at"),
            Column("programme.report_due_on", "报告截止", format="date", sort="programme__report_due_on"),
            Column("overdue_text", "逾期"),
        ], default_sort="programme__report_due_on", per_page=50,
            empty_text="没有逾期未报告使用情况的补助。", empty_hint="拨付后超过报告截止日期仍未报告的学校会列在这里。")
        table.paginate(overdue_reports())
        today = timezone.localdate()
        for row in table.page:
            row.overdue_text = f"{_overdue_days(row, today)} 天"
        return self.render_page(table=table, today=today)


urlpatterns = [
    path("", Programmes.as_view(), name="subsidies"),
    path("programmes/new/", ProgrammeNew.as_view(), name="subsidy-programme-new"),
    path("programmes/<int:pk>/", ProgrammeDetail.as_view(), name="subsidy-programme"),
    path("programmes/<int:pk>/edit/", ProgrammeEdit.as_view(), name="subsidy-programme-edit"),
    path("applications/", Applications.as_view(), name="subsidy-applications"),
    path("applications/<int:pk>/", ApplicationDetail.as_view(), name="subsidy-application"),
    path("applications/<int:pk>/allocate/", ApplicationAllocate.as_view(), name="subsidy-allocate"),
    path("applications/<int:pk>/reject/", ApplicationReject.as_view(), name="subsidy-reject"),
    path("applications/<int:pk>/disburse/", ApplicationDisburse.as_view(), name="subsidy-disburse"),
    path("applications/<int:pk>/resend-income/", ApplicationResendIncome.as_view(), name="subsidy-resend-income"),
    path("overdue/", OverdueReports.as_view(), name="subsidy-overdue"),
]


# ---- 工作台 ------------------------------------------------------------------------------------------

def workbench_counters(user) -> dict:
    if not user.has_role(Role.PROVINCE_ADMIN):
        return {}
    return {"to_allocate": province_applications(status=S.SUBMITTED).order_by("submitted_at", "id"),
            "to_disburse": province_applications(status=S.ALLOCATED).order_by("submitted_at", "id"),
            "overdue_reports": overdue_reports()}


def workbench_todos(user, found: dict | None = None) -> list:
    """For the province's administrators: applications waiting for an allocation, allocations
    waiting to be paid out, and usage reports past their due date (urgent, with the list)."""
    if not user.has_role(Role.PROVINCE_ADMIN):
        return []
    found = counted_many(workbench_counters(user)) if found is None else found
    waiting_count, waiting = found["to_allocate"]
    to_pay_count, to_pay = found["to_disburse"]
    overdue_count, overdue = found["overdue_reports"]

    def items(rows, when):
        return [{"text": f"{a.school.name}：{a.project}", "url": _url("subsidy-application", a.pk), "when": when(a)}
                for a in rows]

    return [
        Todo("subsidies_to_allocate", "待核定的补助申请", waiting_count,
             _url("subsidy-applications", query=f"status={S.SUBMITTED}"), items=items(waiting, lambda a: a.submitted_at)),
        Todo("subsidies_to_disburse", "待拨付的补助", to_pay_count,
             _url("subsidy-applications", query=f"status={S.ALLOCATED}"), items=items(to_pay, lambda a: a.submitted_at)),
        Todo("subsidies_overdue_reports", "逾期未报告补助使用情况", overdue_count, _url("subsidy-overdue"), urgent=True,
             items=items(overdue, lambda a: a.programme.report_due_on)),
    ]
