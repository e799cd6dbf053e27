"""Provincial site: 先进教职工之家（小家）.

The admin creates a round (筹备中, with the criteria of the round before), adjusts its criteria,
opens it (申报中), closes it (评审中) and publishes the list (已公布名单); reviewers score each
application against every criterion of its round; the admin or a reviewer records 实地检查 (and,
on a confirmed home, the 复查); the admin confirms or refuses with a reason. The confirmed list
and the re-check list are by year. Every step is the service's (shared/staffhomes/services.py):
its refusals land beside the field they name.

Who: province_admin everything; province_reviewer reads, scores and records inspections (the
decision and the round's steps answer 403); anyone else 403; school hosts 404.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared.staffhomes import selectors
from shared.staffhomes import services as s
from shared.staffhomes.models import Criterion, HomeApplication, ReviewScore, Round
from tenants.accounts.roles import Role
from tenants.audit.services import actor_name
from tenants.models import School
from web.base import ProvincePage
from web.history import state_history
from web.province.staffhomes_forms import CriterionForm, DecisionForm, InspectionForm, ReviewForm, RoundForm
from web.tables import Column, Filter, Table
from web.todo import counted_many
from web.todo import LIST_LENGTH, Todo

ADMIN = frozenset({Role.PROVINCE_ADMIN})
STAFF = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER})
H = HomeApplication.Status
R = Round.Status
STAGES = [("to_score", "待我评分"), ("to_decide", "待决定")]


def _round(pk) -> Round:
    found = selectors.rounds_overview().filter(pk=pk).first()
    if found is None:
        raise Http404("没有这个评选年度")
    return found


def _application(pk) -> HomeApplication:
    found = (HomeApplication.objects.select_related("school", "round")
             .prefetch_related(Prefetch("reviews", queryset=ReviewScore.objects.order_by("scored_at", "id")),
                               "inspections").filter(pk=pk).first())
    if found is None:
        raise Http404("没有这份建家申报")
    return found


def _tabs(current: str) -> list[dict]:
    return [{"label": label, "url": reverse(f"province:{name}"), "current": name == current}
            for name, label in (("staffhomes", "评选年度"), ("staffhomes-applications", "申报"),
                                ("staffhomes-confirmed", "确认名单"), ("staffhomes-recheck", "复查名单"))]


def _application_link(application) -> str:
    return reverse("province:staffhomes-application", args=[application.pk])


# ---- rounds -------------------------------------------------------------------------------------------

class Rounds(ProvincePage):
    template_name = "web/province/staffhomes/rounds.html"
    title = "先进教职工之家"
    roles = STAFF

    def get(self, request):
        years = selectors.round_years()
        table = Table(request, id="rounds", columns=[
            Column("title", "评选", link=lambda r: reverse("province:staffhomes-round", args=[r.pk]), primary=True),
            Column("year", "年度", sort="year"),
            Column("status", "状态", badge=True, sort="status"),
            Column("closes_at", "申报截止", format="datetime", sort="closes_at"),
            Column("application_count", "申报"),
            Column("undecided_count", "待决定"),
            Column("confirmed_count", "已确认"),
        ], filters=[Filter("year", "年度", choices=[(y, f"{y} 年") for y in years]),
                    Filter("status", "状态", choices=R.choices)],
            default_sort="-year", per_page=20, empty_text="还没有评选年度。",
            empty_hint="新建评选后，确认建家标准，再开始申报。")
        rows = selectors.rounds_overview()
        if table.values["year"]:
            rows = rows.filter(year=table.values["year"])
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        return self.render_page(table=table, tabs=_tabs("staffhomes"),
                                is_admin=request.user.has_role(Role.PROVINCE_ADMIN))


class RoundNew(ProvincePage):
    template_name = "web/province/staffhomes/round_form.html"
    title = "新建评选"
    roles = ADMIN

    def get(self, request):
        return self.render_page(form=RoundForm.for_new_round())

    def post(self, request):
        form = RoundForm(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: s.round_create(by=request.user, **form.fields_for_service()),
                                        form=form, success="评选已建立（筹备中）。请确认建家标准，然后开始申报。")
            if created:
                return redirect("province:staffhomes-round", pk=created.value.pk)
        return self.render_page(form=form)


class RoundEdit(ProvincePage):
    template_name = "web/province/staffhomes/round_form.html"
    title = "修改评选"
    roles = ADMIN

    def get(self, request, pk):
        round_ = _round(pk)
        initial = {name: getattr(round_, name) for name in RoundForm.base_fields}
        return self.render_page(form=RoundForm(initial=initial), round=round_)

    def post(self, request, pk):
        round_ = _round(pk)
        form = RoundForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.round_update(round=round_, by=request.user, **form.fields_for_service()),
                form=form, success="已保存。"):
            return redirect("province:staffhomes-round", pk=round_.pk)
        return self.render_page(form=form, round=round_)


class RoundDetail(ProvincePage):
    """One round: its facts and steps, its criteria (set while 筹备中), its applications, its history."""

    template_name = "web/province/staffhomes/round.html"
    roles = STAFF

    def page(self, round_, criterion_form=None):
        is_admin = self.request.user.has_role(Role.PROVINCE_ADMIN)
        table = Table(self.request, id="applications", columns=[
            Column("unit_name", "申报单位", link=_application_link, primary=True, sort="unit_name"),
            Column("school.name", "学校", sort="school__name"),
            Column("get_level_display", "类别"),
            Column("review_count", "评审人数"),
            Column("review_total", "评审均分", sort="review_total"),
            Column("status", "状态", badge=True, sort="status"),
        ], filters=[Filter("status", "状态", choices=H.choices), Filter("q", "搜索", placeholder="单位或学校")],
            default_sort="school__name", per_page=20, empty_text="还没有学校申报。",
            empty_hint="开始申报后，学校在本校站点的“省级事项 → 先进教职工之家”申报。")
        table.paginate(selectors.province_applications(round_=round_, status=table.values["status"],
                                                       q=table.values["q"]))
        criteria = list(selectors.criteria_of(round_))
        editable = is_admin and round_.status == R.DRAFT
        return self.render_page(
            round=round_, page_title=round_.title, criteria=criteria, applications=table,
            total_max=sum(c.max_score for c in criteria), is_admin=is_admin, editable=editable,
            criterion_form=criterion_form or (CriterionForm() if editable else None),
            history=state_history(round_, s.ROUND_FLOW), now=timezone.now())

    def get(self, request, pk):
        return self.page(_round(pk))


class CriterionNew(RoundDetail):
    """新增建家标准 (the form is on the round's page)."""

    roles = ADMIN
    http_method_names = ["post"]

    def post(self, request, pk):
        round_ = _round(pk)
        form = CriterionForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.criterion_create(round=round_, by=request.user, **form.fields_for_service()),
                form=form, success="建家标准已添加。"):
            return redirect(reverse("province:staffhomes-round", args=[round_.pk]) + "#criteria")
        return self.page(round_, criterion_form=form)


def _criterion(round_, criterion_pk) -> Criterion:
    found = round_.criteria.filter(pk=criterion_pk).first()
    if found is None:
        raise Http404("没有这项建家标准")
    return found


class CriterionEdit(ProvincePage):
    template_name = "web/province/staffhomes/criterion_form.html"
    title = "修改建家标准"
    roles = ADMIN

    def get(self, request, pk, criterion):
        round_ = _round(pk)
        found = _criterion(round_, criterion)
        return self.render_page(form=CriterionForm.for_criterion(found), round=round_, criterion=found)

    def post(self, request, pk, criterion):
        round_ = _round(pk)
        found = _criterion(round_, criterion)
        form = CriterionForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.criterion_update(criterion=found, by=request.user, **form.fields_for_service()),
                form=form, success="建家标准已保存。"):
            return redirect(reverse("province:staffhomes-round", args=[round_.pk]) + "#criteria")
        return self.render_page(form=form, round=round_, criterion=found)


class CriterionDelete(ProvincePage):
    roles = ADMIN
    http_method_names = ["post"]

    def post(self, request, pk, criterion):
        round_ = _round(pk)
        found = _criterion(round_, criterion)
        name = found.name
        self.call_service(lambda: s.criterion_delete(criterion=found, by=request.user),
                          success=f"建家标准“{name}”已删除。")
        return redirect(reverse("province:staffhomes-round", args=[round_.pk]) + "#criteria")


ROUND_STEPS = {
    "open": (lambda round_, by: s.round_open(round=round_, by=by), "已开始申报：学校现在可以在本校站点申报。"),
    "close": (lambda round_, by: s.round_close(round=round_, by=by), "已截止申报：学校不能再申报，评审继续。"),
    "publish": (lambda round_, by: s.round_publish_list(round=round_, by=by), "名单已公布。"),
}


class RoundStep(ProvincePage):
    """开始申报 / 截止申报 / 公布名单: through the round's state machine; the service says why not."""

    roles = ADMIN
    http_method_names = ["post"]

    def post(self, request, pk, step):
        if step not in ROUND_STEPS:
            raise Http404
        round_ = _round(pk)
        service, done = ROUND_STEPS[step]
        self.call_service(lambda: service(round_, request.user), success=done)
        return redirect("province:staffhomes-round", pk=round_.pk)


# ---- applications ---------------------------------------------------------------------------------

class Applications(ProvincePage):
    template_name = "web/province/staffhomes/applications.html"
    title = "建家申报"
    roles = STAFF

    def get(self, request):
        table = Table(request, id="applications", columns=[
            Column("unit_name", "申报单位", link=_application_link, primary=True, sort="unit_name"),
            Column("school.name", "学校", sort="school__name"),
            Column("get_level_display", "类别"),
            Column("round.title", "评选"),
            Column("review_count", "评审人数"),
            Column("review_total", "评审均分", sort="review_total"),
            Column("status", "状态", badge=True, sort="status"),
        ], filters=[
            Filter("stage", "待办", choices=STAGES),
            Filter("round", "评选", choices=[(r.pk, r.title) for r in Round.objects.exclude(status=R.DRAFT)]),
            Filter("status", "状态", choices=H.choices),
            Filter("level", "类别", choices=HomeApplication.Level.choices),
            Filter("school", "学校", choices=[(sc.slug, sc.name) for sc in
                                              School.objects.exclude(schema_name=get_public_schema_name())
                                              .order_by("name")]),
            Filter("q", "搜索", placeholder="单位或学校"),
        ], default_sort="-submitted_at", per_page=20, empty_text="还没有学校申报。")
        v = table.values
        rows = selectors.province_applications(round_=v["round"] or None, status=v["status"], level=v["level"],
                                               school=v["school"], q=v["q"])
        if v["stage"] == "to_score":
            rows = selectors.applications_to_score(request.user, rows)
        elif v["stage"] == "to_decide":
            rows = selectors.applications_to_decide(rows)
        table.paginate(rows)
        return self.render_page(table=table, tabs=_tabs("staffhomes-applications"))


class ApplicationDetail(ProvincePage):
    """One application: the self-scores beside every reviewer's, materials, inspections, and the steps
    this person may take (score; record an inspection or 复查; decide — the admin only)."""

    template_name = "web/province/staffhomes/application.html"
    roles = STAFF

    def page(self, application, *, review_form=None, inspection_form=None, decision_form=None):
        user = self.request.user
        is_admin = user.has_role(Role.PROVINCE_ADMIN)
        criteria = list(selectors.criteria_of(application.round))
        reviews = list(application.reviews.all())
        mine = next((r for r in reviews if r.reviewer == actor_name(user)), None)
        rows = [{"criterion": c, "self": application.self_scores.get(str(c.pk)),
                 "reviews": [{"who": r.reviewer, "score": r.scores.get(str(c.pk))} for r in reviews]}
                for c in criteria]
        deciding = application.status == H.SUBMITTED and application.round.status in selectors.DECIDING
        can_inspect = application.status in (H.SUBMITTED, H.CONFIRMED)
        return self.render_page(
            application=application, page_title=f"{application.school.name} · {application.unit_name}",
            rows=rows, reviews=reviews, self_total=_total(application.self_scores.values()),
            total_max=sum(c.max_score for c in criteria), mine=mine, is_admin=is_admin,
            materials=application.materials.order_by("uploaded_at", "id"),
            inspections=application.inspections.all(),
            review_form=review_form or (ReviewForm(criteria=criteria, mine=mine) if deciding else None),
            inspection_form=inspection_form or (InspectionForm.for_today() if can_inspect else None),
            decision_form=decision_form or (DecisionForm() if deciding and is_admin else None),
            deciding=deciding, history=state_history(application, s.HOME_FLOW))

    def get(self, request, pk):
        return self.page(_application(pk))


def _total(values) -> Decimal:
    total = Decimal("0")
    for value in values:
        try:
            total += Decimal(str(value))
        except InvalidOperation:
            continue
    return total


class ApplicationReview(ApplicationDetail):
    roles = STAFF
    http_method_names = ["post"]

    def post(self, request, pk):
        application = _application(pk)
        form = ReviewForm(request.POST, criteria=selectors.criteria_of(application.round))
        if form.is_valid() and self.call_service(lambda: s.review_submit(
                application=application, by=request.user, scores=form.scores(),
                comment=form.cleaned_data["comment"]), form=form, success="评分已保存。"):
            return redirect(reverse("province:staffhomes-application", args=[pk]) + "#scores")
        return self.page(application, review_form=form)


class ApplicationInspection(ApplicationDetail):
    roles = STAFF
    http_method_names = ["post"]

    def post(self, request, pk):
        application = _application(pk)
        form = InspectionForm(request.POST)
        done = "复查记录已保存。" if application.status == H.CONFIRMED else "实地检查记录已保存。"
        if form.is_valid() and self.call_service(lambda: s.inspection_record(
                application=application, by=request.user, **form.cleaned_data), form=form, success=done):
            return redirect(reverse("province:staffhomes-application", args=[pk]) + "#inspections")
        return self.page(application, inspection_form=form)


class ApplicationDecide(ApplicationDetail):
    """确认 / 不予确认: the admin only (a reviewer's post answers 403 before anything runs)."""

    roles = ADMIN
    http_method_names = ["post"]

    def post(self, request, pk):
        application = _application(pk)
        form = DecisionForm(request.POST)
        decision = request.POST.get("decision", "")
        if form.is_valid():
            if decision not in ("confirm", "reject"):
                form.add_error(None, "请选择“确认”或“不予确认”。")
            elif self.call_service(lambda: s.application_decide(
                    application=application, by=request.user, confirm=decision == "confirm",
                    note=form.cleaned_data["note"]), form=form,
                    success="已确认为先进。" if decision == "confirm" else "已不予确认。"):
                return redirect("province:staffhomes-application", pk=pk)
        return self.page(application, decision_form=form)


# ---- the confirmed list and the re-check list ------------------------------------------------------

def _home_columns(*extra):
    return [Column("unit_name", "单位", link=_application_link, primary=True, sort="unit_name"),
            Column("school.name", "学校", sort="school__name"),
            Column("get_level_display", "类别", sort="level"),
            Column("round.year", "确认年度", sort="round__year"),
            *extra]


class Confirmed(ProvincePage):
    template_name = "web/province/staffhomes/homes.html"
    title = "确认名单"
    roles = STAFF

    def get(self, request):
        table = Table(request, id="homes", columns=_home_columns(
            Column("review_total", "评审均分", sort="review_total"),
            Column("recheck_year", "复查年度", sort="recheck_year")),
            filters=[Filter("year", "确认年度", choices=[(y, f"{y} 年") for y in selectors.round_years()]),
                     Filter("level", "类别", choices=HomeApplication.Level.choices)],
            per_page=50, empty_text="还没有确认的先进教职工之家（小家）。")
        rows = selectors.confirmed_homes(year=int(table.values["year"]) if table.values["year"] else None)
        if table.values["level"]:
            rows = rows.filter(level=table.values["level"])
        table.paginate(rows)
        return self.render_page(table=table, tabs=_tabs("staffhomes-confirmed"),
                                intro="自治区教育工会确认的先进教职工之家（小家），按确认年度。")


class Recheck(ProvincePage):
    template_name = "web/province/staffhomes/homes.html"
    title = "复查名单"
    roles = STAFF

    def get(self, request):
        this_year = timezone.localdate().year
        due_years = set(selectors.confirmed_homes().exclude(recheck_year=None)
                        .values_list("recheck_year", flat=True))
        years = sorted(due_years | {this_year}, reverse=True)
        table = Table(request, id="homes", columns=_home_columns(
            Column("recheck_year", "应复查年度", sort="recheck_year"),
            Column("recheck_state", "复查情况")),
            filters=[Filter("year", "复查年度", choices=[(y, f"{y} 年") for y in years])],
            per_page=50, empty_text="这一年没有到期复查的称号。",
            empty_hint="称号在确认年度之后按评选设定的年限复查；换个年度看看。")
        year = int(table.values["year"] or this_year)
        table.paginate(selectors.due_for_recheck(year=year))
        for home in table.page:
            if home.rechecked_on:
                home.recheck_state = f"已复查（{home.rechecked_on:%Y-%m-%d}）"
            elif home.recheck_year < year:
                home.recheck_state = f"逾期未复查（应于 {home.recheck_year} 年）"
            else:
                home.recheck_state = "待复查"
        return self.render_page(table=table, tabs=_tabs("staffhomes-recheck"), page_title=f"{year} 年复查名单",
                                intro=f"{year} 年到期复查的称号，以及更早到期、尚未复查的。在申报页记录实地检查即为复查。")


urlpatterns = [
    path("", Rounds.as_view(), name="staffhomes"),
    path("rounds/new/", RoundNew.as_view(), name="staffhomes-round-new"),
    path("rounds/<int:pk>/", RoundDetail.as_view(), name="staffhomes-round"),
    path("rounds/<int:pk>/edit/", RoundEdit.as_view(), name="staffhomes-round-edit"),
    path("rounds/<int:pk>/step/<slug:step>/", RoundStep.as_view(), name="staffhomes-round-step"),
    path("rounds/<int:pk>/criteria/", CriterionNew.as_view(), name="staffhomes-criterion-new"),
    path("rounds/<int:pk>/criteria/<int:criterion>/", CriterionEdit.as_view(), name="staffhomes-criterion"),
    path("rounds/<int:pk>/criteria/<int:criterion>/delete/", CriterionDelete.as_view(),
         name="staffhomes-criterion-delete"),
    path("applications/", Applications.as_view(), name="staffhomes-applications"),
    path("applications/<int:pk>/", ApplicationDetail.as_view(), name="staffhomes-application"),
    path("applications/<int:pk>/review/", ApplicationReview.as_view(), name="staffhomes-review"),
    path("applications/<int:pk>/inspection/", ApplicationInspection.as_view(), name="staffhomes-inspection"),
    path("applications/<int:pk>/decide/", ApplicationDecide.as_view(), name="staffhomes-decide"),
    path("confirmed/", Confirmed.as_view(), name="staffhomes-confirmed"),
    path("recheck/", Recheck.as_view(), name="staffhomes-recheck"),
]


# ---- the workbench ---------------------------------------------------------------------------------

def workbench_counters(user) -> dict:
    counters = {}
    if user.has_role(Role.PROVINCE_REVIEWER):
        counters["to_score"] = selectors.applications_to_score(user).order_by("submitted_at", "id")
    if user.has_role(Role.PROVINCE_ADMIN):
        counters["to_decide"] = selectors.applications_to_decide().order_by("submitted_at", "id")
    return counters


def workbench_todos(user, found: dict | None = None) -> list:
    """province_reviewer: applications to score; province_admin: applications waiting for a decision
    and rounds whose deadline is near or past (to close)."""
    todos = []
    found = counted_many(workbench_counters(user)) if found is None else found
    applications = reverse("province:staffhomes-applications")
    if user.has_role(Role.PROVINCE_REVIEWER):
        count, rows = found["to_score"]
        todos.append(Todo("staffhomes_to_score", "待评分的建家申报", count, f"{applications}?stage=to_score",
                          items=[{"text": f"{a.school.name} {a.unit_name}", "url": _application_link(a),
                                  "when": a.submitted_at} for a in rows]))
    if user.has_role(Role.PROVINCE_ADMIN):
        count, rows = found["to_decide"]
        todos.append(Todo("staffhomes_to_decide", "待确认的建家申报", count, f"{applications}?stage=to_decide",
                          items=[{"text": f"{a.school.name} {a.unit_name}（评审均分 {a.review_total}）",
                                  "url": _application_link(a), "when": a.submitted_at} for a in rows]))
        closing = list(selectors.rounds_closing())  # a handful of rounds: all are looked at for `urgent`
        now = timezone.now()
        todos.append(Todo("staffhomes_closing", "建家申报临近截止", len(closing),
                          f"{reverse('province:staffhomes')}?status=open",
                          urgent=any(r.closes_at <= now for r in closing),
                          items=[{"text": f"{r.title}{'（已过截止，待截止申报）' if r.closes_at <= now else ''}",
                                  "url": reverse("province:staffhomes-round", args=[r.pk]), "when": r.closes_at}
                                 for r in closing[:LIST_LENGTH]]))
    return todos
