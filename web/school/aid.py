"""Pages of mutual aid (大病互助 / 医疗互助): schemes, enrolment, claims, payouts (issue #10).

The union office and the 帮扶专干 run schemes and claims; a member enrols themself and files their
own claims from 我的 (the portal), and sees only their own claims. Every change calls the service
the API calls; a record this user may not see is a 404.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from api.files import download
from tenants.accounts.roles import FINANCE_READERS, Role
from tenants.members.models import Member
from tenants.mutualaid import services as s
from tenants.mutualaid.models import Claim, Scheme
from tenants.mutualaid.selectors import (
    claims_visible_to,
    office_queues,
    scheme_figures,
    schemes_visible_to,
)
from web.base import SchoolPage
from web.history import state_history
from web.school.aid_forms import CategoryForm, ClaimForm, DocumentForm, EnrolForm, ImportForm, SchemeForm
from web.tables import Column, Filter, Table
from web.todo import Todo, counted_many

AID_OFFICE = frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER})


def _scheme(user, pk) -> Scheme:
    scheme = schemes_visible_to(user).filter(pk=pk).first()
    if scheme is None:
        raise Http404("没有这个计划")
    return scheme


def _claim(user, pk) -> Claim:
    claim = claims_visible_to(user).filter(pk=pk).first()
    if claim is None:
        raise Http404("没有这件申请")
    return claim


class SchemeList(SchoolPage):
    template_name = "web/aid/schemes.html"
    title = "互助保障"
    roles = AID_OFFICE

    def get(self, request):
        table = Table(request, id="schemes", columns=[
            Column("year", "年度", sort="year"),
            Column("name", "计划", link=lambda x: reverse("school:aid-scheme", args=[x.pk]), primary=True),
            Column("status", "状态", badge=True),
            Column("fee", "每人缴费", format="money"),
            Column("yearly_cap", "年度上限", format="money"),
            Column("enrol_closes_on", "参保截止", format="date"),
        ], filters=[Filter("status", "状态", choices=Scheme.Status.choices)], default_sort="-year",
            empty_text="还没有互助保障计划。", empty_hint="新建一个年度计划，设置给付类别后即可开始参保。")
        rows = schemes_visible_to(request.user)
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        table.paginate(rows)
        queues = office_queues()
        return self.render_page(table=table, to_review=queues["to_review"].count(), to_pay=queues["to_pay"].count())


class SchemeNew(SchoolPage):
    template_name = "web/aid/scheme_form.html"
    title = "新建互助保障计划"
    roles = AID_OFFICE

    def get(self, request):
        year = timezone.localdate().year
        return self.render_page(form=SchemeForm(initial={"year": year}))

    def post(self, request):
        form = SchemeForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: s.scheme_create(by=request.user, **form.cleaned_data), form=form,
                                     success="计划已建立（草稿），请设置给付类别。")
            if done:
                return redirect("school:aid-scheme", pk=done.value.pk)
        return self.render_page(form=form)


class SchemeDetail(SchoolPage):
    template_name = "web/aid/scheme.html"
    # the books' readers follow a fees entry here (read only)
    roles = AID_OFFICE | FINANCE_READERS

    def get(self, request, pk, category_form=None, enrol_form=None):
        scheme = _scheme(request.user, pk)
        office = s.is_office(request.user)
        table = Table(request, id="claims", columns=[
            Column("pk", "编号", link=lambda c: reverse("school:aid-claim", args=[c.pk])),
            Column("enrolment.member.name", "会员", primary=True,
                   link=lambda c: reverse("school:aid-claim", args=[c.pk])),
            Column("category.name", "类别"),
            Column("eligible_costs", "合规费用", format="money"),
            Column("approved_amount", "核准金额", format="money"),
            Column("status", "状态", badge=True, sort="status"),
            Column("created", "申请时间", format="datetime", sort="created"),
        ], filters=[Filter("status", "状态", choices=Claim.Status.choices),
                    Filter("category", "类别", choices=[(c.pk, c.name) for c in scheme.categories.all()]),
                    Filter("q", "搜索", placeholder="姓名或工号")],
            default_sort="-created", empty_text="还没有互助金申请。")
        rows = claims_visible_to(request.user).filter(enrolment__scheme=scheme)
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        if table.values["category"]:
            rows = rows.filter(category_id=int(table.values["category"]))
        if table.values["q"]:
            q = table.values["q"]
            rows = rows.filter(enrolment__member__name__contains=q) | rows.filter(enrolment__member__employee_number=q)
        table.paginate(rows)
        return self.render_page(
            scheme=scheme, page_title=str(scheme), categories=scheme.categories.all(),
            figures=scheme_figures(scheme), table=table, history=state_history(scheme, s.SCHEME_FLOW),
            steps=s.SCHEME_FLOW.allowed_actions(state=scheme.status, user=request.user),
            step_labels={a: t.label for a, t in s.SCHEME_FLOW.transitions.items()},
            category_form=category_form or (CategoryForm() if office and scheme.status == Scheme.Status.DRAFT
                                            else None),
            enrol_form=enrol_form or EnrolForm(), office=office,
            can_enrol=office and scheme.status in (Scheme.Status.ENROLLING, Scheme.Status.ACTIVE),
            can_claim=office and scheme.status == Scheme.Status.ACTIVE)


class SchemeStep(SchoolPage):
    roles = AID_OFFICE

    def post(self, request, pk, step):
        scheme = _scheme(request.user, pk)
        if step not in s.SCHEME_FLOW.transitions:
            raise Http404
        self.call_service(lambda: s.scheme_move(scheme=scheme, by=request.user, action=step),
                          success=f"已{s.SCHEME_FLOW.transitions[step].label}。")
        return redirect("school:aid-scheme", pk=pk)


class CategoryAdd(SchoolPage):
    roles = AID_OFFICE

    def post(self, request, pk):
        scheme = _scheme(request.user, pk)
        form = CategoryForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.category_create(scheme=scheme, by=request.user, **form.cleaned_data), form=form,
                success="给付类别已添加。"):
            return redirect("school:aid-scheme", pk=pk)
        return _again(SchemeDetail, request, pk, category_form=form)


def _again(page_class, request, pk, **forms):
    """The page shown again after a refused post, the form keeping what was typed and its errors."""
    page = page_class()
    page.setup(request, pk=pk)
    return page.get(request, pk, **forms)


def _member_by_number(form, number):
    member = Member.objects.filter(employee_number=(number or "").strip()).first() if number else None
    if member is None:
        form.add_error("employee_number", "本校没有这个工号的会员。" if number else "请填写会员工号。")
    return member


class Enrol(SchoolPage):
    """The office enrols one member by 工号; a member (no office role) enrols themself from 我的."""

    def post(self, request, pk):
        scheme = _scheme(request.user, pk)
        if not s.is_office(request.user):
            self.call_service(lambda: s.enrol(scheme=scheme, by=request.user), success=f"已参加“{scheme}”。")
            return redirect("school:me")
        form = EnrolForm(request.POST)
        if form.is_valid():
            member = _member_by_number(form, form.cleaned_data["employee_number"])
            if member and self.call_service(lambda: s.enrol(scheme=scheme, by=request.user, member=member),
                                            form=form, success=f"{member.name}已参保。"):
                return redirect("school:aid-scheme", pk=pk)
        return _again(SchemeDetail, request, pk, enrol_form=form)


class EnrolAll(SchoolPage):
    roles = AID_OFFICE

    def post(self, request, pk):
        scheme = _scheme(request.user, pk)
        done = self.call_service(lambda: s.enrol_all(scheme=scheme, by=request.user))
        if done:
            messages.success(request, f"全员参保：新登记 {done.value} 人。")
        return redirect("school:aid-scheme", pk=pk)


class BookFees(SchoolPage):
    roles = AID_OFFICE

    def post(self, request, pk):
        scheme = _scheme(request.user, pk)
        done = self.call_service(lambda: s.fees_book(scheme=scheme, by=request.user))
        if done:
            if done.value is None:
                messages.info(request, "没有尚未入账的缴费，未重复记账。")
            else:
                messages.success(request, f"已把 ¥{done.value.amount:,.2f} 记入账簿（其他收入），等待经费审批。")
        return redirect("school:aid-scheme", pk=pk)


class ImportPage(SchoolPage):
    """Upload a sheet of 工号: first a preview (nothing written), then 确认导入 of the same file."""

    template_name = "web/aid/import.html"
    title = "导入参保名单"
    roles = AID_OFFICE

    def get(self, request, pk):
        return self.render_page(scheme=_scheme(request.user, pk), form=ImportForm())

    def post(self, request, pk):
        scheme = _scheme(request.user, pk)
        form = ImportForm(request.POST, request.FILES)
        upload = request.FILES.get("file")
        if upload is None:
            form.is_valid()
            form.add_error("file", "请选择要导入的 .xlsx 文件。")
            return self.render_page(scheme=scheme, form=form)
        confirm = request.POST.get("confirm") == "1"
        try:
            members = s.enrol_import(scheme=scheme, by=request.user, fileobj=upload, preview=not confirm)
        except s.ImportRejected as rejected:
            return self.render_page(scheme=scheme, form=ImportForm(), problems=rejected.problems, file_name=upload.name)
        except Exception as exc:  # a refusal of the scheme's state: shown like the service says it
            from tenants.errors import DomainError

            if not isinstance(exc, DomainError):
                raise
            messages.error(request, exc.message)
            return self.render_page(scheme=scheme, form=ImportForm())
        if confirm:
            messages.success(request, f"已导入 {len(members)} 人参保。")
            return redirect("school:aid-scheme", pk=pk)
        return self.render_page(scheme=scheme, form=ImportForm(), preview=members, file_name=upload.name)


class ClaimNew(SchoolPage):
    """The office files for a member (by 工号); a member files their own claim."""

    template_name = "web/aid/claim_form.html"
    title = "申请互助金"

    def _form(self, request, scheme):
        return ClaimForm(request.POST or None, request.FILES or None, scheme=scheme, office=s.is_office(request.user))

    def get(self, request, pk):
        scheme = _scheme(request.user, pk)
        return self.render_page(scheme=scheme, form=self._form(request, scheme), categories=scheme.categories.all())

    def post(self, request, pk):
        scheme = _scheme(request.user, pk)
        form = self._form(request, scheme)
        if form.is_valid():
            data = form.cleaned_data
            member = None
            if "employee_number" in form.fields:
                member = _member_by_number(form, data["employee_number"])
            if member is not None or "employee_number" not in form.fields:
                document = request.FILES.get("document")
                done = self.call_service(lambda: s.claim_file(
                    by=request.user, scheme=scheme, member=member, category=data["category"],
                    eligible_costs=data["eligible_costs"], description=data["description"],
                    documents=[document] if document else []), form=form, success="申请已提交，等待校工会初审。")
                if done:
                    return redirect("school:aid-claim", pk=done.value.pk)
        return self.render_page(scheme=scheme, form=form, categories=scheme.categories.all())


class ClaimDetail(SchoolPage):
    template_name = "web/aid/claim.html"

    def get(self, request, pk, document_form=None):
        claim = _claim(request.user, pk)
        office = s.is_office(request.user)
        enrolment = claim.enrolment
        preview = None
        if claim.status in (Claim.Status.SUBMITTED, Claim.Status.REVIEWED):
            computed = s.compute_amount(claim.category, claim.eligible_costs)
            preview = {"computed": computed, "amount": max(min(computed, enrolment.remaining), 0),
                       "capped": computed > enrolment.remaining, "exhausted": enrolment.remaining <= 0}
        # the claimant or the office add papers while it is under review; the books' readers only read
        may_attach = (claim.status in (Claim.Status.SUBMITTED, Claim.Status.REVIEWED)
                      and (office or enrolment.member.user_id == request.user.pk))
        return self.render_page(
            claim=claim, enrolment=enrolment, office=office, page_title=f"互助金申请 #{claim.pk}",
            documents=claim.documents.all(), preview=preview, history=state_history(claim, s.CLAIM_FLOW),
            steps=s.CLAIM_FLOW.allowed_actions(state=claim.status, user=request.user),
            document_form=document_form or (DocumentForm() if may_attach else None))


class ClaimAct(SchoolPage):
    roles = AID_OFFICE

    def post(self, request, pk, step):
        claim = _claim(request.user, pk)
        if step not in s.CLAIM_FLOW.transitions:
            raise Http404
        done = self.call_service(lambda: s.claim_act(claim=claim, by=request.user, action=step,
                                                     note=request.POST.get("note", ""),
                                                     reason=request.POST.get("reason", "")))
        if done:
            value = done.value
            if step == "approve" and value.capped:
                messages.warning(request, f"按类别应付 ¥{value.computed_amount:,.2f}，受年度上限核减为 "
                                          f"¥{value.approved_amount:,.2f}。")
            else:
                messages.success(request, f"已{s.CLAIM_FLOW.transitions[step].label}。")
        return redirect("school:aid-claim", pk=pk)


class ClaimDocuments(SchoolPage):
    """Download (whoever sees the claim) and upload (the claimant or the office, while under review)."""

    def get(self, request, pk, document_id):
        return download(_claim(request.user, pk).documents, document_id)

    def post(self, request, pk, document_id=None):
        claim = _claim(request.user, pk)
        form = DocumentForm(request.POST, request.FILES)
        upload = request.FILES.get("file")
        if upload is None:
            form.is_valid()
            form.add_error("file", "请选择要上传的文件。")
        elif self.call_service(lambda: s.claim_attach(claim=claim, by=request.user, upload=upload), form=form,
                               success="材料已上传。"):
            return redirect("school:aid-claim", pk=pk)
        return _again(ClaimDetail, request, pk, document_form=form)


urlpatterns = [
    path("", SchemeList.as_view(), name="mutual-aid"),
    path("new/", SchemeNew.as_view(), name="aid-scheme-new"),
    path("<int:pk>/", SchemeDetail.as_view(), name="aid-scheme"),
    path("<int:pk>/step/<str:step>/", SchemeStep.as_view(), name="aid-scheme-step"),
    path("<int:pk>/categories/", CategoryAdd.as_view(), name="aid-category-add"),
    path("<int:pk>/enrol/", Enrol.as_view(), name="aid-enrol"),
    path("<int:pk>/enrol-all/", EnrolAll.as_view(), name="aid-enrol-all"),
    path("<int:pk>/book-fees/", BookFees.as_view(), name="aid-book-fees"),
    path("<int:pk>/import/", ImportPage.as_view(), name="aid-import"),
    path("<int:pk>/claims/new/", ClaimNew.as_view(), name="aid-claim-new"),
    path("claims/<int:pk>/", ClaimDetail.as_view(), name="aid-claim"),
    path("claims/<int:pk>/documents/", ClaimDocuments.as_view(), name="aid-claim-documents"),
    path("claims/<int:pk>/documents/<int:document_id>/", ClaimDocuments.as_view(), name="aid-claim-document"),
    path("claims/<int:pk>/<str:step>/", ClaimAct.as_view(), name="aid-claim-act"),
]


def workbench_counters(user) -> dict:
    if not s.is_office(user):
        return {}
    # the items show the member, category, status and date
    return {key: rows.only("id", "status", "created", "enrolment__member__name", "category__name")
            for key, rows in office_queues().items()}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    found = counted_many(workbench_counters(user)) if found is None else found
    todos = []
    for key, label, queue, urgent in (("aid-review", "互助金待审核", "to_review", False),
                                      ("aid-pay", "互助金待支付", "to_pay", True)):
        count, rows = found.get(queue, (0, []))
        if count:
            items = [{"text": f"{c.enrolment.member.name} · {c.category.name} · {c.get_status_display()}",
                      "url": reverse("school:aid-claim", args=[c.pk]), "when": c.created}
                     for c in rows]
            todos.append(Todo(key=key, label=label, count=count, url=reverse("school:mutual-aid"), urgent=urgent,
                              items=items))
    return todos
