"""Pages of the hardship register (困难教职工档案), confidential (issue #10).

Only the union office and the 帮扶专干 (HARDSHIP_READERS) open these pages; everyone else gets the
403 page and sees nothing of them in the navigation or the workbench. The list shows name,
branch, level and review dates only; opening a case is an audited read (services.case_read).
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from tenants.accounts.roles import HARDSHIP_READERS, Role
from tenants.hardship import services as s
from tenants.hardship.aid import aid_given
from tenants.hardship.models import HardshipCase, HardshipLevel
from tenants.hardship.selectors import cases_matching, levels, reviews_overdue
from tenants.members.models import Branch, Member
from web.base import OFFICE, SchoolPage
from web.history import state_history
from web.school.hardship_forms import CaseForm, LevelForm, ReasonForm, ReviewForm
from web.tables import Column, Filter, Table
from web.todo import Todo, counted_many

READERS = HARDSHIP_READERS


def _case_url(case) -> str:
    return reverse("school:hardship-case", args=[case.pk])


def _case_summary(pk) -> HardshipCase:
    """What a list may show of a case (no household, no income): for the review and step pages."""
    case = cases_matching().filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


class HardshipList(SchoolPage):
    template_name = "web/hardship/list.html"
    title = "困难教职工档案"
    roles = READERS

    def get(self, request):
        table = Table(request, id="hardship-cases", columns=[
            Column("member.name", "姓名", link=_case_url, primary=True),
            Column("member.branch.name", "分工会"),
            Column("level.name", "困难等级"),
            Column("status", "状态", badge=True),
            Column("next_review_on", "下次复核", format="date", sort="next_review_on"),
            Column("review_note", "复核", empty=""),
        ], filters=[
            Filter("q", "搜索", placeholder="姓名或工号"),
            Filter("level", "困难等级", choices=[(lv.pk, lv.name) for lv in levels()]),
            Filter("status", "状态", choices=HardshipCase.Status.choices),
            Filter("branch", "分工会", choices=[(b.pk, b.name) for b in Branch.objects.all()]),
            Filter("overdue", "复核", choices=[("1", "复核已逾期"), ("0", "未逾期")]),
        ], per_page=20, empty_text="还没有困难档案。", empty_hint="为生活困难的会员建档后，每年复核一次。")
        values = table.values
        rows = cases_matching(level=values["level"] or None, status=values["status"] or None,
                              branch=values["branch"] or None, query=values["q"],
                              overdue={"1": True, "0": False}.get(values["overdue"]))
        page = table.paginate(rows)
        for case in page:
            case.review_note = "复核已逾期" if case.review_overdue else ""
        return self.render_page(table=table, is_office=request.user.has_role(Role.UNION_ADMIN))


class CaseNew(SchoolPage):
    template_name = "web/hardship/form.html"
    title = "新建困难档案"
    roles = READERS

    def form(self):
        return CaseForm(self.request.POST or None, levels=levels(active_only=True))

    def get(self, request):
        return self.render_page(form=self.form(), submit="建档", back=reverse("school:hardship"))

    def post(self, request):
        form = self.form()
        if form.is_valid():
            data = form.cleaned_data
            number = data["member"].strip()
            member = Member.objects.filter(employee_number=number).first() if number else None
            if not number:
                form.add_error("member", "请填写会员工号。")
            elif member is None:
                form.add_error("member", f"本校没有工号为 {number} 的会员。")
            else:
                created = self.call_service(
                    lambda: s.case_register(by=request.user, member=member, level=data["level"], cause=data["cause"],
                                            cause_detail=data["cause_detail"], registered_on=data["registered_on"],
                                            household=data["household"]),
                    form=form, success="困难档案已建立。")
                if created:
                    return redirect(_case_url(created.value))
        return self.render_page(form=form, submit="建档", back=reverse("school:hardship"))


AID_PAGES = {"care_visit": "school:care-visit", "aid_claim": "school:aid-claim"}


def aid_with_links(member) -> list[dict]:
    return [{**row, "url": reverse(AID_PAGES[row["kind"]], args=[row["id"]])} for row in aid_given(member)]


class CaseDetail(SchoolPage):
    template_name = "web/hardship/detail.html"
    title = "困难档案"
    roles = READERS

    def get(self, request, pk):
        try:
            case = s.case_read(by=request.user, case_id=pk)
        except HardshipCase.DoesNotExist:
            raise Http404
        response = self.render_page(
            case=case, household=list(case.household.all()), reviews=list(case.reviews.all()),
            history=state_history(case, s.CASE_FLOW), aid=aid_with_links(case.member),
            page_title=f"困难档案 · {case.member.name}")
        response["Cache-Control"] = "no-store, private"
        return response


class CaseReview(SchoolPage):
    template_name = "web/hardship/form.html"
    title = "年度复核"
    roles = READERS

    def form(self):
        return ReviewForm(self.request.POST or None, levels=levels(active_only=True))

    def context(self, case, form):
        return {"form": form, "case": case, "submit": "保存复核", "back": _case_url(case),
                "page_title": f"年度复核 · {case.member.name}"}

    def get(self, request, pk):
        case = _case_summary(pk)
        return self.render_page(**self.context(case, self.form()))

    def post(self, request, pk):
        case = _case_summary(pk)
        form = self.form()
        if form.is_valid():
            data = form.cleaned_data
            if self.call_service(lambda: s.case_review(by=request.user, case=case, outcome=data["outcome"],
                                                       level=data["level"], note=data["note"],
                                                       reviewed_on=data["reviewed_on"]),
                                 form=form, success="复核已记录。"):
                return redirect(_case_url(case))
        return self.render_page(**self.context(case, form))


STEPS = {"close": ("脱困销档", "销档后不再列入复核；确定该会员已脱困吗？", "脱困原因"),
         "reopen": ("重新纳入", "重新纳入后档案恢复在册，下次复核为一年后。确定吗？", "重新纳入的原因")}


class CaseStep(SchoolPage):
    """脱困销档 / 重新纳入 with a reason, asked again in the confirm dialog."""

    template_name = "web/hardship/step.html"
    roles = READERS

    def context(self, case, step, form):
        label, question, reason_label = STEPS[step]
        form.fields["reason"].label = reason_label
        return {"form": form, "case": case, "submit": label, "question": question, "back": _case_url(case),
                "page_title": f"{label} · {case.member.name}"}

    def get(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        return self.render_page(**self.context(_case_summary(pk), step, ReasonForm()))

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        case = _case_summary(pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            service = s.case_close if step == "close" else s.case_reopen
            if self.call_service(lambda: service(by=request.user, case=case, reason=form.cleaned_data["reason"]),
                                 form=form, success=f"已{STEPS[step][0]}。"):
                return redirect(_case_url(case))
        return self.render_page(**self.context(case, step, form))


class LevelList(SchoolPage):
    template_name = "web/hardship/levels.html"
    title = "困难等级设置"
    roles = READERS

    def get(self, request):
        return self.page(LevelForm(initial={"is_active": True}))

    def page(self, form):
        office = self.request.user.has_role(Role.UNION_ADMIN)
        return self.render_page(levels=levels(), form=form if office else None, is_office=office)

    def post(self, request):
        if not request.user.has_role(Role.UNION_ADMIN):
            raise Http404
        form = LevelForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.level_create(by=request.user, name=form.cleaned_data["name"],
                                       sort_order=form.cleaned_data["sort_order"]),
                form=form, success="困难等级已添加。"):
            return redirect("school:hardship-levels")
        return self.page(form)


class LevelEdit(SchoolPage):
    template_name = "web/hardship/form.html"
    title = "修改困难等级"
    roles = OFFICE

    def level(self, pk) -> HardshipLevel:
        level = HardshipLevel.objects.filter(pk=pk).first()
        if level is None:
            raise Http404
        return level

    def get(self, request, pk):
        level = self.level(pk)
        form = LevelForm(initial={"name": level.name, "sort_order": level.sort_order, "is_active": level.is_active})
        return self.render_page(form=form, submit="保存", back=reverse("school:hardship-levels"))

    def post(self, request, pk):
        level = self.level(pk)
        form = LevelForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if self.call_service(lambda: s.level_update(by=request.user, level=level, name=data["name"],
                                                        sort_order=data["sort_order"], is_active=data["is_active"]),
                                 form=form, success="已保存。"):
                return redirect("school:hardship-levels")
        return self.render_page(form=form, submit="保存", back=reverse("school:hardship-levels"))


urlpatterns: list = [
    path("", HardshipList.as_view(), name="hardship"),
    path("new/", CaseNew.as_view(), name="hardship-new"),
    path("levels/", LevelList.as_view(), name="hardship-levels"),
    path("levels/<int:pk>/", LevelEdit.as_view(), name="hardship-level"),
    path("<int:pk>/", CaseDetail.as_view(), name="hardship-case"),
    path("<int:pk>/review/", CaseReview.as_view(), name="hardship-review"),
    path("<int:pk>/<str:step>/", CaseStep.as_view(), name="hardship-step"),
]


def workbench_counters(user) -> dict:
    return {"overdue": reviews_overdue()} if user.has_role(*READERS) else {}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    found = counted_many(workbench_counters(user)) if found is None else found
    count, overdue = found.get("overdue", (0, []))
    if not count:
        return []
    return [Todo("hardship_reviews_overdue", "逾期未复核的困难档案", count, f"{reverse('school:hardship')}?overdue=1",
                 urgent=True, items=[{"text": case.member.name, "url": _case_url(case), "when": case.next_review_on}
                                     for case in overdue])]
