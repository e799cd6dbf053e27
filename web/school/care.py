"""Pages of 慰问标准, care visits, life events reported by branches, batch visits (issue #10).

The union office and the 帮扶专干 record and handle; a branch chair reports life events and reads
their own branch's visits. Every change is the service's (tenants.care.services); who sees what is
the selectors' (tenants.care.selectors) — these pages add no rule of their own.
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import FINANCE_READERS, Role
from tenants.care import selectors as q
from tenants.care import services as s
from tenants.care.models import LIFE_EVENT_KINDS, CareBatch, CareKind, CareVisit, LifeEvent
from tenants.members.models import Branch, Group, Member
from web.base import SchoolPage
from web.history import state_history
from web.school.care_forms import BatchForm, EventForm, ReasonForm, SettingsForm, StandardForm, VisitForm
from web.tables import Column, Filter, Table
from web.todo import Todo, counted_many

OFFICE = frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER})
OFFICE_OR_CHAIR = OFFICE | {Role.BRANCH_CHAIR}
#: who reads visits: besides the office and chairs, the books' readers following an entry to its source
VISIT_READERS = OFFICE_OR_CHAIR | FINANCE_READERS


def _years():
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this, this - 5, -1)]


def _visible_visit(user, pk) -> CareVisit:
    visit = q.visits_visible_to(user).filter(pk=pk).first()
    if visit is None:
        raise Http404("没有这条慰问记录")
    return visit


def _visible_event(user, pk) -> LifeEvent:
    event = q.events_visible_to(user).filter(pk=pk).first()
    if event is None:
        raise Http404("没有这件待慰问事项")
    return event


def _current_members():
    return Member.objects.filter(status__in=[Member.Status.ACTIVE, Member.Status.RETIRED]).select_related("branch")


# --- visits ---------------------------------------------------------------------------------------

class VisitList(SchoolPage):
    template_name = "web/care/visits.html"
    title = "帮扶慰问"
    roles = VISIT_READERS

    def get(self, request):
        table = Table(request, id="visits", columns=[
            Column("member.name", "会员", link=lambda v: reverse("school:care-visit", args=[v.pk])),
            Column("member.branch.name", "分工会"),
            Column("get_kind_display", "类型"),
            Column("visited_on", "慰问日期", format="date", sort="visited_on"),
            Column("amount", "金额", format="money", sort="amount"),
            Column("status", "状态", badge=True),
        ], filters=[Filter("year", "年度", choices=_years()), Filter("kind", "类型", choices=CareKind.choices),
                    Filter("branch", "分工会", choices=[(b.pk, b.name) for b in Branch.objects.all()]),
                    Filter("status", "状态", choices=CareVisit.Status.choices),
                    Filter("q", "搜索", placeholder="姓名或工号")],
            default_sort="-visited_on", per_page=30, empty_text="没有符合条件的慰问记录。")
        v = table.values
        rows = q.visits_matching(q.visits_visible_to(request.user), year=v["year"], kind=v["kind"],
                                 branch=v["branch"], status=v["status"], query=v["q"])
        batch = request.GET.get("batch", "")
        if batch.isascii() and batch.isdigit() and len(batch) < 19:
            rows = rows.filter(batch_id=int(batch))
        table.paginate(rows)
        return self.render_page(table=table, is_office=request.user.has_role(*OFFICE),
                                handles_events=request.user.has_role(*OFFICE_OR_CHAIR),
                                open_events=q.events_visible_to(request.user).filter(
                                    status=LifeEvent.Status.REPORTED).count())


class VisitNew(SchoolPage):
    template_name = "web/care/visit_new.html"
    title = "登记慰问"
    roles = OFFICE

    def form(self, event=None):
        initial = {"visited_on": timezone.localdate()}
        if event is not None:
            initial.update(member=event.member_id, kind=event.kind, life_event=event.pk)
        return VisitForm(self.request.POST or None, initial=initial, members=_current_members())

    def event(self):
        raw = self.request.POST.get("life_event") or self.request.GET.get("event") or ""
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            raise Http404
        return _visible_event(self.request.user, int(raw))

    def page(self, form, event):
        return self.render_page(form=form, event=event, standards=q.standards_in_force())

    def get(self, request):
        event = self.event()
        return self.page(self.form(event), event)

    def post(self, request):
        event = self.event()
        form = self.form(event)
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.visit_record(
                by=request.user, member=data["member"], kind=data["kind"], visited_on=data["visited_on"],
                amount=data["amount"], visitors=data["visitors"], note=data["note"], reason=data["reason"],
                life_event=event), form=form)
            if done:
                visit = done.value
                from django.contrib import messages

                messages.success(request, "超出标准，已报校工会审批。" if visit.above_standard
                                 else "慰问已登记，支出已记入账目（待审批）。")
                return redirect("school:care-visit", pk=visit.pk)
        return self.page(form, event)


class VisitDetail(SchoolPage):
    template_name = "web/care/visit_detail.html"
    title = "慰问记录"
    roles = VISIT_READERS

    def get(self, request, pk):
        visit = _visible_visit(request.user, pk)
        # the page decides (approve / reject); 超标准报批 happens when the visit is recorded
        actions = [a for a in s.VISIT_FLOW.allowed_actions(state=visit.status, user=request.user)
                   if a in ("approve", "reject")]
        return self.render_page(visit=visit, actions=actions, history=state_history(visit, s.VISIT_FLOW))


class VisitDecide(SchoolPage):
    http_method_names = ["post"]
    roles = frozenset({Role.UNION_ADMIN})

    def post(self, request, pk, action):
        visit = _visible_visit(request.user, pk)
        if action not in ("approve", "reject"):
            raise Http404
        form = ReasonForm(request.POST)
        reason = form.data.get("reason", "").strip()
        self.call_service(lambda: s.visit_decide(visit=visit, by=request.user, approve=action == "approve",
                                                 reason=reason),
                          success="已批准，支出已记入账目（待审批）。" if action == "approve" else "已不批准。")
        return redirect("school:care-visit", pk=pk)


# --- life events ----------------------------------------------------------------------------------

class EventList(SchoolPage):
    template_name = "web/care/events.html"
    title = "待慰问事项"
    roles = OFFICE_OR_CHAIR

    def get(self, request):
        table = Table(request, id="events", columns=[
            Column("member.name", "会员", link=lambda e: reverse("school:care-event", args=[e.pk])),
            Column("member.branch.name", "分工会"),
            Column("get_kind_display", "事项"),
            Column("occurred_on", "发生日期", format="date", sort="occurred_on"),
            Column("reported_at", "报告时间", format="datetime", sort="reported_at"),
            Column("status", "状态", badge=True),
        ], filters=[Filter("status", "状态", choices=LifeEvent.Status.choices),
                    Filter("kind", "事项", choices=LIFE_EVENT_KINDS)],
            default_sort="-reported_at", per_page=30, empty_text="没有待慰问事项。")
        rows = q.events_visible_to(request.user)
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        if table.values["kind"]:
            rows = rows.filter(kind=table.values["kind"])
        table.paginate(rows)
        return self.render_page(table=table, is_office=request.user.has_role(*OFFICE))


class EventNew(SchoolPage):
    template_name = "web/care/event_new.html"
    title = "报告待慰问事项"
    roles = OFFICE_OR_CHAIR

    def form(self):
        user = self.request.user
        members = _current_members()
        if not user.has_role(*OFFICE):
            members = members.filter(branch__chair=user)
        return EventForm(self.request.POST or None, initial={"occurred_on": timezone.localdate()}, members=members)

    def get(self, request):
        return self.render_page(form=self.form())

    def post(self, request):
        form = self.form()
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.life_event_report(
                by=request.user, member=data["member"], kind=data["kind"], occurred_on=data["occurred_on"],
                note=data["note"]), form=form, success="已报告，校工会将安排慰问。")
            if done:
                return redirect("school:care-event", pk=done.value.pk)
        return self.render_page(form=form)


class EventDetail(SchoolPage):
    template_name = "web/care/event_detail.html"
    title = "待慰问事项"
    roles = OFFICE_OR_CHAIR

    def get(self, request, pk):
        event = _visible_event(request.user, pk)
        return self.render_page(event=event, visits=event.visits.all(),
                                can_handle=event.status == LifeEvent.Status.REPORTED and request.user.has_role(*OFFICE),
                                history=state_history(event, s.LIFE_EVENT_FLOW))


class EventClose(SchoolPage):
    http_method_names = ["post"]
    roles = OFFICE

    def post(self, request, pk):
        event = _visible_event(request.user, pk)
        reason = request.POST.get("reason", "").strip()
        self.call_service(lambda: s.life_event_close(event=event, by=request.user, reason=reason),
                          success="已关闭。")
        return redirect("school:care-event", pk=pk)


# --- batches --------------------------------------------------------------------------------------

class BatchList(SchoolPage):
    template_name = "web/care/batches.html"
    title = "批量慰问"
    roles = OFFICE

    def get(self, request):
        table = Table(request, id="batches", columns=[
            Column("title", "名称", link=lambda b: reverse("school:care") + f"?batch={b.pk}"),
            Column("get_kind_display", "类型"),
            Column("visited_on", "慰问日期", format="date", sort="visited_on"),
            Column("get_scope_display", "范围"),
            Column("count", "人数"),
            Column("per_head", "人均", format="money"),
            Column("total", "合计", format="money", sort="total"),
        ], default_sort="-visited_on", per_page=30, empty_text="还没有批量慰问。")
        table.paginate(q.batches_visible_to(request.user))
        return self.render_page(table=table)


class BatchNew(SchoolPage):
    template_name = "web/care/batch_new.html"
    title = "批量慰问"
    roles = OFFICE

    def form(self):
        return BatchForm(self.request.POST or None,
                         initial={"visited_on": timezone.localdate(), "scope": CareBatch.Scope.ALL,
                                  "kind": CareKind.HOLIDAY},
                         branches=Branch.objects.filter(is_active=True),
                         groups=Group.objects.select_related("branch"), members=_current_members())

    def get(self, request):
        return self.render_page(form=self.form(), standards=q.standards_in_force())

    def post(self, request):
        form = self.form()
        preview = None
        if form.is_valid():
            data = form.cleaned_data
            scope = dict(scope=data["scope"], branches=data["branches"], groups=data["groups"],
                         members=data["members"])
            if "preview" in request.POST:
                count = s.batch_members(**scope).count()
                preview = {"count": count}
                try:
                    from tenants.decimals import decimal_in_range

                    preview["total"] = decimal_in_range(data["per_head"], field="per_head", low="0.01",
                                                        high=s.MAX_VISIT_AMOUNT) * count
                except Exception:
                    preview["total"] = None
            else:
                done = self.call_service(lambda: s.batch_record(
                    by=request.user, kind=data["kind"], title=data["title"], visited_on=data["visited_on"],
                    per_head=data["per_head"], visitors=data["visitors"], **scope), form=form)
                if done:
                    batch = done.value
                    from django.contrib import messages

                    messages.success(request, f"已登记 {batch.count} 人的慰问，合计 {batch.total} 元，"
                                              f"已作为一笔支出记入账目（待审批）。")
                    return redirect("school:care-batches")
        return self.render_page(form=form, preview=preview, standards=q.standards_in_force())


# --- standards and figures ------------------------------------------------------------------------

class Standards(SchoolPage):
    template_name = "web/care/standards.html"
    title = "慰问标准"
    roles = OFFICE

    def page(self, standard_form=None, settings_form=None):
        is_admin = self.request.user.has_role(Role.UNION_ADMIN)
        settings = s.care_settings()
        return self.render_page(
            current=q.standards_in_force(), versions=q.standard_versions(), is_admin=is_admin,
            settings=settings,
            standard_form=standard_form or StandardForm(initial={"effective_from": timezone.localdate()}),
            settings_form=settings_form or SettingsForm(initial={"reminder_days": settings.reminder_days}))

    def get(self, request):
        return self.page()

    def post(self, request):
        if not request.user.has_role(Role.UNION_ADMIN):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("只有校工会管理员可以修改慰问标准。")
        if request.POST.get("form") == "settings":
            form = SettingsForm(request.POST)
            if form.is_valid() and self.call_service(lambda: s.care_settings_update(
                    by=request.user, reminder_days=form.cleaned_data["reminder_days"]), form=form,
                    success="提醒天数已保存。"):
                return redirect("school:care-standards")
            return self.page(settings_form=form)
        form = StandardForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if self.call_service(lambda: s.standard_set(by=request.user, **data), form=form,
                                 success="新的慰问标准已保存，自生效日期起适用。"):
                return redirect("school:care-standards")
        return self.page(standard_form=form)


class Figures(SchoolPage):
    template_name = "web/care/figures.html"
    title = "慰问统计"
    roles = OFFICE

    def get(self, request):
        raw = request.GET.get("year", "")
        years = [int(y) for y, _ in _years()]
        year = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in years else years[0]
        return self.render_page(figures=q.care_figures(year), years=years, year=year)


urlpatterns = [
    path("", VisitList.as_view(), name="care"),
    path("visits/new/", VisitNew.as_view(), name="care-visit-new"),
    path("visits/<int:pk>/", VisitDetail.as_view(), name="care-visit"),
    path("visits/<int:pk>/<str:action>/", VisitDecide.as_view(), name="care-visit-act"),
    path("events/", EventList.as_view(), name="care-events"),
    path("events/new/", EventNew.as_view(), name="care-event-new"),
    path("events/<int:pk>/", EventDetail.as_view(), name="care-event"),
    path("events/<int:pk>/close/", EventClose.as_view(), name="care-event-close"),
    path("batches/", BatchList.as_view(), name="care-batches"),
    path("batches/new/", BatchNew.as_view(), name="care-batch-new"),
    path("standards/", Standards.as_view(), name="care-standards"),
    path("figures/", Figures.as_view(), name="care-figures"),
]


def workbench_counters(user) -> dict:
    counters = {}
    if user.has_role(*OFFICE):
        # the items show the member, branch, kind and date (not who reported it, nor the other columns)
        counters["events"] = (q.events_visible_to(user).filter(status=LifeEvent.Status.REPORTED)
                              .select_related(None).select_related("member__branch")
                              .only("id", "kind", "reported_at", "member__name", "member__branch__name")
                              .order_by("reported_at"))
    if user.has_role(Role.UNION_ADMIN):
        counters["approvals"] = (q.pending_visits().exclude(recorded_by=user).select_related("member")
                                 .only("id", "kind", "amount", "created", "member__name").order_by("created"))
    return counters


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    found = counted_many(workbench_counters(user)) if found is None else found
    todos = []
    count, events = found.get("events", (0, []))
    if count:
        overdue = q.overdue_events().exists()
        todos.append(Todo(
            key="care-events", label="待慰问事项", count=count, url=reverse("school:care-events") + "?status=reported",
            urgent=overdue, items=[{"text": f"{e.member.name}（{e.member.branch.name}）{e.get_kind_display()}",
                                    "url": reverse("school:care-event", args=[e.pk]), "when": e.reported_at}
                                   for e in events]))
    count, pending = found.get("approvals", (0, []))
    if count:
        todos.append(Todo(
            key="care-approvals", label="待审批的超标准慰问", count=count,
            url=reverse("school:care") + "?status=pending",
            items=[{"text": f"{v.member.name} {v.get_kind_display()} {v.amount} 元",
                    "url": reverse("school:care-visit", args=[v.pk]), "when": v.created}
                   for v in pending]))
    return todos
