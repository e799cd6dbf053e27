"""Pages of 活动、报名、签到（issue #11）.

Everyone of the school sees published activities and signs up in two taps (the activity → 报名, or
候补报名 when it is full; no confirm dialog: cancelling is easy until the deadline); the
organiser (the union office, or the chair of the organising branch) creates, opens, closes, moves
people, checks them in with the phone's camera or a typed code, and records the activity as held
with its cost. Every change is tenants.activities.services'; who sees what is the selectors'.
"""
from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.activities import selectors as q
from tenants.activities import services as s
from tenants.activities.models import Activity, ActivityKind, Registration
from tenants.members.models import Branch, Member
from web.base import SchoolPage
from web.history import state_history
from web.school import Section
from web.school.activities_forms import ActivityForm, CheckInForm, HoldForm, SignUpForm, TeamForm
from web.tables import Column, Filter, Table
from web.todo import Todo, counted_many

ORGANISERS = frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR})
R = Registration.Status


def _visible(user, pk) -> Activity:
    activity = q.activities_visible_to(user).filter(pk=pk).first()
    if activity is None:
        raise Http404("没有这项活动")
    return activity


def _organised(user, pk) -> Activity:
    """404 when the activity is not visible at all; 403 when it is, but this user does not organise it."""
    activity = _visible(user, pk)
    if not s.can_organise(user, activity):
        raise PermissionDenied("只有校工会或主办分工会的主席可以管理这项活动。")
    return activity


def _branches():
    return Branch.objects.filter(is_active=True)


class ActivityList(SchoolPage):
    template_name = "web/activities/list.html"
    title = "活动报名"

    def get(self, request):
        table = Table(request, id="activities", columns=[
            Column("title", "活动", link=lambda a: reverse("school:activity", args=[a.pk]), primary=True),
            Column("get_kind_display", "类型"),
            Column("organiser_label", "主办方"),
            Column("starts_at", "时间", format="datetime", sort="starts_at"),
            Column("place", "地点"),
            Column("registration_closes_at", "报名截止", format="datetime", sort="registration_closes_at"),
            Column("status", "状态", badge=True),
        ], filters=[Filter("kind", "类型", choices=ActivityKind.choices),
                    Filter("status", "状态", choices=Activity.Status.choices), Filter("q", "搜索", placeholder="活动名称")],
            default_sort="-starts_at", per_page=30, empty_text="还没有活动。")
        rows = q.activities_visible_to(request.user)
        v = table.values
        if v["kind"]:
            rows = rows.filter(kind=v["kind"])
        if v["status"]:
            rows = rows.filter(status=v["status"])
        if v["q"]:
            rows = rows.filter(title__icontains=v["q"])
        table.paginate(rows)
        member = q.member_of(request.user)
        # is_office: the roles of the office-only pages linked from here (活动统计, and the yearly 体检,
        # organised by batches rather than sign-ups on its own pages)
        return self.render_page(table=table, can_create=request.user.has_role(*ORGANISERS),
                                is_office=request.user.has_role(Role.UNION_ADMIN),
                                mine=q.registrations_of(member).filter(status__in=[R.CONFIRMED, R.WAITLISTED])[:10]
                                if member else [])


class ActivityNew(SchoolPage):
    template_name = "web/activities/new.html"
    title = "发起活动"
    roles = ORGANISERS

    def branches(self):
        user = self.request.user
        return _branches() if user.has_role(Role.UNION_ADMIN) else _branches().filter(chair=user)

    def get(self, request):
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {"capacity": 50, "registration_opens_at": now, "retirees": "included", "sign_up": "individual"}
        if not request.user.has_role(Role.UNION_ADMIN):
            initial["organiser_branch"] = self.branches().first()
        return self.render_page(form=ActivityForm(initial=initial, branches=self.branches()))

    def post(self, request):
        form = ActivityForm(request.POST, branches=self.branches())
        if form.is_valid():
            data = dict(form.cleaned_data)
            quotas = form.quota_map(_branches())
            if quotas is not None:
                data.pop("quotas")
                branch = data.pop("organiser_branch")
                done = self.call_service(lambda: s.activity_create(by=request.user, organiser_branch=branch,
                                                                   quotas=quotas, **data),
                                         form=form, success="活动已保存为草稿，核对后请开放报名。")
                if done:
                    return redirect("school:activity", pk=done.value.pk)
        return self.render_page(form=form)


class ActivityEdit(SchoolPage):
    """The organiser changes an activity not yet held: capacity (a larger one promotes the waitlist),
    times, place, quotas, requirements. The organiser itself is not changed here."""

    template_name = "web/activities/edit.html"
    title = "修改活动"
    roles = ORGANISERS

    def form(self, activity, data=None):
        if data is not None:
            form = ActivityForm(data, branches=_branches())
        else:
            initial = {f: getattr(activity, f) for f in s.EDITABLE}
            for f in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "cancel_deadline"):
                initial[f] = timezone.localtime(initial[f])
            initial["quotas"] = "\n".join(f"{q.branch.name} {q.places}"
                                          for q in activity.quotas.select_related("branch").order_by("branch__name"))
            form = ActivityForm(initial=initial, branches=_branches())
        del form.fields["organiser_branch"]
        return form

    def page(self, activity, form):
        return self.render_page(activity=activity, form=form, problem=s.update_problem(activity))

    def get(self, request, pk):
        activity = _organised(request.user, pk)
        return self.page(activity, self.form(activity))

    def post(self, request, pk):
        activity = _organised(request.user, pk)
        form = self.form(activity, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            quotas = form.quota_map(_branches())
            if quotas is not None:
                data.pop("quotas")
                done = self.call_service(lambda: s.activity_update(by=request.user, activity=activity,
                                                                   quotas=quotas, **data),
                                         form=form, success="活动已修改。")
                if done:
                    return redirect("school:activity", pk=pk)
        return self.page(activity, form)


class ActivityDetail(SchoolPage):
    template_name = "web/activities/detail.html"
    title = "活动"

    def get(self, request, pk):
        return self.page(_visible(request.user, pk))

    def page(self, activity, sign_up_form=None, team_form=None):
        user = request_user = self.request.user
        member = q.member_of(user)
        organiser = s.can_organise(user, activity)
        mine = (activity.registrations.filter(member=member, status__in=[R.CONFIRMED, R.WAITLISTED]).first()
                if member else None)
        context = dict(activity=activity, organiser=organiser, mine=mine,
                       mine_place=s.waitlist_place(mine) if mine else None, counts=s.counts(activity),
                       quotas=activity.quotas.select_related("branch"),
                       can_sign_up=(mine is None and activity.sign_up == Activity.SignUp.INDIVIDUAL
                                    and s.may_sign_up(activity, member)),
                       sign_up_form=sign_up_form or SignUpForm(),
                       history=state_history(activity, s.ACTIVITY_FLOW))
        if member and mine is None and activity.status == Activity.Status.OPEN:
            problem = s.eligibility_problem(activity, member)
            context["why_not"] = problem[1] if problem else ""
        if organiser:
            registrations = list(activity.registrations.filter(status__in=[R.CONFIRMED, R.WAITLISTED])
                                 .select_related("member", "branch", "team").order_by("status", "arrival"))
            moves = s.moves_for(user, activity, registrations)
            checking_in = s.check_in_problem(activity) is None
            for r in registrations:
                r.moves = moves.get(r.pk, [])
                r.can_check_in = checking_in and r.status == R.CONFIRMED and not r.checked_in_at
            context.update(
                editable=s.update_problem(activity) is None,
                actions=[a for a in s.ACTIVITY_FLOW.allowed_actions(state=activity.status, user=user)],
                registrations=registrations,
                by_branch=q.attendance_by_branch(activity), no_shows=q.no_shows(activity)[:200],
                hold_form=HoldForm())
        chaired = _chaired(request_user)
        if activity.sign_up == Activity.SignUp.TEAM and chaired and activity.status == Activity.Status.OPEN:
            context["team_form"] = team_form or TeamForm(members=_team_members(chaired), branches=chaired)
            context["chair_branch"] = chaired[0] if len(chaired) == 1 else None
        return self.render_page(**context)

    def post(self, request, pk):
        """报名 (the second tap, no confirm dialog) or a branch's team."""
        activity = _visible(request.user, pk)
        if request.POST.get("form") == "team":
            chaired = _chaired(request.user)
            if not chaired:
                raise Http404
            form = TeamForm(request.POST, members=_team_members(chaired), branches=chaired)
            if form.is_valid() and self.call_service(lambda: s.team_register(
                    by=request.user, activity=activity, name=form.cleaned_data["name"],
                    members=list(form.cleaned_data["members"]),
                    branch=form.cleaned_data.get("branch") or (chaired[0] if len(chaired) == 1 else None)),
                    form=form, success="已组队报名。"):
                return redirect("school:activity", pk=pk)
            return self.page(activity, team_form=form)
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.registration_create(
                by=request.user, activity=activity, member=q.member_of(request.user), child_name=data["child_name"],
                child_birth_date=data["child_birth_date"]), form=form)
            if done:
                registration = done.value
                if registration.status == R.CONFIRMED:
                    messages.success(request, "报名成功！请在活动当天出示签到码。")
                else:
                    messages.info(request, f"名额已满，您已进入候补（第 {s.waitlist_place(registration)} 位），"
                                           "有名额时自动递补并通知您。")
                return redirect("school:activity", pk=pk)
        return self.page(activity, sign_up_form=form)


def _chaired(user) -> list[Branch]:
    """The branches this user chairs (a team is entered for one of them)."""
    return list(Branch.objects.filter(chair=user).order_by("name"))


def _team_members(branches):
    return (Member.objects.filter(branch__in=branches, status=Member.Status.ACTIVE).select_related("branch")
            .order_by("branch__name", "name"))


class ActivityAct(SchoolPage):
    http_method_names = ["post"]
    roles = ORGANISERS

    def post(self, request, pk, action):
        activity = _organised(request.user, pk)
        if action == "hold":
            form = HoldForm(request.POST)
            form.is_valid()
            self.call_service(lambda: s.activity_hold(by=request.user, activity=activity,
                                                      union_cost=form.cleaned_data.get("union_cost")),
                              success="已登记为已举办；工会支出已记入账目（待审批）。")
        elif action in ("open", "close", "reopen", "cancel"):
            reason = request.POST.get("reason", "").strip()
            label = s.ACTIVITY_FLOW.transitions[action].label
            self.call_service(lambda: s.activity_act(by=request.user, activity=activity, action=action, reason=reason),
                              success=f"已{label}。")
        else:
            raise Http404
        return redirect("school:activity", pk=pk)


class RegistrationAct(SchoolPage):
    """The member cancels their own; the organiser confirms, moves to the waitlist or rejects."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        registration = q.registrations_visible_to(request.user).filter(pk=pk).first()
        if registration is None:
            raise Http404
        reason = request.POST.get("reason", "").strip()
        if action == "cancel":
            self.call_service(lambda: s.registration_cancel(by=request.user, registration=registration, reason=reason),
                              success="已取消报名。")
        elif action == "check-in":
            self.call_service(lambda: s.check_in(by=request.user, activity=registration.activity,
                                                 registration=registration),
                              success=f"{registration.member.name} 已签到。")
        elif action == "move":
            # the reason form's own address (a browser without the buttons' formaction): nothing is changed
            messages.error(request, "请填写原因后点击“确认”“转候补”或“不通过”按钮。")
        elif action in ("confirm", "demote", "reject"):
            self.call_service(lambda: s.registration_move(by=request.user, registration=registration, action=action,
                                                          reason=reason),
                              success="已调整。")
        else:
            raise Http404
        return redirect("school:activity", pk=registration.activity_id)


class RegistrationQR(SchoolPage):
    """The registration's check-in code as a QR (SVG), for the member and the organiser."""

    def get(self, request, pk):
        import segno

        registration = q.registrations_visible_to(request.user).filter(pk=pk).first()
        if registration is None or not s.code_visible_to(request.user, registration):
            raise Http404
        out = io.BytesIO()
        segno.make(registration.code, error="m").save(out, kind="svg", scale=8, border=2)
        response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response


class CheckIn(SchoolPage):
    template_name = "web/activities/checkin.html"
    title = "扫码签到"
    roles = ORGANISERS

    def get(self, request, pk):
        activity = _organised(request.user, pk)
        return self.render_page(activity=activity, form=CheckInForm(), counts=s.counts(activity))

    def post(self, request, pk):
        activity = _organised(request.user, pk)
        form = CheckInForm(request.POST)
        form.is_valid()
        done = self.call_service(lambda: s.check_in(by=request.user, activity=activity,
                                                    code=form.cleaned_data.get("code", "")), form=form)
        if done:
            messages.success(request, f"{done.value.member.name}（{done.value.branch.name}）签到成功。")
            return redirect("school:activity-checkin", pk=pk)
        return self.render_page(activity=activity, form=form, counts=s.counts(activity))


class Export(SchoolPage):
    roles = ORGANISERS

    def get(self, request, pk):
        from api.files import xlsx_response
        from tenants import xlsx
        from tenants.personal_data import mask_phone

        activity = _organised(request.user, pk)
        book = xlsx.new_workbook()
        sheet = book.active
        sheet.title = "报名名单"
        xlsx.append(sheet, ["序号", "姓名", "工号", "分工会", "队名", "状态", "手机号", "报名时间", "签到时间"])
        rows = activity.registrations.filter(status__in=[R.CONFIRMED, R.WAITLISTED]).select_related(
            "member", "branch", "team").order_by("status", "arrival")
        for r in rows:
            xlsx.append(sheet, [r.arrival, r.member.name, r.member.employee_number, r.branch.name,
                                r.team.name if r.team else "", r.get_status_display(), mask_phone(r.member.phone),
                                timezone.localtime(r.registered_at).strftime("%Y-%m-%d %H:%M"),
                                timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "未签到"])
        return xlsx_response(xlsx.to_bytes(book), f"{activity.title}-报名名单.xlsx")


class Figures(SchoolPage):
    template_name = "web/activities/figures.html"
    title = "活动统计"
    roles = frozenset({Role.UNION_ADMIN})

    def get(self, request):
        raw = request.GET.get("year", "")
        this = timezone.localdate().year
        years = list(range(this, this - 5, -1))
        year = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in years else this
        return self.render_page(figures=q.year_figures(year), years=years, year=year)


urlpatterns = [
    path("", ActivityList.as_view(), name="activities"),
    path("new/", ActivityNew.as_view(), name="activity-new"),
    path("figures/", Figures.as_view(), name="activity-figures"),
    path("<int:pk>/", ActivityDetail.as_view(), name="activity"),
    path("<int:pk>/edit/", ActivityEdit.as_view(), name="activity-edit"),
    path("<int:pk>/check-in/", CheckIn.as_view(), name="activity-checkin"),
    path("<int:pk>/export/", Export.as_view(), name="activity-export"),
    path("<int:pk>/<str:action>/", ActivityAct.as_view(), name="activity-act"),
    path("registrations/<int:pk>/qr.svg", RegistrationQR.as_view(), name="activity-qr"),
    path("registrations/<int:pk>/<str:action>/", RegistrationAct.as_view(), name="activity-registration-act"),
]


def workbench_counters(user) -> dict:
    if not user.has_role(*ORGANISERS):
        return {}
    now = timezone.now()
    organised = q.activities_organised_by(user)
    return {
        "closing": organised.filter(status=Activity.Status.OPEN, registration_closes_at__gte=now,
                                    registration_closes_at__lte=now + timezone.timedelta(days=3))
        .order_by("registration_closes_at"),
        "soon": organised.filter(status__in=[Activity.Status.OPEN, Activity.Status.CLOSED],
                                 starts_at__lte=now + timezone.timedelta(days=1)).order_by("starts_at"),
    }


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    found = counted_many(workbench_counters(user)) if found is None else found
    todos = []
    count, first = found.get("closing", (0, []))
    if count:
        todos.append(Todo(key="activities-closing", label="即将截止报名的活动", count=count,
                          url=reverse("school:activities") + "?status=open",
                          items=[{"text": a.title, "url": reverse("school:activity", args=[a.pk]),
                                  "when": a.registration_closes_at} for a in first]))
    count, first = found.get("soon", (0, []))
    if count:
        todos.append(Todo(key="activities-check-in", label="待签到或待登记举办的活动", count=count,
                          url=reverse("school:activities"),
                          urgent=workbench_counters(user)["soon"].filter(ends_at__lt=timezone.now()).exists(),
                          items=[{"text": a.title, "url": reverse("school:activity-checkin", args=[a.pk]),
                                  "when": a.starts_at} for a in first]))
    return todos


def member_sections(user, member) -> list:
    """The member's registrations and attendance on the office's member page."""
    if member is None or not user.has_role(*ORGANISERS):
        return []
    rows = q.registrations_of(member)
    if not user.has_role(Role.UNION_ADMIN):
        rows = rows.filter(activity__organiser_branch__chair=user) | rows.filter(branch__chair=user)
    rows = list(rows[:20])
    return [Section(template="web/activities/_member.html",
                    context={"rows": rows, "attendance": q.member_attendance(member)})]


def portal_sections(user, member) -> list:
    """Open activities this person may sign up for, and 我的报名 with status, code and waitlist place."""
    if member is None:
        return []
    mine = list(q.registrations_of(member).filter(status__in=[R.CONFIRMED, R.WAITLISTED],
                                                 activity__status__in=[Activity.Status.OPEN, Activity.Status.CLOSED]))
    for registration in mine:
        registration.place = s.waitlist_place(registration)
    taken = {r.activity_id for r in mine}
    open_rows = [a for a in q.open_activities()[:30] if a.pk not in taken and a.sign_up == Activity.SignUp.INDIVIDUAL
                 and s.may_sign_up(a, member)][:10]
    for activity in open_rows:
        activity.waitlisting = s.counts(activity)["waitlisting"]
    if not mine and not open_rows:
        return []
    return [Section(template="web/activities/_portal.html", context={"open": open_rows, "mine": mine})]
