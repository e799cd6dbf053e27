"""The school's side of provincial work, on the school's host: honours, circulars, statistics.

Every row shown comes from a shared (public-schema) table through a selector that takes the
school explicitly (request.tenant) and refuses without one; a record of another school is simply
not found (404). Campaigns, competitions, rounds and programmes are addressed to every school, so
they are read whole; what belongs to a school (its nominations, entries, applications, reports)
never is. Writes are the shared services the API calls, with the school taken from the host.
"""
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from shared.circulars import services as circulars
from shared.circulars.models import ItemReport
from shared.circulars.selectors import circular_for_school, circulars_for_school, item_of
from shared.competitions import services as competitions
from shared.competitions.models import Competition, Entry
from shared.competitions.selectors import competitions_for_school, entries_of, groups_for_school, results_published
from shared.honours import services as honours
from shared.honours.models import HonourCampaign, Nomination
from shared.honours.selectors import campaigns_for_school, nominations_of
from shared.staffhomes import services as staffhomes
from shared.staffhomes.models import HomeApplication, Round
from shared.staffhomes.selectors import applications_of as home_applications_of
from shared.staffhomes.selectors import criteria_of as home_criteria
from shared.staffhomes.selectors import rounds_for_school
from shared.stats.selectors import stats_of
from shared.subsidies import services as subsidies
from shared.subsidies.models import Application as SubsidyApplication
from shared.subsidies.selectors import applications_of as subsidy_applications_of
from shared.subsidies.selectors import programmes_for_school
from tenants.members.selectors import active_member_count
from web.base import OFFICE, SchoolPage
from web.provincial_forms import (
    EntryForm,
    HomeApplicationForm,
    ItemReportForm,
    NominationForm,
    SubsidyApplicationForm,
    SubsidyReportForm,
    UploadForm,
)
from web.tables import Column, Filter, Table
from web.workbench import linked_deadlines

class ProvincialHome(SchoolPage):
    """省级事项: where each provincial area is done, and what closes soon."""

    template_name = "web/provincial/home.html"
    title = "省级事项"
    roles = OFFICE

    def get(self, request):
        return self.render_page(deadlines=linked_deadlines(request.tenant))


# ---- 荣誉推荐 -------------------------------------------------------------------------------------

def _campaigns(school):
    return campaigns_for_school(school).annotate(school_left=F("school_quota") - F("school_used"))


def _own_nomination(request, pk) -> Nomination:
    nomination = nominations_of(request.tenant).filter(pk=pk).first()
    if nomination is None:
        raise Http404("没有这条推荐")
    return nomination


def _open(campaign) -> bool:
    return campaign.status == HonourCampaign.Status.OPEN and timezone.now() <= campaign.deadline


class Honours(SchoolPage):
    template_name = "web/provincial/honours.html"
    title = "荣誉推荐"
    roles = OFFICE

    def get(self, request):
        campaigns = list(_campaigns(request.tenant).order_by("-year", "-id")[:50])
        for campaign in campaigns:
            campaign.can_nominate = _open(campaign) and campaign.school_left > 0
        table = Table(request, id="nominations", columns=[
            Column("shown_name", "人选", link=lambda n: reverse("school:nomination", args=[n.pk]), primary=True,
                   sort="shown_name"),
            Column("campaign.title", "推荐活动"),
            Column("status", "状态", badge=True, sort="status"),
            Column("attachment_count", "附件"),
            Column("submitted_at", "推荐时间", format="datetime", sort="submitted_at"),
        ], filters=[Filter("status", "状态", choices=Nomination.Status.choices)],
            default_sort="-submitted_at", per_page=20, empty_text="本校还没有推荐人选。")
        rows = nominations_of(request.tenant)
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        return self.render_page(campaigns=campaigns, table=table)


class NominationNew(SchoolPage):
    template_name = "web/provincial/nomination_new.html"
    title = "推荐人选"
    roles = OFFICE

    def campaign(self, pk):
        campaign = _campaigns(self.request.tenant).filter(pk=pk).first()
        if campaign is None:
            raise Http404("没有这项推荐活动")
        return campaign

    def page(self, campaign, form):
        return self.render_page(campaign=campaign, form=form, is_open=_open(campaign),
                                collective=campaign.is_collective)

    def get(self, request, pk):
        campaign = self.campaign(pk)
        return self.page(campaign, NominationForm(collective=campaign.is_collective))

    def post(self, request, pk):
        campaign = self.campaign(pk)
        form = NominationForm(request.POST, collective=campaign.is_collective)
        if form.is_valid():
            created = self.call_service(lambda: honours.nomination_submit(
                by=request.user, campaign=campaign, school=request.tenant, **form.cleaned_data),
                form=form, success="已推荐。可以继续上传事迹证明材料。")
            if created:
                return redirect("school:nomination", pk=created.value.pk)
        return self.page(self.campaign(pk), form)


class NominationDetail(SchoolPage):
    template_name = "web/provincial/nomination.html"
    title = "推荐详情"
    roles = OFFICE

    def page(self, nomination, upload_form):
        return self.render_page(
            nomination=nomination, upload_form=upload_form,
            attachments=nomination.attachments.order_by("uploaded_at"),
            editable=nomination.status == Nomination.Status.SUBMITTED and timezone.now() <= nomination.campaign.deadline)

    def get(self, request, pk):
        return self.page(_own_nomination(request, pk), UploadForm())

    def post(self, request, pk):
        nomination = _own_nomination(request, pk)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid() and self.call_service(lambda: honours.nomination_attach(
                nomination=nomination, by=request.user, upload=form.cleaned_data["file"]),
                form=form, success="材料已上传。"):
            return redirect("school:nomination", pk=pk)
        return self.page(nomination, form)


class NominationWithdraw(SchoolPage):
    http_method_names = ["post"]
    roles = OFFICE

    def post(self, request, pk):
        nomination = _own_nomination(request, pk)
        self.call_service(lambda: honours.nomination_withdraw(nomination=nomination, by=request.user,
                                                              reason=request.POST.get("reason", "")),
                          success="推荐已撤回，名额已退回。")
        return redirect("school:nomination", pk=pk)


# ---- 上级通知 -------------------------------------------------------------------------------------

def _own_circular(request, pk):
    circular = circular_for_school(request.tenant, pk)
    if circular is None:
        raise Http404("没有这份通知")
    return circular


class Circulars(SchoolPage):
    template_name = "web/provincial/circulars.html"
    title = "上级通知"
    roles = OFFICE

    def get(self, request):
        table = Table(request, id="circulars", columns=[
            Column("title", "通知", link=lambda c: reverse("school:circular", args=[c.pk]), primary=True),
            Column("doc_number", "文号"),
            Column("published_at", "发布时间", format="datetime", sort="published_at"),
            Column("acknowledged_at", "签收", format="datetime", empty="未签收"),
            Column("progress", "已完成要点"),
        ], default_sort="-published_at", per_page=20, empty_text="还没有收到上级通知。")
        table.paginate(circulars_for_school(request.tenant))
        for circular in table.page:
            circular.progress = f"{circular.done_count} / {circular.item_count}"
        return self.render_page(table=table)


class CircularDetail(SchoolPage):
    template_name = "web/provincial/circular.html"
    title = "上级通知"
    roles = OFFICE

    def page(self, circular, bound=None):
        sections = []
        for item in circular.school_items:
            if bound is not None and bound.item.pk == item.pk:
                item.form = bound
            else:
                own = item.own_report
                item.form = ItemReportForm(prefix=f"item-{item.pk}", initial={
                    "status": own.status if own else ItemReport.Status.NOT_STARTED, "text": own.text if own else ""})
            if not sections or sections[-1]["number"] != item.section_number:
                sections.append({"number": item.section_number, "title": item.section_title, "items": []})
            sections[-1]["items"].append(item)
        return self.render_page(circular=circular, sections=sections)

    def get(self, request, pk):
        return self.page(_own_circular(request, pk))


class CircularAcknowledge(SchoolPage):
    http_method_names = ["post"]
    roles = OFFICE

    def post(self, request, pk):
        circular = _own_circular(request, pk)
        self.call_service(lambda: circulars.circular_acknowledge(circular=circular, school=request.tenant,
                                                                 by=request.user), success="已签收。")
        return redirect("school:circular", pk=pk)


class CircularItemReport(SchoolPage):
    http_method_names = ["post"]
    template_name = "web/provincial/circular.html"
    title = "上级通知"
    roles = OFFICE

    def post(self, request, pk, item_pk):
        circular = _own_circular(request, pk)
        item = item_of(circular, item_pk)
        if item is None:
            raise Http404("没有这一项要点")
        form = ItemReportForm(request.POST, prefix=f"item-{item.pk}")
        form.item = item
        if form.is_valid() and self.call_service(lambda: circulars.item_report(
                item=item, school=request.tenant, by=request.user, status=form.cleaned_data["status"],
                text=form.cleaned_data["text"]), form=form, success="落实情况已保存。"):
            return redirect(reverse("school:circular", args=[pk]) + f"#item-{item.pk}")
        return CircularDetail.page(self, circular, bound=form)


# ---- 本校统计 -------------------------------------------------------------------------------------

def _rate(part, whole):
    return f"{part * 100 / whole:.1f}%" if whole else "—"


class Statistics(SchoolPage):
    """Everyone of the school may read its own figures (as GET /api/v1/stats/ on the school host)."""

    template_name = "web/provincial/stats.html"
    title = "本校统计"

    def get(self, request):
        rows = list(stats_of(request.tenant)[:20])
        for row in rows:
            row.accept_rate = _rate(row.proposals_accepted, row.proposals_received)
            row.satisfied_rate = _rate(row.proposals_satisfied, row.proposals_rated)
        return self.render_page(rows=rows)


# ---- 教学竞赛 -------------------------------------------------------------------------------------

def _competition(request, pk):
    competition = competitions_for_school(request.tenant).filter(pk=pk).first()
    if competition is None:
        raise Http404("没有这项竞赛")
    return competition


def _registration_open(competition) -> bool:
    now = timezone.now()
    return (competition.status == Competition.Status.REGISTRATION
            and competition.registration_opens_at <= now <= competition.registration_closes_at)


def _own_entry(request, pk) -> Entry:
    entry = entries_of(request.tenant).filter(pk=pk).first()
    if entry is None:
        raise Http404("没有这名选手")
    return entry


class Competitions(SchoolPage):
    template_name = "web/provincial/competitions.html"
    title = "教学竞赛"
    roles = OFFICE

    def get(self, request):
        competitions = list(competitions_for_school(request.tenant)[:20])
        for competition in competitions:
            competition.school_groups = list(groups_for_school(competition, request.tenant))
            competition.registration_open = _registration_open(competition)
        entries = list(entries_of(request.tenant)[:200])
        for entry in entries:
            # Scores, ranks and awards exist while the judges work; the school sees them only
            # once the province publishes the results.
            entry.show_results = results_published(entry)
            entry.can_withdraw = entry.status == Entry.Status.REGISTERED and _registration_open(entry.competition)
        return self.render_page(competitions=competitions, entries=entries)


class EntryNew(SchoolPage):
    template_name = "web/provincial/entry_new.html"
    title = "报名参赛"
    roles = OFFICE

    def page(self, competition, form):
        return self.render_page(competition=competition, form=form, is_open=_registration_open(competition))

    def form(self, competition, data=None):
        return EntryForm(data, groups=groups_for_school(competition, self.request.tenant))

    def get(self, request, pk):
        competition = _competition(request, pk)
        return self.page(competition, self.form(competition))

    def post(self, request, pk):
        competition = _competition(request, pk)
        form = self.form(competition, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            group = competition.groups.filter(pk=data.pop("group") or 0).first()
            if group is None:
                form.add_error("group", "请选择组别。")
            elif self.call_service(lambda: competitions.entry_register(
                    by=request.user, school=request.tenant, group=group, **data),
                    form=form, success="已报名，等待自治区教育工会审查参赛资格。"):
                return redirect("school:competitions")
        return self.page(competition, form)


class EntryWithdraw(SchoolPage):
    http_method_names = ["post"]
    roles = OFFICE

    def post(self, request, pk):
        entry = _own_entry(request, pk)
        self.call_service(lambda: competitions.entry_move(entry=entry, action="withdraw", by=request.user),
                          success=f"{entry.name}的报名已撤回，名额已退回。")
        return redirect("school:competitions")


# ---- 经费补助 -------------------------------------------------------------------------------------

def _own_application(request, pk) -> SubsidyApplication:
    application = subsidy_applications_of(request.tenant).filter(pk=pk).first()
    if application is None:
        raise Http404("没有这项补助申请")
    return application


def _programme_open(programme) -> bool:
    return programme.opens_at <= timezone.now() <= programme.closes_at


class Subsidies(SchoolPage):
    template_name = "web/provincial/subsidies.html"
    title = "经费补助"
    roles = OFFICE

    def get(self, request):
        applied = set(subsidy_applications_of(request.tenant).values_list("programme_id", flat=True))
        programmes = list(programmes_for_school(request.tenant)[:20])
        for programme in programmes:
            programme.can_apply = _programme_open(programme) and programme.pk not in applied
        return self.render_page(programmes=programmes,
                                applications=subsidy_applications_of(request.tenant)[:100])


class SubsidyApply(SchoolPage):
    template_name = "web/provincial/subsidy_apply.html"
    title = "申报经费补助"
    roles = OFFICE

    def programme(self, pk):
        programme = programmes_for_school(self.request.tenant).filter(pk=pk).first()
        if programme is None:
            raise Http404("没有这个补助项目")
        return programme

    def get(self, request, pk):
        programme = self.programme(pk)
        return self.render_page(programme=programme, form=SubsidyApplicationForm(), is_open=_programme_open(programme))

    def post(self, request, pk):
        programme = self.programme(pk)
        form = SubsidyApplicationForm(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: subsidies.application_submit(
                by=request.user, programme=programme, school=request.tenant, project=form.cleaned_data["project"],
                amount_requested=form.cleaned_data["amount_requested"], budget_lines=form.lines(),
                member_count=active_member_count()), form=form, success="已申报，等待自治区教育工会核定。")
            if created:
                return redirect("school:subsidy", pk=created.value.pk)
        return self.render_page(programme=programme, form=form, is_open=_programme_open(programme))


class SubsidyDetail(SchoolPage):
    template_name = "web/provincial/subsidy.html"
    title = "补助申请"
    roles = OFFICE

    def page(self, application, form):
        can_report = application.status == SubsidyApplication.Status.DISBURSED
        return self.render_page(application=application, form=form if can_report else None)

    def get(self, request, pk):
        return self.page(_own_application(request, pk), SubsidyReportForm())

    def post(self, request, pk):
        application = _own_application(request, pk)
        form = SubsidyReportForm(request.POST)
        if form.is_valid() and self.call_service(lambda: subsidies.application_report(
                application=application, by=request.user, **form.cleaned_data),
                form=form, success="使用情况已报告。"):
            return redirect("school:subsidy", pk=pk)
        return self.page(application, form)


# ---- 先进教职工之家 -------------------------------------------------------------------------------

def _own_home_application(request, pk) -> HomeApplication:
    application = home_applications_of(request.tenant).filter(pk=pk).first()
    if application is None:
        raise Http404("没有这项建家申报")
    return application


def _round_open(round_) -> bool:
    return round_.status == Round.Status.OPEN and round_.opens_at <= timezone.now() <= round_.closes_at


class StaffHomes(SchoolPage):
    template_name = "web/provincial/staffhomes.html"
    title = "先进教职工之家"
    roles = OFFICE

    def get(self, request):
        rounds = list(rounds_for_school(request.tenant)[:10])
        for round_ in rounds:
            round_.is_open = _round_open(round_)
        # the criteria of the round open now (or the latest): each round has its own
        shown = next((r for r in rounds if r.is_open), rounds[0] if rounds else None)
        return self.render_page(rounds=rounds, criteria_round=shown, criteria=home_criteria(shown) if shown else [],
                                applications=home_applications_of(request.tenant)[:100])


class HomeApply(SchoolPage):
    template_name = "web/provincial/home_apply.html"
    title = "建家申报"
    roles = OFFICE

    def round(self, pk):
        round_ = rounds_for_school(self.request.tenant).filter(pk=pk).first()
        if round_ is None:
            raise Http404("没有这个评选年度")
        return round_

    def form(self, round_, data=None):
        return HomeApplicationForm(data, criteria=home_criteria(round_), levels=HomeApplication.Level.choices)

    def get(self, request, pk):
        round_ = self.round(pk)
        return self.render_page(round=round_, form=self.form(round_), is_open=_round_open(round_))

    def post(self, request, pk):
        round_ = self.round(pk)
        form = self.form(round_, request.POST)
        if form.is_valid():
            created = self.call_service(lambda: staffhomes.application_submit(
                by=request.user, round=round_, school=request.tenant, level=form.cleaned_data["level"],
                unit_name=form.cleaned_data["unit_name"], self_scores=form.scores(),
                self_assessment=form.cleaned_data["self_assessment"]),
                form=form, success="已申报。可以继续上传台账、照片等材料。")
            if created:
                return redirect("school:home-application", pk=created.value.pk)
        return self.render_page(round=round_, form=form, is_open=_round_open(round_))


class HomeApplicationDetail(SchoolPage):
    template_name = "web/provincial/home_application.html"
    title = "建家申报"
    roles = OFFICE

    def page(self, application, form):
        names = {str(c.pk): c for c in home_criteria(application.round)}
        scores = [{"name": names[key].name if key in names else key, "score": value,
                   "max": names[key].max_score if key in names else None}
                  for key, value in application.self_scores.items()]
        return self.render_page(application=application, scores=scores, upload_form=form,
                                materials=application.materials.order_by("uploaded_at"),
                                editable=application.status == HomeApplication.Status.SUBMITTED)

    def get(self, request, pk):
        return self.page(_own_home_application(request, pk), UploadForm())

    def post(self, request, pk):
        application = _own_home_application(request, pk)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid() and self.call_service(lambda: staffhomes.material_attach(
                application=application, by=request.user, upload=form.cleaned_data["file"]),
                form=form, success="材料已上传。"):
            return redirect("school:home-application", pk=pk)
        return self.page(application, form)
