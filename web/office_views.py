"""The union office's organisation pages (分工会, 工会小组, 承办部门), the 操作日志 and everyone's
notifications.

Organisation: everyone of the school reads the lists; only the union office (union_admin) sees
the 新建/修改 forms, which call the same services as the API and the admin.
The change log is called 操作日志 on purpose: to a union 审计 means the 经费审查 review of the books.
"""
from django.apps import apps
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from tenants.accounts.roles import Role
from tenants.accounts.selectors import accounts_to_appoint, notifications_unread_first
from tenants.accounts.services import notification_mark_read
from tenants.audit.admin import type_label
from tenants.audit.models import AuditRecord
from tenants.audit.selectors import audit_records, audit_target_types
from tenants.members import services as s
from tenants.members.models import Branch, Department, Group
from tenants.members.selectors import branches_with_counts, departments_with_handlers, groups_with_counts
from tenants.workflow import machine_for
from web.base import OFFICE, ProvincePage, SchoolPage
from web.links import page_link
from web.office_forms import BranchForm, DepartmentForm, GroupForm
from web.tables import Column, Filter, Table

TABS = [("school:branches", "分工会"), ("school:groups", "工会小组"), ("school:departments", "承办部门")]


class OrgHome(SchoolPage):
    """/org/: the navigation's entry (it stays highlighted on every tab below it)."""

    def get(self, request):
        return redirect("school:branches")


class OrgPage(SchoolPage):
    """One of the three organisation tabs."""

    template_name = "web/office/org_list.html"
    tab = ""

    def render_page(self, **context):
        tabs = [{"url": reverse(name), "label": label, "current": name == self.tab} for name, label in TABS]
        return super().render_page(tabs=tabs, is_office=self.request.user.has_role(Role.UNION_ADMIN), **context)


def _edit_link(name):
    return lambda row: reverse(name, args=[row.pk])


class BranchList(OrgPage):
    title = "组织机构"
    tab = "school:branches"

    def get(self, request):
        office = request.user.has_role(Role.UNION_ADMIN)
        table = Table(request, id="branches", columns=[
            Column("name", "分工会", link=_edit_link("school:branch-edit") if office else None),
            Column("chair", "主席"),
            Column("member_count", "在会会员",
                   link=(lambda b: f"{reverse('school:members')}?branch={b.pk}") if office else None),
            Column("active_label", "状态"),
        ], per_page=100, empty_text="还没有分工会。")
        page = table.paginate(branches_with_counts())
        for branch in page:
            branch.active_label = "启用" if branch.is_active else "停用"
        return self.render_page(table=table, new_url=reverse("school:branch-new"), new_label="新建分工会")


class GroupList(OrgPage):
    title = "组织机构"
    tab = "school:groups"

    def get(self, request):
        office = request.user.has_role(Role.UNION_ADMIN)
        branches = Branch.objects.all()
        table = Table(request, id="groups", columns=[
            Column("name", "小组", link=_edit_link("school:group-edit") if office else None),
            Column("branch.name", "分工会"),
            Column("member_count", "在会会员"),
        ], filters=[Filter("branch", "分工会", choices=[(b.pk, b.name) for b in branches])],
            per_page=100, empty_text="还没有工会小组。", empty_hint="工会小组是可选的，分工会下可以不设小组。")
        rows = groups_with_counts()
        if table.values["branch"]:
            rows = rows.filter(branch_id=int(table.values["branch"]))
        table.paginate(rows)
        return self.render_page(table=table, new_url=reverse("school:group-new"), new_label="新建工会小组")


class DepartmentList(OrgPage):
    title = "组织机构"
    tab = "school:departments"

    def get(self, request):
        office = request.user.has_role(Role.UNION_ADMIN)
        table = Table(request, id="departments", columns=[
            Column("name", "承办部门", link=_edit_link("school:department-edit") if office else None),
            Column("handler_names", "经办人"),
            Column("active_label", "状态"),
        ], per_page=100, empty_text="还没有承办部门。")
        page = table.paginate(departments_with_handlers())
        for department in page:
            department.handler_names = "、".join(str(u) for u in department.handlers.all())
            department.active_label = "启用" if department.is_active else "停用"
        return self.render_page(table=table, new_url=reverse("school:department-new"), new_label="新建承办部门")


class OrgForm(SchoolPage):
    """新建 / 修改 of one organisation record (union office only)."""

    template_name = "web/office/org_form.html"
    roles = OFFICE
    back = ""

    def render_page(self, **context):
        return super().render_page(back=reverse(self.back), **context)

    def get_object(self, pk):
        raise NotImplementedError


class BranchFormPage(OrgForm):
    back = "school:branches"

    def form(self, branch=None):
        initial = ({"name": branch.name, "chair": branch.chair_id, "sort_order": branch.sort_order,
                    "is_active": branch.is_active} if branch else {"sort_order": 0, "is_active": True})
        return BranchForm(self.request.POST or None, initial=initial, accounts=accounts_to_appoint())

    def get(self, request, pk=None):
        branch = Branch.objects.filter(pk=pk).first() if pk else None
        if pk and branch is None:
            raise Http404
        return self.render_page(form=self.form(branch), page_title="修改分工会" if branch else "新建分工会")

    def post(self, request, pk=None):
        branch = Branch.objects.filter(pk=pk).first() if pk else None
        if pk and branch is None:
            raise Http404
        form = self.form(branch)
        if form.is_valid():
            data = form.cleaned_data
            order = data["sort_order"] or 0
            if branch is None:
                call = lambda: s.branch_create(by=request.user, name=data["name"], chair=data["chair"],  # noqa: E731
                                               sort_order=order)
            else:
                call = lambda: s.branch_update(branch=branch, by=request.user, name=data["name"],  # noqa: E731
                                               chair=data["chair"], sort_order=order, is_active=data["is_active"])
            if self.call_service(call, form=form, success="已保存。"):
                return redirect(self.back)
        return self.render_page(form=form, page_title="修改分工会" if branch else "新建分工会")


class GroupFormPage(OrgForm):
    back = "school:groups"

    def form(self, group=None):
        initial = {"name": group.name, "branch": group.branch_id} if group else {}
        return GroupForm(self.request.POST or None, initial=initial, editing=group is not None,
                         branches=Branch.objects.all() if group else Branch.objects.filter(is_active=True))

    def get(self, request, pk=None):
        group = Group.objects.select_related("branch").filter(pk=pk).first() if pk else None
        if pk and group is None:
            raise Http404
        return self.render_page(form=self.form(group), page_title="修改工会小组" if group else "新建工会小组")

    def post(self, request, pk=None):
        group = Group.objects.select_related("branch").filter(pk=pk).first() if pk else None
        if pk and group is None:
            raise Http404
        form = self.form(group)
        if form.is_valid():
            data = form.cleaned_data
            if group is not None:
                call = lambda: s.group_update(group=group, by=request.user, name=data["name"])  # noqa: E731
            elif data["branch"] is None:
                form.add_error("branch", "请选择分工会。")
                call = None
            else:
                call = lambda: s.group_create(by=request.user, branch=data["branch"], name=data["name"])  # noqa: E731
            if call and self.call_service(call, form=form, success="已保存。"):
                return redirect(self.back)
        return self.render_page(form=form, page_title="修改工会小组" if group else "新建工会小组")


class DepartmentFormPage(OrgForm):
    back = "school:departments"

    def form(self, department=None):
        initial = ({"name": department.name, "is_active": department.is_active,
                    "handlers": list(department.handlers.all())} if department else {"is_active": True})
        form = DepartmentForm(self.request.POST or None, initial=initial, accounts=accounts_to_appoint())
        if department is None:
            del form.fields["is_active"]  # a new department starts in use
        return form

    def get(self, request, pk=None):
        department = Department.objects.filter(pk=pk).first() if pk else None
        if pk and department is None:
            raise Http404
        return self.render_page(form=self.form(department),
                                page_title="修改承办部门" if department else "新建承办部门")

    def post(self, request, pk=None):
        department = Department.objects.filter(pk=pk).first() if pk else None
        if pk and department is None:
            raise Http404
        form = self.form(department)
        if form.is_valid():
            data = form.cleaned_data
            handlers = list(data["handlers"])
            if department is None:
                call = lambda: s.department_create(by=request.user, name=data["name"], handlers=handlers)  # noqa: E731
            else:
                def call():
                    s.department_update(department=department, by=request.user, name=data["name"],
                                        is_active=data["is_active"])
                    if set(handlers) != set(department.handlers.all()):
                        s.department_set_handlers(department=department, handlers=handlers, by=request.user)
                    return department
            if self.call_service(call, form=form, success="已保存。"):
                return redirect(self.back)
        return self.render_page(form=form, page_title="修改承办部门" if department else "新建承办部门")


# --- 操作日志 -------------------------------------------------------------------------------------

class OperationLogView:
    """This host's audit log, read-only: a school's on its host, the province's (public) on the
    provincial host — the records are in the schema of the host the page is asked on."""

    template_name = "web/office/operation_log.html"
    title = "操作日志"

    def get(self, request):
        table = Table(request, id="log", columns=[
            Column("at", "时间", format="datetime", sort="at"),
            Column("actor_name", "操作人"),
            Column("get_action_display", "动作"),
            Column("type_label", "对象类型"),
            Column("target_repr", "对象", primary=True),
            Column("summary", "内容"),
        ], filters=[
            Filter("action", "动作", choices=AuditRecord.Action.choices),
            Filter("target_type", "对象类型", choices=[(t, type_label(t)) for t in audit_target_types()]),
            Filter("q", "搜索", placeholder="操作人、对象或原因"),
        ], default_sort="-at", per_page=50, empty_text="还没有操作记录。")
        page = table.paginate(audit_records(action=table.values["action"] or None,
                                            target_type=table.values["target_type"] or None,
                                            search=table.values["q"]))
        for record in page:
            record.type_label = type_label(record.target_type)
            record.summary = _summary(record)
        return self.render_page(table=table)


class OperationLog(OperationLogView, SchoolPage):
    roles = OFFICE


class ProvinceOperationLog(OperationLogView, ProvincePage):
    roles = frozenset({Role.PROVINCE_ADMIN})


def _state_label(target_type: str, state: str) -> str:
    """A stored state code as people read it (在会, 退休 …), from the record type's declared machine."""
    try:
        machine = machine_for(apps.get_model(target_type))
    except (LookupError, ValueError):
        machine = None
    return machine.label(state) if machine and state else (state or "—")


def _field_label(target_type: str, name: str) -> str:
    try:
        return str(apps.get_model(target_type)._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, Exception):
        # Changes the services record under names that are not model fields.
        return {"id_number": "身份证号", "seconds": "附议人数"}.get(name, name)


def _summary(record) -> str:
    parts = []
    if record.from_state or record.to_state:
        parts.append(f"{_state_label(record.target_type, record.from_state)} → "
                     f"{_state_label(record.target_type, record.to_state)}")
    if record.changes:
        verb = {"read": "查看", "create": "填写"}.get(record.action, "变更")
        parts.append(f"{verb}：" + "、".join(_field_label(record.target_type, name) for name in record.changes))
    if record.reason:
        parts.append(f"原因：{record.reason}")
    return "；".join(parts)


# --- notifications --------------------------------------------------------------------------------

class Notifications(SchoolPage):
    template_name = "web/office/notifications.html"
    title = "通知"

    def get(self, request):
        table = Table(request, id="notifications", columns=[], per_page=30)
        page = table.paginate(notifications_unread_first(request.user))
        for notification in page:
            notification.page = page_link(notification.link)
        return self.render_page(page=page, any_unread=any(n.read_at is None for n in page))


class NotificationRead(SchoolPage):
    """Marks one (or, without an id, every) notification read; opening one goes to its page."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        notification_mark_read(user=request.user, notification_id=pk)
        if pk is not None and request.POST.get("open"):
            notification = request.user.notifications.filter(pk=pk).first()
            if notification is None:
                raise Http404
            target = page_link(notification.link)
            if target:
                return redirect(target)
        elif pk is None:
            messages.success(request, "已全部标为已读。")
        return redirect("school:notifications")
