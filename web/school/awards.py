"""Pages of 评先评优：评选、分工会推荐、审核、公示（工作日）、异议、最终名单、推荐至省级（issue #11).

The union office runs campaigns, reviews, starts the 公示, records and resolves objections, publishes
the final list and forwards winners to the province; a branch chair nominates for the branches they
chair and reads their own nominations. Every rule is tenants.awards.services'; who sees what is
tenants.awards.selectors'.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.awards import selectors as q
from tenants.awards import services as s
from tenants.awards.models import AwardCampaign, AwardKind, AwardNomination, AwardObjection
from tenants.errors import Conflict
from tenants.members.models import Branch, Member
from tenants.text import ascii_int
from tenants.workdays import calendar_covers
from web.base import SchoolPage, posted_id
from web.history import state_history
from web.school import Section
from web.school.awards_forms import CampaignForm, ForwardForm, MemberObjectionForm, NominateForm, ObjectionForm, PublicizeForm, QuotaForm
from web.tables import Column, Filter, Table
from web.todo import LIST_LENGTH, Todo, counted_many

OFFICE = frozenset({Role.UNION_ADMIN})
OFFICE_OR_CHAIR = OFFICE | {Role.BRANCH_CHAIR}


def _campaign(user, pk) -> AwardCampaign:
    campaign = q.campaigns_visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404("没有这项评选")
    return campaign


def _nomination(user, pk) -> AwardNomination:
    nomination = q.nominations_visible_to(user).filter(pk=pk).first()
    if nomination is None:
        raise Http404("没有这条推荐")
    return nomination


def _publicity_note(campaign) -> str:
    """Say so when the 公示 runs into a year whose holidays are not published yet."""
    start, end = campaign.publicity_starts_on, campaign.publicity_ends_on
    if start and end and not (calendar_covers(start.year) and calendar_covers(end.year)):
        return f"{end.year}年的法定节假日尚未公布，公示结束日期暂按周一至周五计算，公布后可能变化。"
    return ""


def _provincial_open():
    from shared.honours.models import HonourCampaign

    return HonourCampaign.objects.filter(status=HonourCampaign.Status.OPEN, deadline__gt=timezone.now())


class CampaignList(SchoolPage):
    """The office and the chairs run campaigns here; any other member is sent to the 公示 page."""

    template_name = "web/awards/campaigns.html"
    title = "评先评优"

    def get(self, request):
        if not request.user.has_role(*OFFICE_OR_CHAIR):
            return redirect("school:award-publicity")
        table = Table(request, id="campaigns", columns=[
            Column("title", "评选", link=lambda c: reverse("school:award-campaign", args=[c.pk]), primary=True),
            Column("year", "年度", sort="year"),
            Column("get_kind_display", "类别"),
            Column("closes_on", "推荐截止", format="date", sort="closes_on"),
            Column("publicity_ends_on", "公示结束", format="date", empty="—"),
            Column("status", "状态", badge=True),
        ], filters=[Filter("status", "状态", choices=AwardCampaign.Status.choices),
                    Filter("kind", "类别", choices=AwardKind.choices)],
            default_sort="-year", per_page=20, empty_text="还没有评先评优。")
        rows = q.campaigns_visible_to(request.user)
        for name in ("status", "kind"):
            if table.values[name]:
                rows = rows.filter(**{name: table.values[name]})
        table.paginate(rows)
        return self.render_page(table=table, is_office=request.user.has_role(*OFFICE),
                                figures=q.awards_per_year()[:5] if request.user.has_role(*OFFICE) else [])


class CampaignNew(SchoolPage):
    template_name = "web/awards/campaign_new.html"
    title = "发起评选"
    roles = OFFICE

    def get(self, request):
        today = timezone.localdate()
        return self.render_page(form=CampaignForm(initial={"year": today.year, "opens_on": today, "default_quota": 1,
                                                           "publicity_days": s.MIN_PUBLICITY_DAYS}))

    def post(self, request):
        form = CampaignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.campaign_create(
                by=request.user, year=data["year"], title=data["title"], kind=data["kind"], criteria=data["criteria"],
                default_quota=data["default_quota"], opens_on=data["opens_on"], closes_on=data["closes_on"],
                publicity_days=data["publicity_days"], for_branches=data["for_branches"] or None),
                form=form, success="评选已发起，已通知各分工会主席。")
            if done:
                return redirect("school:award-campaign", pk=done.value.pk)
        return self.render_page(form=form)


class CampaignDetail(SchoolPage):
    """The office's and chairs' page; a member following a link to a campaign in 公示 (or published)
    lands on its notice on the 公示 page, and finds no other campaign."""

    template_name = "web/awards/campaign.html"
    title = "评选详情"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_role(*OFFICE_OR_CHAIR):
            if request.method != "GET":
                raise PermissionDenied("只有校工会或分工会主席可以办理评选。")
            if not q.publicity_campaigns().filter(pk=kwargs["pk"]).exists():
                raise Http404("没有这项评选")
            return redirect(reverse("school:award-publicity") + f"#campaign-{kwargs['pk']}")
        return super().dispatch(request, *args, **kwargs)

    def forms(self, campaign, data=None, do=""):
        user = self.request.user
        office = user.has_role(*OFFICE)
        branches = Branch.objects.order_by("name") if office else Branch.objects.filter(chair=user).order_by("name")
        members = Member.objects.filter(status=Member.Status.ACTIVE, branch__in=branches).select_related("branch")
        return {
            "nominate_form": NominateForm(data if do == "nominate" else None, members=members, branches=branches,
                                          for_branches=campaign.for_branches),
            "quota_form": QuotaForm(data if do == "quota" else None, branches=Branch.objects.order_by("name")),
            "publicize_form": PublicizeForm(data if do == "publicize" else None,
                                            initial={"starts_on": timezone.localdate(),
                                                     "days": campaign.publicity_days}),
        }

    def page(self, campaign, forms=None):
        user = self.request.user
        office = user.has_role(*OFFICE)
        nominations = q.nominations_visible_to(user).filter(campaign=campaign).order_by("branch__name", "id")
        branches = None if office else list(Branch.objects.filter(chair=user).order_by("name"))
        return self.render_page(
            campaign=campaign, is_office=office, nominations=nominations,
            quotas=q.branch_quotas(campaign, branches), window_error=s.nomination_window_error(campaign),
            actions=s.CAMPAIGN_FLOW.allowed_actions(state=campaign.status, user=user),
            publicity_note=_publicity_note(campaign),
            finalise_error=s.finalise_error(campaign) if campaign.status == AwardCampaign.Status.PUBLICIZING else "",
            open_objections=AwardObjection.objects.filter(nomination__campaign=campaign,
                                                          status=AwardObjection.Status.OPEN).count(),
            final_list=q.final_list(campaign) if campaign.status == AwardCampaign.Status.FINAL else [],
            history=state_history(campaign, s.CAMPAIGN_FLOW), **(forms or self.forms(campaign)))

    def get(self, request, pk):
        return self.page(_campaign(request.user, pk))

    def post(self, request, pk):
        campaign = _campaign(request.user, pk)
        do = request.GET.get("do") or request.POST.get("do", "")
        forms = self.forms(campaign, request.POST, do)
        user = request.user
        if do == "nominate":
            form = forms["nominate_form"]
            if form.is_valid():
                data = form.cleaned_data
                if self.call_service(lambda: s.nomination_submit(
                        by=user, campaign=campaign, member=data.get("member"), branch=data.get("branch"),
                        deeds=data["deeds"]), form=form, success="已推荐，等待校工会审核。"):
                    return redirect("school:award-campaign", pk=pk)
        elif do == "quota":
            form = forms["quota_form"]
            if form.is_valid():
                if form.cleaned_data["branch"] is None:
                    form.add_error("branch", "请选择分工会。")
                elif self.call_service(lambda: s.campaign_set_quota(
                        campaign=campaign, branch=form.cleaned_data["branch"], quota=form.cleaned_data["quota"],
                        by=user), form=form, success="名额已保存。"):
                    return redirect("school:award-campaign", pk=pk)
        elif do == "publicize":
            form = forms["publicize_form"]
            if form.is_valid() and self.call_service(lambda: s.campaign_publicize(
                    campaign=campaign, by=user, starts_on=form.cleaned_data["starts_on"],
                    days=form.cleaned_data["days"]), form=form, success="公示已开始。"):
                return redirect("school:award-campaign", pk=pk)
        elif do == "start_review":
            self.call_service(lambda: s.campaign_start_review(campaign=campaign, by=user),
                              success="已截止推荐，进入审核。")
            return redirect("school:award-campaign", pk=pk)
        elif do == "finalise":
            self.call_service(lambda: s.campaign_finalise(campaign=campaign, by=user),
                              success="最终名单已公布，已通知获评者。")
            return redirect("school:award-campaign", pk=pk)
        else:
            raise Http404
        return self.page(_campaign(user, pk), forms)


class NominationDetail(SchoolPage):
    template_name = "web/awards/nomination.html"
    title = "推荐详情"
    roles = OFFICE_OR_CHAIR

    def forms(self, data=None, do=""):
        return {"objection_form": ObjectionForm(data if do == "objection" else None),
                "forward_form": ForwardForm(data if do == "forward" else None, campaigns=_provincial_open())}

    def page(self, nomination, forms=None):
        user = self.request.user
        return self.render_page(
            nomination=nomination, campaign=nomination.campaign, is_office=user.has_role(*OFFICE),
            actions=s.NOMINATION_FLOW.allowed_actions(state=nomination.status, user=user),
            objections=nomination.objections.all() if user.has_role(*OFFICE) else [],
            history=state_history(nomination, s.NOMINATION_FLOW), **(forms or self.forms()))

    def get(self, request, pk):
        return self.page(_nomination(request.user, pk))

    def post(self, request, pk):
        nomination = _nomination(request.user, pk)
        do = request.GET.get("do") or request.POST.get("do", "")
        user = request.user
        forms = self.forms(request.POST, do)
        reason = request.POST.get("reason", "")
        if do in ("pass", "fail"):
            self.call_service(lambda: s.nomination_review(nomination=nomination, by=user, passed=do == "pass",
                                                          comment=reason),
                              success="审核通过。" if do == "pass" else "已审核为不通过。")
        elif do == "withdraw":
            self.call_service(lambda: s.nomination_withdraw(nomination=nomination, by=user, reason=reason),
                              success="推荐已撤回，名额已退回。")
        elif do in ("uphold", "dismiss"):
            objection = AwardObjection.objects.filter(nomination=nomination,
                                                      pk=posted_id(request, "objection")).first()
            if objection is None:
                raise Http404
            self.call_service(lambda: s.objection_resolve(objection=objection, by=user, upheld=do == "uphold",
                                                          resolution=reason),
                              success="异议成立，已撤销该推荐。" if do == "uphold" else "异议不成立，已记录。")
        elif do == "objection":
            form = forms["objection_form"]
            if not (form.is_valid() and self.call_service(lambda: s.objection_record(
                    nomination=nomination, by=user, **form.cleaned_data), form=form, success="异议已记录。")):
                return self.page(_nomination(user, pk), forms)
        elif do == "forward":
            form = forms["forward_form"]
            if not (form.is_valid() and self.call_service(lambda: s.nomination_forward(
                    nomination=nomination, by=user, provincial_campaign=form.cleaned_data["provincial_campaign"],
                    school=request.tenant), form=form, success="已推荐至省级活动。")):
                return self.page(_nomination(user, pk), forms)
        else:
            raise Http404
        return redirect("school:award-nomination", pk=pk)


def _refuse(message):
    raise Conflict(message)


class Publicity(SchoolPage):
    """评先评优公示: every signed-in member of the school reads the campaigns in 公示 (the nominees who
    passed review: name and branch, the period in working days, how to object) and the final lists,
    raises an objection during a 公示 and follows the objections they raised. Nothing else."""

    template_name = "web/awards/publicity.html"
    title = "评先评优公示"

    def campaigns(self, data=None, posted=None):
        rows = []
        for campaign in q.publicity_campaigns():
            campaign.nominees = list(q.public_nominees(campaign))
            campaign.can_object = q.objection_window_open(campaign)
            campaign.how_to_object = q.how_to_object(campaign)
            campaign.note = _publicity_note(campaign)
            if campaign.can_object:
                campaign.form = MemberObjectionForm(data if posted == campaign.pk else None,
                                                    nominees=q.public_nominees(campaign))
                campaign.action = f"?campaign={campaign.pk}"
            rows.append(campaign)
        return rows

    def page(self, campaigns):
        user = self.request.user
        mine = q.objections_visible_to(user).filter(raised_by_user=user).order_by("-recorded_at")[:20]
        return self.render_page(
            running=[c for c in campaigns if c.status == AwardCampaign.Status.PUBLICIZING],
            published=[c for c in campaigns if c.status == AwardCampaign.Status.FINAL][:10], mine=mine,
            is_office=user.has_role(*OFFICE))

    def get(self, request):
        return self.page(self.campaigns())

    def post(self, request):
        pk = request.GET.get("campaign", "")
        campaign = q.publicity_campaigns().filter(pk=ascii_int(pk, max_digits=18) or 0).first()
        if campaign is None:
            raise Http404("没有这项公示")
        campaigns = self.campaigns(request.POST, campaign.pk)
        shown = next(c for c in campaigns if c.pk == campaign.pk)
        form = getattr(shown, "form", None)
        if form is None:  # not (or no longer) in its 公示: say so
            self.call_service(lambda: _refuse(q.how_to_object(campaign)))
            return redirect("school:award-publicity")
        if form.is_valid():
            nomination = form.cleaned_data["nomination"]
            if nomination is None:
                form.add_error("nomination", "请选择对哪位人选有异议。")
            elif self.call_service(lambda: s.objection_record(nomination=nomination, by=request.user,
                                                              content=form.cleaned_data["content"]),
                                   form=form, success="异议已提交，校工会将核实处理。"):
                return redirect("school:award-publicity")
        return self.page(campaigns)


urlpatterns = [
    path("", CampaignList.as_view(), name="awards"),
    path("publicity/", Publicity.as_view(), name="award-publicity"),
    path("new/", CampaignNew.as_view(), name="award-campaign-new"),
    path("<int:pk>/", CampaignDetail.as_view(), name="award-campaign"),
    path("nominations/<int:pk>/", NominationDetail.as_view(), name="award-nomination"),
]


def workbench_counters(user) -> dict:
    if not user.has_role(*OFFICE):
        return {}
    # the items show names, campaign titles and dates only
    return {"review": AwardNomination.objects.filter(status=AwardNomination.Status.SUBMITTED)
            .select_related("campaign", "member", "branch")
            .only("id", "nominated_at", "member__name", "branch__name", "campaign__title").order_by("nominated_at"),
            "objections": AwardObjection.objects.filter(status=AwardObjection.Status.OPEN)
            .select_related("nomination__member", "nomination__branch")
            .only("id", "recorded_at", "nomination__member__name", "nomination__branch__name").order_by("recorded_at"),
            "ready": q.ready_to_finalise().only("id", "title", "publicity_ends_on")}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    todos = []
    if user.has_role(Role.BRANCH_CHAIR):
        waiting = q.open_for_chair(user)
        if waiting:
            todos.append(Todo(
                key="award-nominate", label="待推荐的评先评优", count=len(waiting), url=reverse("school:awards"),
                items=[{"text": f"{c.title}（还可推荐 {c.left} 个）", "url": reverse("school:award-campaign", args=[c.pk]),
                        "when": c.closes_on} for c in waiting[:LIST_LENGTH]]))
    if user.has_role(*OFFICE):
        found = counted_many(workbench_counters(user)) if found is None else found
        count, to_review = found["review"]
        if count:
            todos.append(Todo(
                key="award-review", label="待审核的评先评优推荐", count=count, url=reverse("school:awards"),
                items=[{"text": f"{n.name}（{n.branch.name}）· {n.campaign.title}",
                        "url": reverse("school:award-nomination", args=[n.pk]), "when": n.nominated_at}
                       for n in to_review]))
        count, objections = found["objections"]
        if count:
            todos.append(Todo(
                key="award-objections", label="待处理的公示异议", count=count, url=reverse("school:awards"),
                urgent=True, items=[{"text": f"对{o.nomination.name}的异议",
                                     "url": reverse("school:award-nomination", args=[o.nomination_id]),
                                     "when": o.recorded_at} for o in objections]))
        count, ready = found["ready"]
        if count:
            todos.append(Todo(
                key="award-finalise", label="公示期满、待公布名单", count=count, url=reverse("school:awards"),
                items=[{"text": c.title, "url": reverse("school:award-campaign", args=[c.pk]),
                        "when": c.publicity_ends_on} for c in ready]))
    return todos


def member_sections(user, member) -> list:
    """The member's honours on the office's member page (会员详情)."""
    if member is None or not user.has_role(*OFFICE_OR_CHAIR):
        return []
    honours = list(q.honours_of(member))
    current = list(q.nominations_visible_to(user).filter(member=member).exclude(
        status__in=[AwardNomination.Status.AWARDED, AwardNomination.Status.WITHDRAWN]).order_by("-id")[:5])
    return [Section(template="web/awards/_member_honours.html",
                    context={"honours": honours, "current": current, "title": "评先评优"})]


def portal_sections(user, member) -> list:
    """我的荣誉 on the member's own portal: the school's honours (and the province's, where recorded);
    正在公示 when a campaign's 公示 is running (for every signed-in user, member record or not)."""
    sections = []
    running = list(q.in_publicity())
    if running:
        sections.append(Section(template="web/awards/_publicity_portal.html", context={"running": running}))
    if member is None:
        return sections
    from django.db import connection

    honours = list(q.honours_of(member))
    provincial = q.provincial_honours_of(member, getattr(connection, "tenant", None))
    if honours or provincial:
        sections.append(Section(template="web/awards/_my_honours.html",
                                context={"honours": honours, "provincial": provincial}))
    return sections
