"""The congress pages: congresses (the school's, run by the union office, and the branches' 二级教代会,
run by the office or the branch's chair), their delegations, delegates and committees, opening and
closing, and the proposal figures (提案工作统计) with charts and the .xlsx download."""
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.congress import figures_export
from tenants.congress import services as s
from tenants.congress.models import CommitteeMembership, Congress
from tenants.congress.selectors import (
    committees_of,
    congress_figures,
    congresses_managed_by,
    congresses_with_counts,
    department_figures,
)
from tenants.members.models import Branch, Member
from web.base import SchoolPage
from web.congress_forms import CommitteeForm, CommitteeMemberForm, CongressForm, DelegateForm, DelegationForm
from web.tables import Column, Filter, Table

# The office runs every congress; a branch chair the 二级教代会 of the branches they chair.
MANAGERS = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR})


def _congress(pk, user) -> Congress:
    """A congress this person runs (404 for any other: a chair of another branch finds nothing)."""
    return get_object_or_404(congresses_managed_by(user).select_related("branch"), pk=pk)


def _member_by_number(congress: Congress, number: str):
    """The member a 工号 typed on the congress page names: anyone of the school for the school's
    congress; for a 二级教代会 only a member of its branch (so a branch chair cannot turn the 工号 of
    another branch's member into a name)."""
    members = Member.objects.filter(employee_number=number)
    if congress.branch_id is not None:
        members = members.filter(branch_id=congress.branch_id)
    return members.first() if number else None


def _no_member(congress: Congress, number: str) -> str:
    if not number:
        return "请填写会员工号。"
    return f"{'本分工会' if congress.branch_id is not None else ''}没有工号为“{number}”的会员。"


def _branches_for(user):
    """The branches this person may open a 二级教代会 for (the service's rule: all for the office)."""
    branches = Branch.objects.all() if s.runs_every_congress(user) else s.chaired_branches(user)
    return branches.filter(is_active=True)


class CongressList(SchoolPage):
    """The office: every congress (全校 and 二级); a branch chair: the 二级教代会 of their branches."""

    template_name = "web/congress/list.html"
    title = "教代会"
    roles = MANAGERS

    def get(self, request):
        office = request.user.has_role(Role.UNION_ADMIN)
        filters = [Filter("status", "状态", choices=Congress.Status.choices)]
        if office:
            filters.insert(0, Filter("branch", "层级", choices=[("school", "学校教代会")] + [
                (str(b.pk), f"{b.name}二级教代会") for b in Branch.objects.all()]))
        table = Table(request, id="congresses", columns=[
            Column("label", "届次", link=lambda c: reverse("school:congress", args=[c.pk]), primary=True),
            Column("level_label", "层级"),
            Column("title", "名称"),
            Column("status", "状态", badge=True, sort="status"),
            Column("opens_on", "开幕日期", format="date", sort="opens_on"),
            Column("delegate_count", "代表人数"),
            Column("proposal_count", "收到提案"),
        ], filters=filters, default_sort="", per_page=20,
            empty_text="还没有教代会。" if office else "您主持的分工会还没有二级教代会。",
            empty_hint="新建一次教代会后，可以组建代表团、登记代表、设立专门委员会并征集提案。")
        rows = congresses_with_counts().filter(pk__in=congresses_managed_by(request.user).values("pk")).order_by(
            F("branch__sort_order").asc(nulls_first=True), "branch_id", "-term", "-session")
        if table.values.get("branch") == "school":
            rows = rows.filter(branch__isnull=True)
        elif table.values.get("branch"):
            rows = rows.filter(branch=table.values["branch"])
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        return self.render_page(table=table, page_title="教代会" if office else "二级教代会")


class CongressNew(SchoolPage):
    template_name = "web/congress/form.html"
    title = "新建教代会"
    roles = MANAGERS

    def form(self):
        return CongressForm(self.request.POST or None, branches=_branches_for(self.request.user),
                            school_level=self.request.user.has_role(Role.UNION_ADMIN))

    def get(self, request):
        return self.render_page(form=self.form())

    def post(self, request):
        form = self.form()
        if form.is_valid():
            created = self.call_service(lambda: s.congress_create(by=request.user, **form.fields_for_service()),
                                        form=form, success="教代会已建立（筹备中）。")
            if created:
                return redirect("school:congress", pk=created.value.pk)
        return self.render_page(form=form)


class CongressEdit(SchoolPage):
    template_name = "web/congress/form.html"
    title = "修改教代会"
    roles = MANAGERS

    def get(self, request, pk):
        congress = _congress(pk, request.user)
        initial = {name: getattr(congress, name) for name in CongressForm.base_fields if name != "branch"}
        return self.render_page(form=CongressForm(initial=initial), congress=congress)

    def post(self, request, pk):
        congress = _congress(pk, request.user)
        form = CongressForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.congress_update(congress=congress, by=request.user, **form.fields_for_service()),
                form=form, success="已保存。"):
            return redirect("school:congress", pk=congress.pk)
        return self.render_page(form=form, congress=congress)


class CongressDetail(SchoolPage):
    """One congress: its state and steps, delegations, delegates (elect from active members — of the
    branch, for a 二级教代会), committees and their members."""

    template_name = "web/congress/detail.html"
    roles = MANAGERS

    def page(self, congress, delegation_form=None, delegate_form=None, committee_form=None, member_form=None):
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
            committees=committees_of(congress),
            committee_form=committee_form or CommitteeForm(prefix="committee"),
            member_form=member_form or CommitteeMemberForm(prefix="seat", congress=congress),
            statuses=dict(Congress.Status.choices))

    def get(self, request, pk):
        return self.page(_congress(pk, request.user))

    def post(self, request, pk):
        congress = _congress(pk, request.user)
        if "committee-name" in request.POST:
            form = CommitteeForm(request.POST, prefix="committee")
            if form.is_valid() and self.call_service(
                    lambda: s.committee_create(by=request.user, congress=congress, **form.cleaned_data),
                    form=form, success="委员会已设立。"):
                return redirect(reverse("school:congress", args=[congress.pk]) + "#committees")
            return self.page(congress, committee_form=form)
        if "seat-member" in request.POST:
            return self.seat(congress)
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
            member = _member_by_number(congress, number)
            if member is None:
                form.add_error("member", _no_member(congress, number))
            elif self.call_service(lambda: s.delegate_elect(
                    by=request.user, congress=congress, member=member, delegation=form.cleaned_data["delegation"]),
                    form=form, success=f"{member.name}已登记为代表。"):
                return redirect("school:congress", pk=congress.pk)
        return self.page(congress, delegate_form=form)

    def seat(self, congress):
        """A delegate of this congress joins one of its committees (by employee number)."""
        request = self.request
        form = CommitteeMemberForm(request.POST, prefix="seat", congress=congress)
        if form.is_valid():
            number = form.cleaned_data["member"].strip()
            member = _member_by_number(congress, number)
            committee = form.cleaned_data["committee"]
            if committee is None:
                form.add_error("committee", "请选择委员会。")
            elif member is None:
                form.add_error("member", _no_member(congress, number))
            elif self.call_service(lambda: s.committee_member_add(
                    by=request.user, committee=committee, member=member, role=form.cleaned_data["role"]),
                    form=form, success=f"{member.name}已加入{committee.name}。"):
                return redirect(reverse("school:congress", args=[congress.pk]) + "#committees")
        return self.page(congress, member_form=form)


class CongressStep(SchoolPage):
    """开幕 / 闭幕: through the congress state machine; the service says why not."""

    roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, pk, step):
        congress = _congress(pk, request.user)
        if step == "committee-member-remove":
            chosen = request.POST.get("membership", "")
            membership = (CommitteeMembership.objects.filter(pk=chosen, committee__congress=congress)
                          .select_related("delegate__member", "committee").first()
                          if chosen.isascii() and chosen.isdigit() else None)
            if membership is None:
                raise Http404
            self.call_service(lambda: s.committee_member_remove(by=request.user, membership=membership),
                              success=f"{membership.delegate.member.name}已移出{membership.committee.name}。")
            return redirect(reverse("school:congress", args=[congress.pk]) + "#committees")
        services = {"open": (s.congress_open, "大会已开幕。"), "close": (s.congress_close, "大会已闭幕。")}
        if step not in services:
            raise Http404
        service, done = services[step]
        self.call_service(lambda: service(congress=congress, by=request.user, note=request.POST.get("note", "")),
                          success=done)
        return redirect("school:congress", pk=congress.pk)


class CongressFigures(SchoolPage):
    template_name = "web/congress/figures.html"
    roles = MANAGERS

    def get(self, request, pk):
        congress = _congress(pk, request.user)
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
    roles = MANAGERS

    def get(self, request, pk):
        congress = _congress(pk, request.user)
        content = figures_export.workbook({"congress": congress_figures(congress),
                                           "departments": department_figures(congress)})
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(congress.label + '提案工作统计.xlsx')}"
        return response
