"""Provincial site: honours (劳模 and other honours recommendation).

The provincial admin creates a campaign, sets the default and per-school quotas in one grid,
watches the schools' nominations arrive, closes nominations (评审中), starts the 公示 with dates,
records objections and decides; reviewers review with comments. The registry lists who holds
which honour, with the care they received. Every change is the honours service the API calls
(shared/honours/services.py), so the rules and their Chinese refusals are the same.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from shared.honours import services as honours
from shared.honours.models import HonourCampaign, HonourKind, HonourRecord, Nomination
from shared.honours.selectors import (
    campaigns_closing,
    campaigns_overview,
    honour_records,
    nominations_for_province,
    nominations_to_decide,
    nominations_to_review,
    publicity_ending,
    quota_grid,
    record_years,
)
from tenants.accounts.roles import Role
from tenants.selectors import schools
from web.base import ProvincePage
from web.history import state_history
from web.province.honours_forms import (
    CampaignForm,
    CareForm,
    DecisionForm,
    ObjectionForm,
    PublicityForm,
    QuotaGridForm,
    RecordForm,
    ReviewForm,
)
from web.tables import Column, Filter, Table
from web.todo import counted_many
from web.todo import LIST_LENGTH, Todo

ADMIN = frozenset({Role.PROVINCE_ADMIN})
REVIEWING = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER})
N = Nomination.Status
C = HonourCampaign.Status


def _campaign(pk) -> HonourCampaign:
    campaign = campaigns_overview().filter(pk=pk).first()
    if campaign is None:
        raise Http404("没有这项推荐活动")
    return campaign


def _nomination(pk) -> Nomination:
    nomination = nominations_for_province().filter(pk=pk).first()
    if nomination is None:
        raise Http404("没有这条推荐")
    return nomination


def _school_choices():
    return [(s.slug, s.name) for s in schools().order_by("name")]


def _nomination_table(request, *, with_campaign: bool, table_id: str = "nominations") -> Table:
    columns = [
        Column("shown_name", "推荐对象", link=lambda n: reverse("province:honours-nomination", args=[n.pk]),
               primary=True, sort="shown_name"),
        Column("school.name", "学校", sort="school__name"),
    ]
    if with_campaign:
        columns.append(Column("campaign.title", "推荐活动"))
    columns += [
        Column("status", "状态", badge=True, sort="status"),
        Column("objection_count", "异议"),
        Column("submitted_at", "推荐时间", format="datetime", sort="submitted_at"),
    ]
    filters = [Filter("school", "学校", choices=_school_choices()),
               Filter("status", "状态", choices=N.choices),
               Filter("q", "搜索", placeholder="姓名、集体或负责人")]
    if with_campaign:
        filters.insert(0, Filter("campaign", "推荐活动",
                                 choices=[(str(c.pk), c.title) for c in HonourCampaign.objects.order_by("-year", "-id")]))
    return Table(request, id=table_id, columns=columns, filters=filters, default_sort="-submitted_at", per_page=20,
                 empty_text="还没有学校推荐。", empty_hint="学校在推荐截止前从本校站点提交推荐，提交后即出现在这里。")


def _filtered_nominations(table: Table, campaign=None):
    values = table.values
    school = schools().filter(slug=values["school"]).first() if values.get("school") else None
    if campaign is None and values.get("campaign"):
        campaign = HonourCampaign.objects.filter(pk=values["campaign"]).first()
    return nominations_for_province(campaign=campaign, school=school, status=values.get("status", ""),
                                    q=values.get("q", ""))


# ---- campaigns --------------------------------------------------------------------------------------

class CampaignList(ProvincePage):
    template_name = "web/province/honours/campaigns.html"
    title = "荣誉推荐"
    roles = REVIEWING

    def get(self, request):
        table = Table(request, id="campaigns", columns=[
            Column("title", "推荐活动", link=lambda c: reverse("province:honours-campaign", args=[c.pk]),
                   primary=True),
            Column("get_kind_display", "荣誉类别"),
            Column("year", "年度", sort="year"),
            Column("deadline", "推荐截止", format="datetime", sort="deadline"),
            Column("status", "状态", badge=True, sort="status"),
            Column("nomination_count", "推荐"),
            Column("to_review", "待评审"),
            Column("awarded_count", "已授予"),
        ], filters=[Filter("status", "状态", choices=C.choices), Filter("kind", "荣誉类别", choices=HonourKind.choices)],
            default_sort="", per_page=20, empty_text="还没有推荐活动。",
            empty_hint="发起一项推荐活动后，各校在截止前按名额推荐。")
        rows = campaigns_overview()
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        if table.values["kind"]:
            rows = rows.filter(kind=table.values["kind"])
        table.paginate(rows)
        return self.render_page(table=table, is_admin=request.user.has_role(Role.PROVINCE_ADMIN))


class CampaignNew(ProvincePage):
    template_name = "web/province/honours/campaign_form.html"
    title = "发起推荐活动"
    roles = ADMIN

    def get(self, request):
        return self.render_page(form=CampaignForm(initial={"year": timezone.localdate().year}))

    def post(self, request):
        form = CampaignForm(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: honours.campaign_create(by=request.user, **form.cleaned_data),
                                        form=form, success="推荐活动已发起，各校可以开始推荐。")
            if created:
                return redirect("province:honours-campaign", pk=created.value.pk)
        return self.render_page(form=form)


class CampaignDetail(ProvincePage):
    """A campaign: where it stands, the admin's next step, and its nominations as they arrive.
    POST starts the 公示 (the form on this page)."""

    template_name = "web/province/honours/campaign.html"
    title = "推荐活动"
    roles = REVIEWING

    def page(self, campaign, publicity_form=None):
        request = self.request
        table = _nomination_table(request, with_campaign=False)
        table.paginate(_filtered_nominations(table, campaign))
        is_admin = request.user.has_role(Role.PROVINCE_ADMIN)
        deadline_passed = timezone.now() > campaign.deadline
        can_publicize = is_admin and deadline_passed and campaign.status == C.REVIEWING  # reviewed first
        if can_publicize and publicity_form is None:
            publicity_form = PublicityForm()
        return self.render_page(
            campaign=campaign, table=table, is_admin=is_admin, deadline_passed=deadline_passed,
            publicity_form=publicity_form if can_publicize else None,
            history=state_history(campaign, honours.CAMPAIGN_FLOW), page_title=campaign.title)

    def get(self, request, pk):
        return self.page(_campaign(pk))

    def post(self, request, pk):
        if not request.user.has_role(Role.PROVINCE_ADMIN):
            raise PermissionDenied("只有自治区教育工会管理员可以开始公示。")
        campaign = _campaign(pk)
        form = PublicityForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: honours.campaign_publicize(campaign=campaign, by=request.user,
                                                                        **form.cleaned_data), form=form)
            if done:
                messages.success(request, f"已开始公示：{done.value} 条推荐进入公示。")
                return redirect("province:honours-campaign", pk=pk)
        return self.page(_campaign(pk), form)


class CampaignStartReview(ProvincePage):
    """截止推荐、进入评审 (推荐中 → 评审中), after the deadline."""

    http_method_names = ["post"]
    roles = ADMIN

    def post(self, request, pk):
        campaign = _campaign(pk)
        self.call_service(lambda: honours.campaign_start_review(campaign=campaign, by=request.user),
                          success="已截止推荐，进入评审。学校不能再推荐或撤回。")
        return redirect("province:honours-campaign", pk=pk)


class CampaignQuotas(ProvincePage):
    """The default quota and every school's own, in one grid: one form, one service call."""

    template_name = "web/province/honours/quotas.html"
    title = "设置名额"
    roles = ADMIN

    def form(self, campaign, data=None):
        return QuotaGridForm(data, campaign=campaign, rows=quota_grid(campaign))

    def get(self, request, pk):
        campaign = _campaign(pk)
        return self.render_page(campaign=campaign, form=self.form(campaign))

    def post(self, request, pk):
        campaign = _campaign(pk)
        form = self.form(campaign, request.POST)
        if form.is_valid():
            saved = self.call_service(lambda: honours.campaign_set_quotas(
                campaign=campaign, by=request.user, default_quota=form.cleaned_data["default_quota"],
                quotas=form.quotas()), form=form)
            if saved:
                messages.success(request, "名额已保存。" if saved.value else "名额没有变化。")
                return redirect("province:honours-campaign", pk=pk)
        return self.render_page(campaign=campaign, form=form)


# ---- nominations ------------------------------------------------------------------------------------

class NominationList(ProvincePage):
    template_name = "web/province/honours/nominations.html"
    title = "全区推荐"
    roles = REVIEWING

    def get(self, request):
        table = _nomination_table(request, with_campaign=True)
        table.paginate(_filtered_nominations(table))
        return self.render_page(table=table)


class NominationDetail(ProvincePage):
    """One nomination: review (reviewers and the admin); objections and the decision (the admin),
    each offered only while the nomination's state allows it. POST here is the review."""

    template_name = "web/province/honours/nomination.html"
    title = "推荐详情"
    roles = REVIEWING

    def page(self, nomination, **forms):
        user = self.request.user
        is_admin = user.has_role(Role.PROVINCE_ADMIN)
        campaign = nomination.campaign
        today = timezone.localdate()
        in_publicity = (nomination.status == N.PUBLICIZED and campaign.publicity_starts_on is not None
                        and campaign.publicity_starts_on <= today <= campaign.publicity_ends_on)
        context = {
            "nomination": nomination, "campaign": campaign, "is_admin": is_admin,
            "objections": nomination.objections.order_by("recorded_at"),
            "attachments": nomination.attachments.order_by("uploaded_at"),
            "history": state_history(nomination, honours.NOMINATION_FLOW),
            "publicity_over": campaign.publicity_ends_on is not None and today > campaign.publicity_ends_on,
        }
        if nomination.status == N.SUBMITTED and user.has_role(*REVIEWING):
            # reviewed only while the campaign is 评审中; before that the page says when
            context["review_closed"] = honours.review_not_open(campaign)
            if not context["review_closed"]:
                context["review_form"] = forms.get("review_form") or ReviewForm()
        if is_admin and in_publicity:
            context["objection_form"] = forms.get("objection_form") or ObjectionForm()
        if is_admin and nomination.status == N.PUBLICIZED:
            context["decision_form"] = forms.get("decision_form") or DecisionForm()
        return self.render_page(page_title=nomination.name, **context)

    def get(self, request, pk):
        return self.page(_nomination(pk))

    def post(self, request, pk):
        nomination = _nomination(pk)
        form = ReviewForm(request.POST)
        if form.is_valid() and self.call_service(lambda: honours.nomination_review(
                nomination=nomination, by=request.user, passed=form.verdict(),
                comment=form.cleaned_data["comment"]), form=form, success="评审结果已保存。"):
            return redirect("province:honours-nomination", pk=pk)
        return self.page(_nomination(pk), review_form=form)


class NominationObjection(NominationDetail):
    """记录公示异议 (the admin, during the 公示)."""

    http_method_names = ["post"]
    roles = ADMIN

    def post(self, request, pk):
        nomination = _nomination(pk)
        form = ObjectionForm(request.POST)
        if form.is_valid() and self.call_service(lambda: honours.objection_record(
                nomination=nomination, by=request.user, content=form.cleaned_data["content"]),
                form=form, success="异议已记录。"):
            return redirect("province:honours-nomination", pk=pk)
        return self.page(_nomination(pk), objection_form=form)


class NominationDecide(NominationDetail):
    """授予 / 不予授予 (the admin, after the 公示)."""

    http_method_names = ["post"]
    roles = ADMIN

    def post(self, request, pk):
        nomination = _nomination(pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            award = form.decision()
            done = self.call_service(lambda: honours.nomination_decide(
                nomination=nomination, by=request.user, award=award, note=form.cleaned_data["note"]),
                form=form, success="已授予，已记入荣誉获得者名录。" if award else "已决定不予授予。")
            if done:
                return redirect("province:honours-nomination", pk=pk)
        return self.page(_nomination(pk), decision_form=form)


# ---- the registry -----------------------------------------------------------------------------------

class RecordList(ProvincePage):
    """The registry, searched and filtered; the admin also enters honours given before the
    platform's campaigns (POST)."""

    template_name = "web/province/honours/records.html"
    title = "荣誉获得者名录"
    roles = REVIEWING

    def record_form(self, data=None):
        return RecordForm(data, schools=schools().order_by("name"))

    def post(self, request):
        if not request.user.has_role(Role.PROVINCE_ADMIN):
            raise PermissionDenied("只有自治区教育工会管理员可以登记荣誉获得者。")
        form = self.record_form(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: honours.record_register(by=request.user, **form.for_service()),
                                        form=form, success="已登记到荣誉获得者名录。")
            if created:
                return redirect("province:honours-record", pk=created.value.pk)
        return self.get(request, form=form)

    def get(self, request, form=None):
        table = Table(request, id="records", columns=[
            Column("person_name", "获得者", link=lambda r: reverse("province:honours-record", args=[r.pk]),
                   primary=True, sort="person_name"),
            Column("get_kind_display", "荣誉"),
            Column("year", "年度", sort="year"),
            Column("school.name", "学校", sort="school__name"),
            Column("care_count", "关爱次数"),
            Column("care_total", "关爱金额", format="money"),
        ], filters=[Filter("q", "搜索", placeholder="姓名或集体名称"),
                    Filter("kind", "荣誉", choices=HonourKind.choices),
                    Filter("year", "年度", choices=[(str(y), f"{y} 年") for y in record_years()]),
                    Filter("school", "学校", choices=_school_choices())],
            default_sort="", per_page=20, empty_text="名录中还没有荣誉获得者。",
            empty_hint="推荐经公示并决定授予后，获得者自动记入名录。")
        values = table.values
        school = schools().filter(slug=values["school"]).first() if values["school"] else None
        table.paginate(honour_records(q=values["q"], kind=values["kind"], year=values["year"] or None, school=school))
        is_admin = request.user.has_role(Role.PROVINCE_ADMIN)
        if is_admin and form is None:
            form = self.record_form()
        return self.render_page(table=table, form=form if is_admin else None)


class RecordDetail(ProvincePage):
    """One holder of an honour and the care given (春节慰问, 疗休养 …); the admin records care."""

    template_name = "web/province/honours/record.html"
    title = "荣誉获得者"
    roles = REVIEWING

    def record(self, pk) -> HonourRecord:
        record = honour_records().filter(pk=pk).select_related("nomination__campaign").first()
        if record is None:
            raise Http404("名录中没有这条记录")
        return record

    def page(self, record, form=None):
        is_admin = self.request.user.has_role(Role.PROVINCE_ADMIN)
        if is_admin and not record.is_collective and form is None:
            form = CareForm(initial={"given_on": timezone.localdate()})
        return self.render_page(record=record, care=record.care.order_by("-given_on", "-id"), is_admin=is_admin,
                                form=form if is_admin and not record.is_collective else None,
                                page_title=f"{record.person_name} · {record.get_kind_display()}")

    def get(self, request, pk):
        return self.page(self.record(pk))

    def post(self, request, pk):
        if not request.user.has_role(Role.PROVINCE_ADMIN):
            raise PermissionDenied("只有自治区教育工会管理员可以记录关爱。")
        record = self.record(pk)
        form = CareForm(request.POST)
        if form.is_valid() and self.call_service(lambda: honours.care_record(record=record, by=request.user,
                                                                             **form.cleaned_data),
                                                 form=form, success="关爱记录已保存。"):
            return redirect("province:honours-record", pk=pk)
        return self.page(self.record(pk), form)


urlpatterns = [
    path("", CampaignList.as_view(), name="honours"),
    path("campaigns/new/", CampaignNew.as_view(), name="honours-campaign-new"),
    path("campaigns/<int:pk>/", CampaignDetail.as_view(), name="honours-campaign"),
    path("campaigns/<int:pk>/quotas/", CampaignQuotas.as_view(), name="honours-quotas"),
    path("campaigns/<int:pk>/start-review/", CampaignStartReview.as_view(), name="honours-start-review"),
    path("nominations/", NominationList.as_view(), name="honours-nominations"),
    path("nominations/<int:pk>/", NominationDetail.as_view(), name="honours-nomination"),
    path("nominations/<int:pk>/objections/", NominationObjection.as_view(), name="honours-objection"),
    path("nominations/<int:pk>/decide/", NominationDecide.as_view(), name="honours-decide"),
    path("records/", RecordList.as_view(), name="honours-records"),
    path("records/<int:pk>/", RecordDetail.as_view(), name="honours-record"),
]


# ---- the provincial 工作台 ----------------------------------------------------------------------------

def workbench_counters(user) -> dict:
    counters = {}
    if user.has_role(Role.PROVINCE_ADMIN):
        counters["to_decide"] = nominations_to_decide()
    if user.has_role(Role.PROVINCE_REVIEWER):
        counters["to_review"] = nominations_to_review()
    return counters


def workbench_todos(user, found: dict | None = None) -> list:
    """What of this area waits for `user` (web.workbench.Todo rows); [] when nothing is theirs.

    The admin: campaigns whose nomination deadline is close (or past, waiting to be closed for
    review), nominations whose 公示 is over (to decide), 公示 ending soon. A reviewer: the
    nominations waiting for a verdict.
    """
    todos = []
    found = counted_many(workbench_counters(user)) if found is None else found
    if user.has_role(Role.PROVINCE_ADMIN):
        now = timezone.now()
        closing = list(campaigns_closing(now))
        todos.append(Todo(
            "honours_closing", "荣誉推荐临近截止", len(closing), f"{reverse('province:honours')}?status=open",
            urgent=any(c.deadline < now for c in closing),
            items=[{"text": c.title + ("（已截止，待进入评审）" if c.deadline < now else ""),
                    "url": reverse("province:honours-campaign", args=[c.pk]), "when": c.deadline}
                   for c in closing[:LIST_LENGTH]]))
        count, to_decide = found["to_decide"]
        todos.append(Todo(
            "honours_to_decide", "待决定的荣誉推荐", count,
            f"{reverse('province:honours-nominations')}?status=publicized", urgent=True,
            items=[{"text": f"{n.shown_name}（{n.school.name} · {n.campaign.title}）",
                    "url": reverse("province:honours-nomination", args=[n.pk]), "when": n.campaign.publicity_ends_on}
                   for n in to_decide]))
        ending = list(publicity_ending())
        todos.append(Todo(
            "honours_publicity_ending", "荣誉推荐公示即将结束", len(ending),
            f"{reverse('province:honours')}?status=publicizing",
            items=[{"text": f"{c.title}（公示至 {c.publicity_ends_on:%m月%d日}）",
                    "url": reverse("province:honours-campaign", args=[c.pk]), "when": c.publicity_ends_on}
                   for c in ending[:LIST_LENGTH]]))
    if user.has_role(Role.PROVINCE_REVIEWER):
        count, to_review = found["to_review"]
        todos.append(Todo(
            "honours_to_review", "待评审的荣誉推荐", count,
            f"{reverse('province:honours-nominations')}?status=submitted",
            items=[{"text": f"{n.shown_name}（{n.school.name} · {n.campaign.title}）",
                    "url": reverse("province:honours-nomination", args=[n.pk]), "when": n.submitted_at}
                   for n in to_review]))
    return todos
