"""Provincial site: the member schools (学校) — list, provisioning, suspend / activate / archive,
and each school's page with what it has submitted to the province in every area.

Provisioning is tenants.services.school_provision (the service behind POST /api/v1/schools/ and
`manage.py provision_school`); the lifecycle is school_transition through SCHOOL_LIFECYCLE. The
first admin's generated password is in the answer to the provisioning POST only: it is never
stored (no session, no message), and that answer is marked no-store.
"""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Count, DateTimeField, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from shared.circulars.selectors import circulars_for_school
from shared.competitions.selectors import entries_of
from shared.honours.models import Nomination
from shared.honours.selectors import nominations_of
from shared.staffhomes.models import HomeApplication
from shared.staffhomes.selectors import applications_of as home_applications_of
from shared.stats.models import SchoolStats
from shared.stats.selectors import rates, with_figures
from shared.subsidies.models import Application as SubsidyApplication
from shared.subsidies.selectors import applications_of as subsidy_applications_of
from tenants.accounts.roles import Role
from tenants.audit.selectors import audit_records
from tenants.models import School
from tenants.selectors import schools, schools_in_table, schools_matching
from tenants.services import SCHOOL_LIFECYCLE, school_provision, school_transition
from web.base import ProvincePage
from web.links import slug_link
from web.province.schools_forms import ProvisionForm, ReasonForm
from web.tables import Column, Filter, Table
from web.todo import counted_many
from web.todo import LIST_LENGTH, Todo

ADMIN = frozenset({Role.PROVINCE_ADMIN})
NEVER = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def _school(slug) -> School:
    school = schools().filter(slug=slug).first()
    if school is None:
        raise Http404("没有这所学校")
    return school


def site_url(request, school: School) -> str:
    """The school's own site, on the port this page was reached on (none behind nginx)."""
    domain = school.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    if not domain:
        return ""
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    return f"{request.scheme}://{domain}{':' + port if port else ''}/"


def _page(name: str, *args) -> str:
    """The provincial page of another area, when that area has it (web/province/<area>.py)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class SchoolList(ProvincePage):
    template_name = "web/province/schools/list.html"
    title = "学校"
    roles = ADMIN

    def get(self, request):
        table = Table(request, id="schools", columns=[
            Column("name", "学校", link=slug_link("province:school"), primary=True, sort="name"),
            Column("slug", "站点标识", sort="slug"),
            Column("get_kind_display", "类型"),
            Column("status", "状态", badge=True, sort="status"),
            Column("members_total", "会员总数", sort="members_sort"),
            Column("rolled_up_at", "最近统计", format="datetime", sort="rolled_up_sort", empty="尚未统计"),
            Column("created", "开通时间", format="date", sort="created"),
        ], filters=[Filter("q", "搜索", placeholder="名称、简称、站点标识或地区"),
                    Filter("status", "状态", choices=School.Status.choices),
                    Filter("kind", "类型", choices=School.Kind.choices)],
            default_sort="slug", per_page=20, empty_text="还没有开通学校。",
            empty_hint="点“开通学校”为一所成员学校建立站点和首个管理员。")
        rows = schools(status=table.values["status"] or None)
        if table.values["kind"]:
            rows = rows.filter(kind=table.values["kind"])
        rows = with_figures(schools_in_table(schools_matching(rows, table.values["q"])),
                            year=timezone.localdate().year).alias(
            # Schools never rolled up sort below every figure, in either direction's sense of "least";
            # an alias is in the statement only when the table sorts by it.
            members_sort=Coalesce("members_total", -1),
            rolled_up_sort=Coalesce("rolled_up_at", Value(NEVER, output_field=DateTimeField())))
        table.paginate(rows)
        # the schools per status in one statement (a COUNT per status before)
        counts = dict.fromkeys(School.Status.values, 0)
        counts.update(schools().order_by().values_list("status").annotate(Count("pk")))
        return self.render_page(table=table, counts=counts)


class SchoolNew(ProvincePage):
    template_name = "web/province/schools/new.html"
    title = "开通学校"
    roles = ADMIN

    def get(self, request):
        return self.render_page(form=ProvisionForm())

    def post(self, request):
        form = ProvisionForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: school_provision(by=request.user, **form.fields_for_service()),
                                     form=form)
            if done:
                result = done.value
                self.template_name = "web/province/schools/provisioned.html"
                response = self.render_page(result=result, school=result.school, site=site_url(request, result.school),
                                            page_title=f"{result.school.name}已开通")
                # The password is in this answer and nowhere else: no cache may keep it.
                response["Cache-Control"] = "no-store"
                return response
        return self.render_page(form=form)


#: the lifecycle steps the page offers: (action, button, question, button tone)
STEPS = {
    "suspend": ("停用", "停用后该校站点拒绝所有访问（包括已登录的账号和接口令牌），直到恢复。确定停用吗？", "danger"),
    "activate": ("恢复", "恢复后该校站点重新开放。确定恢复吗？", "primary"),
    "archive": ("归档", "归档会先导出该校全部数据，然后永久停止服务，不能恢复。确定归档吗？", "danger"),
}


def _summary(rows, text, when, page=None):
    """The latest few rows of an area for the overview: text, the row (its status badge), date,
    and the record's page in its area when there is one."""
    return [{"text": text(r), "obj": r, "when": when(r), "url": page(r) if page else ""} for r in rows[:LIST_LENGTH]]


#: each area of a school's submissions: (key, label, the area's provincial list page)
AREAS = [
    ("honours", "荣誉推荐", "province:honours"),
    ("competitions", "教学竞赛", "province:competitions"),
    ("staffhomes", "建家申报", "province:staffhomes"),
    ("subsidies", "经费补助", "province:subsidies"),
    ("circulars", "省级通知", "province:circulars"),
]


def area_rows(school, key):
    """A school's records of one area, read through that area's school-scoped selector."""
    if key == "honours":
        return nominations_of(school)
    if key == "competitions":
        return entries_of(school)
    if key == "staffhomes":
        return home_applications_of(school)
    if key == "subsidies":
        return subsidy_applications_of(school)
    if key == "circulars":
        return circulars_for_school(school)
    raise Http404("没有这一类事项")


def area_overview(school) -> list[dict]:
    summaries = {
        "honours": lambda rows: _summary(rows, lambda n: f"{n.name} · {n.campaign.title}",
                                         when=lambda n: n.submitted_at,
                                         page=lambda n: _page("province:honours-nomination", n.pk)),
        "competitions": lambda rows: _summary(rows, lambda e: f"{e.name} · {e.competition.title}（{e.group.name}）",
                                              when=lambda e: e.registered_at,
                                              page=lambda e: _page("province:competition-entries", e.competition_id)),
        "staffhomes": lambda rows: _summary(rows, lambda a: f"{a.unit_name} · {a.round.title}",
                                            when=lambda a: a.submitted_at,
                                            page=lambda a: _page("province:staffhomes-application", a.pk)),
        "subsidies": lambda rows: _summary(rows, lambda a: f"{a.project} · {a.programme.title}",
                                           when=lambda a: a.submitted_at,
                                           page=lambda a: _page("province:subsidy-application", a.pk)),
        "circulars": lambda rows: [{"text": c.title, "when": c.published_at, "url": _page("province:circular", c.pk),
                                    "badge": ("已签收", "ok") if c.acknowledged_at else ("未签收", "warn"),
                                    "progress": f"已完成 {c.done_count}/{c.item_count} 项"}
                                   for c in rows[:LIST_LENGTH]],
    }
    areas = []
    for key, label, page in AREAS:
        rows = area_rows(school, key)
        areas.append({"key": key, "label": label, "count": rows.count(), "items": summaries[key](rows),
                      "url": reverse("province:school-area", args=[school.slug, key]), "area_url": _page(page)})
    return areas


class SchoolDetail(ProvincePage):
    template_name = "web/province/schools/detail.html"
    roles = ADMIN

    def page(self, school, forms=None):
        forms = forms or {}
        year = timezone.localdate().year
        stats = SchoolStats.objects.filter(school=school, year=year).first()
        steps = []
        for action, (label, question, tone) in STEPS.items():
            transition = SCHOOL_LIFECYCLE.transitions[action]
            if school.status in transition.sources:
                steps.append({"action": action, "label": label, "question": question, "tone": tone,
                              "reason_required": transition.reason_required,
                              "form": forms.get(action) or ReasonForm(prefix=action),
                              "url": reverse("province:school-step", args=[school.slug, action])})
        offered = {step["action"] for step in steps}
        for action, form in forms.items():
            if action not in offered:  # the state moved on: the reason the step was refused, on top
                for error in form.non_field_errors():
                    messages.error(self.request, error)
        history = list(audit_records(target_type="tenants.school", target_id=str(school.pk)).select_related(
            "actor").order_by("-at", "-id")[:20])
        for record in history:
            record.from_label = SCHOOL_LIFECYCLE.label(record.from_state) if record.from_state else ""
            record.to_label = SCHOOL_LIFECYCLE.label(record.to_state) if record.to_state else ""
        return self.render_page(
            school=school, page_title=school.name, site=site_url(self.request, school), stats=stats,
            rates=rates(stats) if stats else {}, year=year, steps=steps, history=history,
            areas=area_overview(school), open_step=next(iter(forms), ""))

    def get(self, request, slug):
        return self.page(_school(slug))


class SchoolStep(SchoolDetail):
    """停用 / 恢复 / 归档 through the lifecycle machine; a missing reason is explained beside it."""

    http_method_names = ["post"]

    def post(self, request, slug, step):
        school = _school(slug)
        if step not in STEPS:
            raise Http404
        form = ReasonForm(request.POST, prefix=step)
        label = STEPS[step][0]
        if form.is_valid() and self.call_service(
                lambda: school_transition(school=school, action=step, by=request.user,
                                          reason=form.cleaned_data["reason"]),
                form=form, success=f"{school.name}已{label}。"):
            return redirect("province:school", slug=school.slug)
        return self.page(_school(slug), forms={step: form})


def _area_table(request, school, key) -> Table:
    def money(name):
        return Column(name, {"amount_requested": "申请金额", "allocated_amount": "核定金额"}[name], format="money")

    columns = {
        "honours": [Column("name", "人选（集体）", primary=True, sort="shown_name",
                           link=lambda n: _page("province:honours-nomination", n.pk)),
                    Column("campaign.title", "推荐活动"), Column("status", "状态", badge=True, sort="status"),
                    Column("submitted_at", "推荐时间", format="datetime", sort="submitted_at")],
        "competitions": [Column("name", "选手", primary=True, sort="name"),
                         Column("competition.title", "竞赛",
                                link=lambda e: _page("province:competition-entries", e.competition_id)),
                         Column("group.name", "组别"), Column("course", "参赛课程"),
                         Column("status", "状态", badge=True, sort="status"),
                         Column("get_award_display", "奖项"),
                         Column("registered_at", "报名时间", format="datetime", sort="registered_at")],
        "staffhomes": [Column("unit_name", "申报单位", primary=True, sort="unit_name",
                              link=lambda a: _page("province:staffhomes-application", a.pk)),
                       Column("round.title", "评选年度"),
                       Column("get_level_display", "类别"), Column("status", "状态", badge=True, sort="status"),
                       Column("submitted_at", "申报时间", format="datetime", sort="submitted_at")],
        "subsidies": [Column("project", "项目", primary=True, sort="project",
                             link=lambda a: _page("province:subsidy-application", a.pk)), Column("programme.title", "补助项目"),
                      money("amount_requested"), money("allocated_amount"),
                      Column("status", "状态", badge=True, sort="status"),
                      Column("submitted_at", "申报时间", format="datetime", sort="submitted_at")],
        "circulars": [Column("title", "通知", primary=True, link=lambda c: _page("province:circular", c.pk)),
                      Column("published_at", "发布时间", format="datetime",
                                                                   sort="published_at"),
                      Column("acknowledged_at", "签收时间", format="datetime", empty="未签收"),
                      Column("progress", "落实情况")],
    }[key]
    statuses = {"honours": Nomination.Status.choices, "staffhomes": HomeApplication.Status.choices,
                "subsidies": SubsidyApplication.Status.choices}
    from shared.competitions.models import Entry

    statuses["competitions"] = Entry.Status.choices
    filters = [Filter("status", "状态", choices=statuses[key])] if key in statuses else []
    default = {"honours": "-submitted_at", "competitions": "-registered_at", "staffhomes": "-submitted_at",
               "subsidies": "-submitted_at", "circulars": "-published_at"}[key]
    return Table(request, id=f"school-{key}", columns=columns, filters=filters, default_sort=default, per_page=20,
                 empty_text="该校在这一类还没有提交过。")


class SchoolArea(ProvincePage):
    """One area's records of one school, all of them, with a status filter and pages."""

    template_name = "web/province/schools/area.html"
    roles = ADMIN

    def get(self, request, slug, area):
        school = _school(slug)
        labels = {key: label for key, label, _ in AREAS}
        if area not in labels:
            raise Http404
        table = _area_table(request, school, area)
        rows = area_rows(school, area)
        if table.values.get("status"):
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        if area == "circulars":
            for circular in table.page:
                circular.progress = f"已完成 {circular.done_count}/{circular.item_count} 项"
        tabs = [{"key": key, "label": label, "url": reverse("province:school-area", args=[school.slug, key]),
                 "current": key == area} for key, label, _ in AREAS]
        return self.render_page(school=school, table=table, tabs=tabs, area_label=labels[area],
                                page_title=f"{school.name} · {labels[area]}")


urlpatterns = [
    path("", SchoolList.as_view(), name="schools"),
    path("new/", SchoolNew.as_view(), name="school-new"),
    path("<slug:slug>/", SchoolDetail.as_view(), name="school"),
    path("<slug:slug>/lifecycle/<str:step>/", SchoolStep.as_view(), name="school-step"),
    path("<slug:slug>/submissions/<str:area>/", SchoolArea.as_view(), name="school-area"),
]


def workbench_counters(user) -> dict:
    if not user.has_role(Role.PROVINCE_ADMIN):
        return {}
    return {"suspended": schools(status=School.Status.SUSPENDED).order_by("slug")}


def workbench_todos(user, found: dict | None = None) -> list:
    """Suspended schools wait for the province to look at them again (resume or archive)."""
    if not user.has_role(Role.PROVINCE_ADMIN):
        return []
    found = counted_many(workbench_counters(user)) if found is None else found
    count, suspended = found["suspended"]
    if not count:
        return []
    return [Todo("schools_suspended", "已停用的学校", count, f"{reverse('province:schools')}?status=suspended",
                 items=[{"text": school.name, "url": reverse("province:school", args=[school.slug]), "when": None}
                        for school in suspended])]
