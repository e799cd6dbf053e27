"""The union office's congress pages: congresses, their delegations and delegates, opening and
closing, and the proposal figures (提案工作统计) with charts and the .xlsx download."""
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from tenants.audit.selectors import audit_records
from tenants.congress import figures_export
from tenants.congress import services as s
from tenants.congress.models import Congress
from tenants.congress.selectors import congress_figures, congresses_with_counts, department_figures
from tenants.members.models import Member
from web.base import OFFICE, SchoolPage
from web.congress_forms import CongressForm, DelegateForm, DelegationForm
from web.tables import Column, Filter, Table



def _congress(pk) -> Congress:
    return get_object_or_404(Congress, pk=pk)


class CongressList(SchoolPage):
    template_name = "web/congress/list.html"
    title = "教代会"
    roles = OFFICE

    def get(self, request):
        table = Table(request, id="congresses", columns=[
            Column("label", "届次", link=lambda c: reverse("school:congress", args=[c.pk]), primary=True),
            Column("title", "名称"),
            Column("status", "状态", badge=True, sort="status"),
            Column("opens_on", "开幕日期", format="date", sort="opens_on"),
            Column("delegate_count", "代表人数"),
            Column("proposal_count", "收到提案"),
        ], filters=[Filter("status", "状态", choices=Congress.Status.choices)],
            default_sort="", per_page=20, empty_text="还没有教代会。",
            empty_hint="新建一次教代会后，可以组建代表团、登记代表并征集提案。")
        rows = congresses_with_counts().order_by("-term", "-session")
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        return self.render_page(table=table)


class CongressNew(SchoolPage):
    template_name = "web/congress/form.html"
    title = "新建教代会"
    roles = OFFICE

    def get(self, request):
        return self.render_page(form=CongressForm())

    def post(self, request):
        form = CongressForm(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: s.congress_create(by=request.user, **form.fields_for_service()),
                                        form=form, success="教代会已建立（筹备中）。")
            if created:
                return redirect("school:congress", pk=created.value.pk)
        return self.render_page(form=form)


class CongressEdit(SchoolPage):
    template_name = "web/congress/form.html"
    title = "修改教代会"
    roles = OFFICE

    def get(self, request, pk):
        congress = _congress(pk)
        initial = {name: getattr(congress, name) for name in CongressForm.base_fields}
        return self.render_page(form=CongressForm(initial=initial), congress=congress)

    def post(self, request, pk):
        congress = _congress(pk)
        form = CongressForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.congress_update(congress=congress, by=request.user, **form.fields_for_service()),
                form=form, success="已保存。"):
            return redirect("school:congress", pk=congress.pk)
        return self.render_page(form=form, congress=congress)


class CongressDetail(SchoolPage):
    """One congress: its state and steps, delegations, delegates (elect from active members)."""

    template_name = "web/congress/detail.html"
    roles = OFFICE

    def page(self, congress, delegation_form=None, delegate_form=None):
        table = Table(self.request, id="delegates", columns=[
            Column("member.name", "姓名", sort="member__name", primary=True),
            Column("member.employee_number", "工号", sort="member__employee_number"),
            Column("branch.name", "选举单位", sort="branch__name"),
            Column("delegation.name", "代表团"),
            Column("elected_on", "当选日期", format="date"),
        ], filters=[Filter("q", "搜索", placeholder="姓名或工号"),
                    Filter("delegation", "代表团", choices=[(d.pk, d.name) for d in congress.delegations.all()])],
            default_sort="member__employee_number", per_page=20, empty_text="还没有代表。",
            empty_hint="输入在会会员的工号登记当选代表。")
        delegates = congress.delegates.select_related("member", "branch", "delegation")
        if table.values["q"]:
            delegates = delegates.filter(Q(member__name__contains=table.values["q"])
                                         | Q(member__employee_number__startswith=table.values["q"]))
        if table.values["delegation"]:
            delegates = delegates.filter(delegation=table.values["delegation"])
        table.paginate(delegates)
        history = audit_records(target_type="congress.congress", target_id=str(congress.pk),
                                action="transition").select_related("actor").order_by("at", "id")
        return self.render_page(
            congress=congress, page_title=str(congress),
            delegations=congress.delegations.annotate(size=Count("delegates")),
            delegates=table, delegate_total=congress.delegates.count(), history=history,
            delegation_form=delegation_form or DelegationForm(prefix="delegation"),
            delegate_form=delegate_form or DelegateForm(prefix="delegate", congress=congress),
            statuses=dict(Congress.Status.choices))

    def get(self, request, pk):
        return self.page(_congress(pk))

    def post(self, request, pk):
        congress = _congress(pk)
        if "delegation-name" in request.POST:
            form = DelegationForm(request.POST, prefix="delegation")
            if form.is_valid() and self.call_service(
                    lambda: s.delegation_create(by=request.user, congress=congress, name=form.cleaned_data["name"]),
                    form=form, success="代表团已建立。"):
                return redirect("school:congress", pk=congress.pk)
            return self.page(congress, delegation_form=form)
        form = DelegateForm(request.POST, prefix="delegate", congress=congress)
        if form.is_valid():
            number = form.cleaned_data["member"].strip()
            member = Member.objects.filter(employee_number=number).first() if number else None
            if member is None:
                form.add_error("member", f"没有工号为“{number}”的会员。" if number else "请填写会员工号。")
            elif self.call_service(lambda: s.delegate_elect(
                    by=request.user, congress=congress, member=member, delegation=form.cleaned_data["delegation"]),
                    form=form, success=f"{member.name}已登记为代表。"):
                return redirect("school:congress", pk=congress.pk)
        return self.page(congress, delegate_form=form)


class CongressStep(SchoolPage):
    """开幕 / 闭幕: through the congress state machine; the service says why not."""

    roles = OFFICE
    http_method_names = ["post"]

    def post(self, request, pk, step):
        congress = _congress(pk)
        services = {"open": (s.congress_open, "大会已开幕。"), "close": (s.congress_close, "大会已闭幕。")}
        if step not in services:
            raise Http404
        service, done = services[step]
        self.call_service(lambda: service(congress=congress, by=request.user, note=request.POST.get("note", "")),
                          success=done)
        return redirect("school:congress", pk=congress.pk)


class CongressFigures(SchoolPage):
    template_name = "web/congress/figures.html"
    roles = OFFICE

    def get(self, request, pk):
        congress = _congress(pk)
        figures, departments = congress_figures(congress), department_figures(congress)
        chart = {
            "outcome": [{"name": label, "value": figures[key]} for key, label in (
                ("accepted", "立案（含并案）"), ("suggestions", "转为意见建议"), ("not_accepted", "不立案"))
                if figures[key]],
            "rates": [{"name": "立案率", "value": _float(figures["acceptance_rate"])},
                      {"name": "办结率", "value": _float(figures["closure_rate"])},
                      {"name": "满意率", "value": _float(figures["satisfaction_rate"])}],
            "departments": {"names": [d["name"] for d in departments],
                            "on_time": [d["replied_on_time"] for d in departments],
                            "late": [d["replied_late"] for d in departments],
                            "overdue": [d["overdue"] for d in departments]},
        }
        return self.render_page(congress=congress, figures=figures, departments=departments, chart=chart,
                                page_title=f"{congress.label}提案工作统计")


def _float(value):
    return None if value is None else float(value)


class CongressFiguresExport(SchoolPage):
    roles = OFFICE

    def get(self, request, pk):
        congress = _congress(pk)
        content = figures_export.workbook({"congress": congress_figures(congress),
                                           "departments": department_figures(congress)})
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(congress.label + '提案工作统计.xlsx')}"
        return response
