"""Pages of 通知公告: notices to members, branches or groups, with read receipts and reminders (issue #12, point 4).

Everyone reads the notices addressed to them (通知公告, unread first-class: a badge and a card on 我的);
opening one marks it read. The union office and the branch chairs write and publish notices, follow
the receipts (per branch, per person, 只看未读, .xlsx), remind the unread once an hour at most, and
withdraw a notice with a reason. Every rule is tenants.notices.services'; who sees what is
tenants.notices.selectors'.
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.members.models import Branch, Group
from tenants.notices import selectors as q
from tenants.notices import services as s
from tenants.notices.models import Notice
from tenants.notices.workflow import NOTICE_FLOW
from web.base import SchoolPage
from web.history import state_history
from web.links import pk_link
from web.school import Section
from web.school.notices_forms import AttachmentForm, NoticeForm, ReasonForm
from web.tables import Column, Filter, Table
from web.todo import LIST_LENGTH, Todo

PUBLISHERS = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR})
READ_STATES = [("unread", "未读"), ("read", "已读")]


def _notice(user, pk) -> Notice:
    notice = q.notices_visible_to(user).filter(pk=pk).first()
    if notice is None:
        raise Http404("没有这条通知")
    return notice


_link = pk_link("school:notice")


class NoticeList(SchoolPage):
    """发给我的 (everyone), and for the office and chairs the notices they may manage or follow."""

    template_name = "web/notices/list.html"
    title = "通知公告"

    def get(self, request):
        user = request.user
        mine = list(q.addressed_to_listed(user)[:50])
        if len(mine) < 50:  # all of them: the nav's badge counts its unread from this list
            remember_unread_notices(user, sum(1 for n in mine if n.my_read_at is None))
        table = None
        if user.has_role(*PUBLISHERS):
            table = Table(request, id="notices", columns=[
                Column("title", "标题", link=_link, primary=True),
                Column("publisher_label", "发布单位"),
                Column("audience_label", "发送范围"),
                Column("published_at", "发布时间", format="datetime", sort="published_at", empty="未发布"),
                Column("read_by", "要求阅读日期", format="date", empty="—"),
                Column("status", "状态", badge=True),
            ], filters=[Filter("status", "状态", choices=Notice.Status.choices), Filter("q", "标题")],
                default_sort="-created_at", per_page=20, empty_text="还没有通知。")
            rows = q.notices_listed(user)
            if table.values["status"]:
                rows = rows.filter(status=table.values["status"])
            if table.values["q"]:
                rows = rows.filter(title__icontains=table.values["q"])
            table.paginate(rows)
        return self.render_page(mine=mine, unread=sum(1 for n in mine if n.my_read_at is None), table=table,
                                can_publish=s.may_publish(user))


class NoticeNew(SchoolPage):
    template_name = "web/notices/new.html"
    title = "发布通知"
    roles = PUBLISHERS

    def form(self, data=None, files=None):
        user = self.request.user
        office = user.has_role(Role.UNION_ADMIN)
        branches = Branch.objects.filter(is_active=True) if office else s.chaired_branches(user)
        groups = Group.objects.filter(branch__in=branches).select_related("branch")
        return NoticeForm(data, files, branches=branches.order_by("sort_order", "id"), groups=groups,
                          chair_only=not office)

    def get(self, request):
        if not s.may_publish(request.user):
            raise Http404("您不是任何分工会的主席")
        return self.render_page(form=self.form())

    def post(self, request):
        form = self.form(request.POST, request.FILES)
        publish = request.POST.get("publish") == "1"
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.notice_create(
                by=request.user, title=data["title"], body=data["body"], audience=data["audience"] or "all",
                branches=data["branches"], groups=data.get("groups") or [], read_by=data["read_by"],
                attachments=[data["file"]] if data.get("file") else [], publish=publish),
                form=form, success="通知已发布，已通知接收人。" if publish else "草稿已保存。")
            if done:
                return redirect("school:notice", pk=done.value.pk)
        return self.render_page(form=form)


class NoticeDetail(SchoolPage):
    """The notice; a recipient opening it has read it. The publisher and the office (and a chair, for
    their branch) see the receipts under it and act on it."""

    template_name = "web/notices/detail.html"
    title = "通知"

    def page(self, notice, *, attachment_form=None, reason_form=None):
        user = self.request.user
        receipt = s.notice_mark_read(notice=notice, by=user)
        managing = s.manages(notice, user)
        scope = q.receipt_branches(notice, user)
        show_receipts = notice.status != Notice.Status.DRAFT and (scope is None or bool(scope))
        context = {"notice": notice, "receipt": receipt, "managing": managing,
                   "attachments": notice.attachments.all() if managing or receipt else [],
                   "actions": NOTICE_FLOW.allowed_actions(state=notice.status, user=user) if managing else [],
                   "attachment_form": attachment_form or AttachmentForm(),
                   "reason_form": reason_form or ReasonForm(), "show_receipts": show_receipts,
                   "history": state_history(notice, NOTICE_FLOW) if managing else []}
        if show_receipts:
            per_branch = q.receipts_per_branch(notice, scope)
            table = Table(self.request, id="receipts", columns=[
                Column("member.name", "姓名", primary=True),
                Column("member.employee_number", "工号"),
                Column("branch.name", "分工会"),
                Column("member.group.name", "工会小组"),
                Column("masked_phone", "手机号"),
                Column("read_at", "阅读时间", format="datetime", sort="read_at", empty="未读"),
            ], filters=[Filter("state", "阅读情况", choices=READ_STATES)], per_page=30,
                empty_text="没有符合条件的接收人。")
            rows = q.recipients_in(notice, scope)
            if table.values["state"]:
                rows = rows.filter(read_at__isnull=table.values["state"] == "unread")
            table.paginate(rows)
            context.update(per_branch=per_branch, totals=q.receipt_totals(per_branch), receipts=table,
                           scope_note="" if scope is None else "（仅本分工会）")
        return self.render_page(**context)

    def get(self, request, pk):
        return self.page(_notice(request.user, pk))

    def post(self, request, pk):
        notice = _notice(request.user, pk)
        user = request.user
        do = request.GET.get("do") or request.POST.get("do", "")
        if do == "publish":
            self.call_service(lambda: s.notice_publish(notice=notice, by=user), success="通知已发布，已通知接收人。")
        elif do == "withdraw":
            form = ReasonForm(request.POST)
            if not (form.is_valid() and self.call_service(
                    lambda: s.notice_withdraw(notice=notice, by=user, reason=form.cleaned_data["reason"]),
                    form=form, success="通知已撤回，会员将不再看到。")):
                return self.page(_notice(user, pk), reason_form=form)
        elif do == "remind":
            done = self.call_service(lambda: s.notice_remind(notice=notice, by=user))
            if done:
                from django.contrib import messages

                messages.success(request, f"已提醒 {done.value} 位未读人员。")
        elif do == "attach":
            form = AttachmentForm(request.POST, request.FILES)
            if not (form.is_valid() and self.call_service(
                    lambda: s.notice_attach(notice=notice, by=user, upload=form.cleaned_data["file"]),
                    form=form, success="附件已上传。")):
                return self.page(_notice(user, pk), attachment_form=form)
        else:
            raise Http404
        return redirect("school:notice", pk=pk)


class NoticeAttachmentDownload(SchoolPage):
    """Only the recipients and the publisher or the office download a notice's files."""

    def get(self, request, pk, attachment_id):
        from api.files import download

        notice = _notice(request.user, pk)
        if not (s.manages(notice, request.user) or q.receipt_of(notice, request.user)):
            raise Http404
        return download(notice.attachments.all(), attachment_id)


class ReceiptsExport(SchoolPage):
    def get(self, request, pk):
        from api.files import xlsx_response

        notice = _notice(request.user, pk)
        scope = q.receipt_branches(notice, request.user)
        if notice.status == Notice.Status.DRAFT or not (scope is None or scope):
            raise Http404
        return xlsx_response(receipts_workbook(notice, scope), f"{notice.title[:40]}-阅读回执.xlsx")


def receipts_workbook(notice, scope) -> bytes:
    """阅读回执: a sheet per branch figures and one per person (phones masked)."""
    from tenants import xlsx

    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "按分工会"
    xlsx.append(sheet, ["分工会", "接收人数", "已读", "未读", "阅读率"])
    per_branch = q.receipts_per_branch(notice, scope)
    for r in per_branch:
        xlsx.append(sheet, [r.branch.name, r.recipients, r.read, r.unread, r.rate])
    totals = q.receipt_totals(per_branch)
    xlsx.append(sheet, ["合计", totals.recipients, totals.read, totals.unread, totals.rate])
    people = book.create_sheet("按人员")
    xlsx.append(people, ["姓名", "工号", "分工会", "工会小组", "手机号", "阅读情况", "阅读时间"])
    for r in q.recipients_in(notice, scope):
        xlsx.append(people, [r.member.name, r.member.employee_number, r.branch.name,
                             r.member.group.name if r.member.group_id else "", r.masked_phone,
                             "已读" if r.read_at else "未读",
                             timezone.localtime(r.read_at).strftime("%Y-%m-%d %H:%M") if r.read_at else ""])
    return xlsx.to_bytes(book)


urlpatterns = [
    path("", NoticeList.as_view(), name="notices"),
    path("new/", NoticeNew.as_view(), name="notice-new"),
    path("<int:pk>/", NoticeDetail.as_view(), name="notice"),
    path("<int:pk>/attachments/<int:attachment_id>/", NoticeAttachmentDownload.as_view(), name="notice-attachment"),
    path("<int:pk>/receipts.xlsx", ReceiptsExport.as_view(), name="notice-receipts-export"),
]


def workbench_todos(user) -> list[Todo]:
    todos = []
    # the items show title and dates: not the body, audience or publishing branch
    unread = list(q.unread_for(user).select_related(None).only("id", "title", "read_by", "published_at")[:50])
    if len(unread) < 50:
        remember_unread_notices(user, len(unread))  # the nav badge's count, not asked again
    if unread:
        today = timezone.localdate()
        todos.append(Todo(
            key="notices-unread", label="未读通知", count=len(unread), url=reverse("school:notices"),
            urgent=any(n.read_by and n.read_by < today for n in unread),
            items=[{"text": n.title, "url": _link(n), "when": n.read_by or n.published_at}
                   for n in unread[:LIST_LENGTH]]))
    if user.has_role(*PUBLISHERS):
        overdue = list(q.overdue_for_publisher(user).only("id", "title", "read_by"))
        if overdue:
            todos.append(Todo(
                key="notices-overdue", label="已过要求阅读日期仍有人未读的通知", count=len(overdue),
                url=reverse("school:notices"), urgent=True,
                items=[{"text": f"{n.title}（{n.unread} 人未读）", "url": _link(n), "when": n.read_by}
                       for n in overdue[:LIST_LENGTH]]))
    return todos


def portal_sections(user, member) -> list:
    """通知公告 on the member's own portal: the latest notices addressed to them, with the unread count."""
    latest = list(q.addressed_to_listed(user)[:5])
    if not latest:
        return []
    unread = q.unread_count(user)
    remember_unread_notices(user, unread)
    return [Section(template="web/notices/_portal.html", context={"latest": latest, "unread": unread})]


def remember_unread_notices(user, count: int) -> None:
    """A page that just counted this person's unread notices hands the figure to the nav's badge
    (web.nav), which would otherwise count them again while the layout renders."""
    user._unread_notices = count


def unread_notices(request) -> dict:
    """A context processor (not wired by default): ``unread_notices`` for a badge beside the nav entry."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "tenant", None) is None:
        return {}
    from django.db import connection
    from django_tenants.utils import get_public_schema_name

    if connection.schema_name == get_public_schema_name():
        return {}
    return {"unread_notices": q.unread_count(user)}
