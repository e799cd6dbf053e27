"""The union office's member pages: list, detail (masked personal data, status history), add and
edit, status moves, the audited ID-number read, the roster in and out, and 入会申请.

Every change calls the service the API calls; who may do what is the service's and the
selectors' (members_visible_to, applications_visible_to) — these pages add no rule of their own.
"""
import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from tenants.accounts.roles import Role
from tenants.care.selectors import care_history_for
from tenants.members import roster
from tenants.members import services as s
from tenants.members.models import Branch, Group, Member, MembershipApplication
from tenants.members.selectors import (
    application_actions_for,
    applications_matching,
    applications_visible_to,
    branch_choices,
    branches_chaired_by,
    members_in_table,
    members_search,
    members_visible_to,
)
from tenants.personal_data import mask_phone
from web.base import OFFICE, SchoolPage
from web.office_forms import ApplicationForm, MemberForm, RosterForm, StepForm
from web.school import area_member_sections
from web.links import pk_link
from web.tables import Column, Filter, Table



def _member_filters():
    return [
        Filter("q", "搜索", placeholder="姓名、工号或拼音首字母（如 zs）"),
        Filter("branch", "分工会", choices=branch_choices()),
        Filter("status", "状态", choices=Member.Status.choices),
    ]


def _members_for(user, values):
    branch = values.get("branch")
    # the filters narrow what the user may see (one query, not two combined with `&`)
    return members_search(query=values.get("q", ""), branch=int(branch) if branch else None,
                          status=values.get("status") or None, members=members_visible_to(user))


def visible_member(user, pk) -> Member:
    member = members_visible_to(user).filter(pk=pk).first()
    if member is None:
        raise Http404("没有这名会员")
    return member


def _step_form(request) -> dict | None:
    """The reason and date of a step's small form; what cannot be stored is said in a toast."""
    form = StepForm(request.POST)
    if form.is_valid():
        return form.cleaned_data
    for problem in form.problems():
        messages.error(request, problem)
    return None


class MemberList(SchoolPage):
    """Everyone may open it; members_visible_to decides whom they see (a member: themselves)."""

    template_name = "web/members.html"
    title = "会员"

    def get(self, request):
        table = Table(request, id="members", columns=[
            Column("name", "姓名", sort="name", link=pk_link("school:member")),
            Column("employee_number", "工号", sort="employee_number"),
            Column("listed_branch_name", "分工会"),  # members_in_table
            Column("get_employment_type_display", "用工类型"),
            Column("status", "状态", badge=True),
            Column("masked_phone", "手机号"),
            Column("id_number_masked", "身份证号"),
        ], filters=_member_filters(), per_page=50, empty_text="没有符合条件的会员。")
        page = table.paginate(members_in_table(_members_for(request.user, table.values)))
        for member in page:
            member.masked_phone = mask_phone(member.phone)
        query = request.GET.urlencode()
        return self.render_page(table=table, is_office=request.user.has_role(Role.UNION_ADMIN),
                                export_url=reverse("school:member-export") + (f"?{query}" if query else ""))


class MemberDetail(SchoolPage):
    template_name = "web/office/member_detail.html"
    title = "会员详情"

    def page(self, member, *, revealed: str = "", errors=None):
        user = self.request.user
        actions = [(name, s.MEMBER_STATUS.transitions[name]) for name in
                   s.MEMBER_STATUS.allowed_actions(state=member.status, user=user)]
        return self.render_page(
            member=member, masked_phone=mask_phone(member.phone), revealed=revealed,
            changes=member.status_changes.all(), actions=actions, errors=errors or {},
            is_office=user.has_role(Role.UNION_ADMIN), today=datetime.date.today(),
            application=MembershipApplication.objects.filter(member=member).first(),
            care_visits=care_history_for(user, member),
            area_sections=area_member_sections(user, member),
        )

    def get(self, request, pk):
        return self.page(visible_member(request.user, pk))


class MemberRevealIdNumber(MemberDetail):
    """The whole ID number, once, in the answer to a POST (not a link one could bookmark or share);
    the service refuses anyone but the union office and writes the audit record of the read."""

    http_method_names = ["post"]

    def post(self, request, pk):
        member = visible_member(request.user, pk)
        outcome = self.call_service(lambda: s.member_reveal_id_number(member=member, by=request.user))
        if not outcome:
            return redirect("school:member", pk=pk)
        response = self.page(member, revealed=outcome.value or "（未登记身份证号）")
        # The number must not stay in the browser's or a proxy's cache after the audited read.
        add_never_cache_headers(response)
        return response


class MemberChangeStatus(MemberDetail):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        member = visible_member(request.user, pk)
        if action not in s.MEMBER_STATUS.transitions:
            raise Http404
        label = s.MEMBER_STATUS.transitions[action].label
        step = _step_form(request)
        if step is not None:
            self.call_service(lambda: s.member_change_status(
                member=member, action=action, by=request.user, reason=step["reason"].strip(),
                effective_on=step["effective_on"]), success=f"已办理{label}。")
        return redirect("school:member", pk=pk)


class MemberFormPage(SchoolPage):
    template_name = "web/office/member_form.html"
    roles = OFFICE

    def form(self, member=None):
        initial = None
        if member is not None:
            initial = {"name": member.name, "gender": member.gender, "employee_number": member.employee_number,
                       "branch": member.branch_id, "group": member.group_id,
                       "employment_type": member.employment_type, "join_date": member.join_date.isoformat(),
                       "phone": member.phone, "marital_status": member.marital_status,
                       "work_started_on": member.work_started_on.isoformat() if member.work_started_on else "",
                       "is_front_line": member.is_front_line, "is_model_worker": member.is_model_worker}
        return MemberForm(self.request.POST or None, initial=initial, editing=member is not None,
                          branches=Branch.objects.filter(is_active=True) if member is None else Branch.objects.all(),
                          groups=Group.objects.select_related("branch"))


class MemberNew(MemberFormPage):
    title = "新增会员"

    def get(self, request):
        return self.render_page(form=self.form())

    def post(self, request):
        form = self.form()
        if form.is_valid():
            created = self.call_service(lambda: s.member_create(
                by=request.user, branch=form.cleaned_data["branch"], group=form.cleaned_data["group"],
                **form.person()), form=form, success="会员已添加。")
            if created:
                return redirect("school:member", pk=created.value.pk)
        return self.render_page(form=form)


class MemberEdit(MemberFormPage):
    title = "修改会员信息"

    def get(self, request, pk):
        member = visible_member(request.user, pk)
        return self.render_page(form=self.form(member), member=member)

    def post(self, request, pk):
        member = visible_member(request.user, pk)
        form = self.form(member)
        if form.is_valid():
            changes = form.person()
            if not changes["id_number"].strip():
                changes.pop("id_number")  # left empty: keep the stored number untouched
            branch = form.cleaned_data["branch"] or member.branch
            saved = self.call_service(lambda: s.member_update(
                member=member, by=request.user, branch=branch, group=form.cleaned_data["group"], **changes),
                form=form, success="已保存。")
            if saved:
                return redirect("school:member", pk=pk)
        return self.render_page(form=form, member=member)


# --- roster in and out --------------------------------------------------------------------------

class RosterImport(SchoolPage):
    template_name = "web/office/roster_import.html"
    title = "导入会员名册"
    roles = OFFICE

    def get(self, request):
        return self.render_page(form=RosterForm())

    def post(self, request):
        form = RosterForm(request.POST, request.FILES)
        upload = request.FILES.get("file")
        if upload is None:
            form.is_valid()
            form.add_error("file", "请选择要导入的 .xlsx 文件。")
            return self.render_page(form=form)
        try:
            batch = roster.roster_import(by=request.user, file_name=upload.name, fileobj=upload)
        except roster.RosterRejected as rejected:
            return self.render_page(form=RosterForm(), problems=rejected.problems, file_name=upload.name)
        messages.success(request, f"已导入 {batch.rows} 名会员。")
        return redirect("school:members")


class RosterTemplate(SchoolPage):
    roles = OFFICE

    def get(self, request):
        return _xlsx(roster.template_workbook(), "会员名册导入模板.xlsx")


class RosterExport(SchoolPage):
    """The list as it is filtered on the page, masked like the list."""

    roles = OFFICE

    def get(self, request):
        values = {f.name: f.clean(request.GET.get(f.name, "")) for f in _member_filters()}
        return _xlsx(roster.export_workbook(_members_for(request.user, values)), roster.export_file_name())


def _xlsx(content: bytes, name: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    add_never_cache_headers(response)
    return response


# --- 入会申请 -------------------------------------------------------------------------------------

def visible_application(user, pk) -> MembershipApplication:
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise Http404("没有这份入会申请")
    return application


class ApplicationList(SchoolPage):
    template_name = "web/office/applications.html"
    title = "入会申请"

    def get(self, request):
        table = Table(request, id="applications", columns=[
            Column("name", "申请人", link=pk_link("school:application"), sort="name"),
            Column("employee_number", "工号"),
            Column("listed_branch_name", "分工会"),  # members_in_table
            Column("get_employment_type_display", "用工类型"),
            Column("status", "状态", badge=True, sort="status"),
            Column("submitted_at", "提交时间", format="datetime", sort="submitted_at"),
        ], filters=[Filter("status", "状态", choices=MembershipApplication.Status.choices),
                    Filter("q", "搜索", placeholder="姓名或工号")],
            default_sort="-submitted_at", per_page=30, empty_text="暂无入会申请。")
        rows = applications_matching(applications_visible_to(request.user), status=table.values["status"],
                                     query=table.values["q"])
        table.paginate(rows)
        return self.render_page(table=table)


class ApplicationNew(SchoolPage):
    template_name = "web/office/application_new.html"
    title = "提交入会申请"

    def branches(self):
        """A branch chair submits for people of their branch; anyone else applies for themselves,
        naming the branch they work in."""
        user = self.request.user
        if user.has_role(Role.UNION_ADMIN, Role.BRANCH_CHAIR):
            return branches_chaired_by(user)
        return Branch.objects.filter(is_active=True)

    def form(self):
        user = self.request.user
        initial = {} if user.has_role(Role.UNION_ADMIN, Role.BRANCH_CHAIR) else {"name": user.full_name,
                                                                                 "phone": user.phone}
        return ApplicationForm(self.request.POST or None, initial=initial, branches=self.branches())

    def get(self, request):
        return self.render_page(form=self.form())

    def post(self, request):
        form = self.form()
        if form.is_valid():
            data = dict(form.cleaned_data)
            submitted = self.call_service(lambda: s.application_submit(by=request.user, **data), form=form,
                                          success="入会申请已提交，分工会确认后由校工会审批。")
            if submitted:
                return redirect("school:application", pk=submitted.value.pk)
        return self.render_page(form=form)


class ApplicationDetail(SchoolPage):
    template_name = "web/office/application_detail.html"
    title = "入会申请"

    def get(self, request, pk):
        application = visible_application(request.user, pk)
        return self.render_page(application=application,
                                actions=application_actions_for(application, request.user), masked_phone=mask_phone(application.phone),
                                today=datetime.date.today())


class ApplicationDecide(SchoolPage):
    http_method_names = ["post"]
    LABELS = {"confirm": "已确认，等待校工会审批。", "approve": "已批准入会，会员已建档。", "reject": "已不予批准。"}

    def post(self, request, pk, action):
        application = visible_application(request.user, pk)
        if action not in s.APPLICATION_FLOW.transitions:
            raise Http404
        step = _step_form(request)
        if step is not None:
            self.call_service(lambda: s.application_decide(
                application=application, action=action, by=request.user, reason=step["reason"].strip(),
                join_date=step["join_date"]), success=self.LABELS[action])
        return redirect("school:application", pk=pk)
