"""Pages of 疗休养：批次、资格规则、申请、按规则排序的遴选、确认与替补（issue #11）.

Everyone of the school reads the batches and the rules and applies for themselves (also from the
我的 portal); a branch chair enters applications for their branch; the union office sets the rules,
creates batches and selects. Every change is the service's (tenants.trips.services), who sees what
the selectors' (tenants.trips.selectors) — these pages add no rule of their own.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.members.models import Member
from tenants.trips import selectors as q
from tenants.trips import services as s
from tenants.trips.models import TripApplication, TripBatch
from web.base import SchoolPage
from web.history import state_history
from web.school import Section
from web.school.trips_forms import ApplyForm, BatchForm, PlacesForm, RulesForm
from web.tables import Column, Filter, Table
from web.todo import LIST_LENGTH, Todo, counted_many

OFFICE = q.TRIP_OFFICE
A = TripApplication.Status
B = TripBatch.Status


def _is_office(user) -> bool:
    return user.has_role(*OFFICE)


def _batch(user, pk) -> TripBatch:
    batch = q.batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("没有这一批疗休养")
    return batch


def _application(user, pk) -> TripApplication:
    application = q.applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise Http404("没有这份申请")
    return application


def _own_member(user) -> Member | None:
    return Member.objects.filter(user=user).select_related("branch").first()


def _enterable_members(user):
    """Whom this user may enter an application for (the office: anyone; a chair: their branch)."""
    members = Member.objects.filter(status=Member.Status.ACTIVE).select_related("branch")
    if _is_office(user):
        return members
    if user.has_role(Role.BRANCH_CHAIR):
        return members.filter(branch__chair=user)
    return members.none()


class BatchList(SchoolPage):
    template_name = "web/trips/batches.html"
    title = "疗休养"

    def get(self, request):
        table = Table(request, id="trips", columns=[
            Column("title", "批次", link=lambda b: reverse("school:trip", args=[b.pk])),
            Column("destination", "目的地"),
            Column("starts_on", "出发日期", format="date", sort="starts_on"),
            Column("places", "名额"),
            Column("applications_close_on", "报名截止", format="date"),
            Column("status", "状态", badge=True),
        ], filters=[Filter("status", "状态", choices=B.choices)],
            default_sort="-starts_on", per_page=20, empty_text="还没有疗休养批次。")
        rows = q.batches_visible_to(request.user)
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        year = timezone.localdate().year
        member = _own_member(request.user)
        trips, travellers = q.trips_per_year(), q.travellers_per_year()
        return self.render_page(
            table=table, is_office=_is_office(request.user), rules=q.trip_rules(),
            mine=q.member_history(member)[:LIST_LENGTH] if member else [],
            years=[{"year": y, "trips": trips.get(y, 0), "travellers": travellers.get(y, 0)}
                   for y in range(year, year - 5, -1)] if _is_office(request.user) else [])


class BatchNew(SchoolPage):
    template_name = "web/trips/batch_new.html"
    title = "新建疗休养批次"
    roles = OFFICE

    def get(self, request):
        today = timezone.localdate()
        return self.render_page(form=BatchForm(initial={"applications_open_on": today}))

    def post(self, request):
        form = BatchForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: s.batch_create(by=request.user, **form.cleaned_data), form=form,
                                     success="批次已创建，会员可在报名时间内申请。")
            if done:
                return redirect("school:trip", pk=done.value.pk)
        return self.render_page(form=form)


class BatchDetail(SchoolPage):
    template_name = "web/trips/batch_detail.html"
    title = "疗休养批次"

    def get(self, request, pk):
        return self.page(_batch(request.user, pk))

    def page(self, batch, apply_form=None, places_form=None, cancel_reason=None):
        user = self.request.user
        is_office = _is_office(user)
        member = _own_member(user)
        mine = batch.applications.filter(member=member).first() if member else None
        today = timezone.localdate()
        can_self_apply = (member is not None and batch.status == B.OPEN and (mine is None or mine.status == A.WITHDRAWN)
                          and batch.applications_open_on <= today <= batch.applications_close_on)
        problems = []
        if can_self_apply:
            problems = q.member_problems(member, batch)
        enterable = _enterable_members(user)
        can_enter = batch.status == B.OPEN and enterable.exists()
        ranking = q.ranking(batch) if is_office else []
        branch_rows = []
        if not is_office and user.has_role(Role.BRANCH_CHAIR):
            branch_rows = list(q.applications_visible_to(user).filter(batch=batch, member__branch__chair=user))
        return self.render_page(
            batch=batch, is_office=is_office, mine=mine, can_self_apply=can_self_apply, problems=problems,
            can_enter=can_enter, apply_form=apply_form or (ApplyForm(members=enterable) if can_enter else None),
            places_form=places_form or PlacesForm(initial={"places": batch.places}),
            cancel_failed=cancel_reason is not None, cancel_reason=cancel_reason or "",
            ranking=ranking, branch_rows=branch_rows, holding=q.holding_count(batch), rules=q.trip_rules(),
            actions=s.BATCH_FLOW.allowed_actions(state=batch.status, user=user),
            history=state_history(batch, s.BATCH_FLOW) if is_office else None)


class BatchApply(BatchDetail):
    """POST: apply for oneself (no member chosen) or enter an application for a member."""

    http_method_names = ["post"]

    def post(self, request, pk):
        batch = _batch(request.user, pk)
        if request.POST.get("member"):
            form = ApplyForm(request.POST, members=_enterable_members(request.user))
            if not form.is_valid():
                return self.page(batch, apply_form=form)
            member, note = form.cleaned_data["member"], form.cleaned_data["note"]
        else:
            form, member, note = None, _own_member(request.user), request.POST.get("note", "")
            if member is None:
                messages.error(request, "您的账号没有关联会员档案，请联系校工会。")
                return redirect("school:trip", pk=pk)
        done = self.call_service(lambda: s.application_submit(by=request.user, batch=batch, member=member,
                                                              note=note),
                                 form=form, success=("申请已提交。" if member.user_id == request.user.id
                                                     else f"已为{member.name}提交申请。"))
        if not done and form is not None:
            return self.page(batch, apply_form=form)
        return redirect(request.POST.get("next") if request.POST.get("next") == "/me/" else
                        reverse("school:trip", args=[pk]))


BATCH_STEPS = {
    "close_applications": (s.batch_close_applications, "已截止报名，可以开始遴选。"),
    "fill": (s.selection_fill, "已按规则排序填满空余名额，入选者已收到通知。"),
    "confirm": (s.batch_confirm, "名单已确定，参加人员已收到通知。"),
    "travel": (s.batch_travel, "已登记出行，费用已记入账目（待审批）。"),
}


class BatchAct(BatchDetail):
    http_method_names = ["post"]
    roles = OFFICE

    def post(self, request, pk, action):
        batch = _batch(request.user, pk)
        if action == "cancel":
            reason = request.POST.get("reason", "").strip()
            done = self.call_service(lambda: s.batch_cancel(by=request.user, batch=batch, reason=reason),
                                     success="批次已取消，已入选者已收到通知。")
            if not done:  # the refusal shows with the 取消批次 fold open, the typed reason kept
                return self.page(batch, cancel_reason=reason)
        elif action == "places":
            form = PlacesForm(request.POST)
            form.is_valid()
            done = self.call_service(lambda: s.batch_set_places(by=request.user, batch=batch,
                                                                places=form.cleaned_data.get("places")),
                                     form=form, success="名额已修改。")
            if not done:
                return self.page(batch, places_form=form)
        elif action in BATCH_STEPS:
            service, success = BATCH_STEPS[action]
            self.call_service(lambda: service(by=request.user, batch=batch), success=success)
        else:
            raise Http404
        return redirect("school:trip", pk=pk)


APPLICATION_STEPS = {
    "confirm": (s.application_confirm, False, "已确认参加。"),
    "decline": (s.application_decline, True, "已放弃名额，名额将由排序下一位递补。"),
    "withdraw": (s.application_withdraw, False, "申请已撤回。"),
    "select": (s.application_select, True, "已入选，本人已收到通知。"),
    "deselect": (s.application_deselect, True, "已取消入选。"),
}


class ApplicationAct(SchoolPage):
    http_method_names = ["post"]

    def post(self, request, pk, action):
        application = _application(request.user, pk)
        if action not in APPLICATION_STEPS:
            raise Http404
        service, with_reason, success = APPLICATION_STEPS[action]
        extra = {"reason": request.POST.get("reason", "").strip()} if with_reason else {}
        self.call_service(lambda: service(by=request.user, application=application, **extra), success=success)
        if request.POST.get("next") == "/me/":
            return redirect("/me/")
        return redirect("school:trip", pk=application.batch_id)


class Rules(SchoolPage):
    template_name = "web/trips/rules.html"
    title = "疗休养规则"

    def page(self, form=None):
        rules = q.trip_rules()
        initial = {name: getattr(rules, name) for name in s.RULE_FIELDS}
        return self.render_page(rules=rules, is_office=_is_office(self.request.user),
                                form=form or RulesForm(initial=initial))

    def get(self, request):
        return self.page()

    def post(self, request):
        if not _is_office(request.user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("只有校工会管理员可以修改疗休养规则。")
        form = RulesForm(request.POST)
        if form.is_valid() and self.call_service(lambda: s.rules_update(by=request.user, **form.cleaned_data),
                                                 form=form, success="规则已保存，之后的排序按新规则计算。"):
            return redirect("school:trip-rules")
        return self.page(form)


urlpatterns = [
    path("", BatchList.as_view(), name="trips"),
    path("new/", BatchNew.as_view(), name="trip-new"),
    path("rules/", Rules.as_view(), name="trip-rules"),
    path("<int:pk>/", BatchDetail.as_view(), name="trip"),
    path("<int:pk>/apply/", BatchApply.as_view(), name="trip-apply"),
    path("<int:pk>/do/<str:action>/", BatchAct.as_view(), name="trip-act"),
    path("applications/<int:pk>/<str:action>/", ApplicationAct.as_view(), name="trip-application-act"),
]


def workbench_counters(user) -> dict:
    counters = {}
    if _is_office(user):
        counters["selection"] = (q.awaiting_selection().only("id", "title", "destination", "places",
                                                              "applications_close_on")
                                 .order_by("applications_close_on"))
        counters["confirmations"] = (q.pending_confirmations().select_related("member", "batch")
                                     .only("id", "offered_at", "member__name", "batch__title").order_by("offered_at"))
    counters["mine"] = (q.pending_confirmations().filter(member__user=user).select_related("batch")
                        .only("id", "offered_at", "batch__title", "batch__destination"))
    return counters


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    found = counted_many(workbench_counters(user)) if found is None else found
    todos = []
    count, waiting = found.get("selection", (0, []))
    if count:
        todos.append(Todo(key="trips-selection", label="待遴选的疗休养批次", count=count,
                          url=reverse("school:trips"),
                          items=[{"text": f"{b.title}（{b.destination}，{b.places} 个名额）",
                                  "url": reverse("school:trip", args=[b.pk]), "when": b.applications_close_on}
                                 for b in waiting]))
    count, pending = found.get("confirmations", (0, []))
    if count:
        todos.append(Todo(key="trips-confirmations", label="疗休养待确认的入选者", count=count,
                          url=reverse("school:trips"),
                          items=[{"text": f"{a.member.name} · {a.batch.title}",
                                  "url": reverse("school:trip", args=[a.batch_id]), "when": a.offered_at}
                                 for a in pending]))
    count, mine = found["mine"]
    if count:
        todos.append(Todo(key="trips-mine", label="请确认是否参加疗休养", count=count, url="/me/", urgent=True,
                          items=[{"text": f"{a.batch.title}（{a.batch.destination}）",
                                  "url": reverse("school:trip", args=[a.batch_id]), "when": a.offered_at}
                                 for a in mine]))
    return todos


def member_sections(user, member) -> list:
    """The member's trip history, for the office and the chair of their branch."""
    if not (_is_office(user) or (user.has_role(Role.BRANCH_CHAIR) and member.branch.chair_id == user.pk)):
        return []
    return [Section(template="web/trips/_member_history.html",
                    context={"rows": list(q.member_history(member)), "member": member})]


def portal_sections(user, member) -> list:
    """On 我的: my applications (confirm or decline a place there) and the batches open now."""
    if member is None:
        return []
    rows = list(q.member_history(member)[:10])
    applied = {a.batch_id for a in rows if a.status != A.WITHDRAWN}
    rules = q.trip_rules()
    # the service's own rules decide whether 我要申请 is offered; otherwise the reasons are shown
    open_now = [{"batch": b, "problems": q.member_problems(member, b, rules)}
                for b in q.open_batches(timezone.localdate()) if b.pk not in applied]
    if not rows and not open_now:
        return []
    return [Section(template="web/trips/_portal.html", context={"rows": rows, "open": open_now})]
