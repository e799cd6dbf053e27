"""Pages of 荣休: the year's retirees gathered into a ceremony record with its date and list (issue #11).

The union office (union_admin) creates a ceremony (the year's retirees come from members' status
changes), adds or takes people off the list with a reason and records the final list. A member's
page and portal show the ceremony they were honoured at. Rules are tenants.retirement.services'.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.members.models import Member
from tenants.retirement import selectors as q
from tenants.retirement import services as s
from tenants.retirement.models import Ceremony, Honouree
from web.base import SchoolPage, posted_id
from web.history import state_history
from web.school import Section
from web.school.retirement_forms import AddForm, CeremonyEditForm, CeremonyForm
from web.tables import Column, Table
from web.todo import Todo, counted_many

OFFICE = frozenset({Role.UNION_ADMIN})


def _ceremony(pk) -> Ceremony:
    ceremony = Ceremony.objects.filter(pk=pk).first()
    if ceremony is None:
        raise Http404("没有这次荣休仪式")
    return ceremony


def _year(request) -> int:
    this = timezone.localdate().year
    raw = request.GET.get("year", "")
    return int(raw) if raw.isascii() and raw.isdigit() and this - 10 <= int(raw) <= this + 1 else this


def _retired_members():
    return Member.objects.filter(status=Member.Status.RETIRED).select_related("branch").order_by("branch__name",
                                                                                                 "employee_number")


class CeremonyList(SchoolPage):
    template_name = "web/retirement/list.html"
    title = "荣休"
    roles = OFFICE

    def get(self, request):
        year = _year(request)
        table = Table(request, id="ceremonies", columns=[
            Column("title", "名称", link=lambda c: reverse("school:retirement-ceremony", args=[c.pk])),
            Column("held_on", "仪式日期", format="date", sort="held_on"),
            Column("place", "地点"),
            Column("status", "状态", badge=True),
        ], default_sort="-held_on", per_page=20, empty_text="还没有荣休仪式。")
        table.paginate(Ceremony.objects.all())
        this = timezone.localdate().year
        return self.render_page(table=table, year=year, years=list(range(this, this - 5, -1)),
                                retirees=q.preview(year))


class CeremonyNew(SchoolPage):
    template_name = "web/retirement/form.html"
    title = "新建荣休仪式"
    roles = OFFICE

    def get(self, request):
        year = _year(request)
        return self.render_page(form=CeremonyForm(initial={"year": year}),
                                waiting=q.retirees_not_honoured(year))

    def post(self, request):
        form = CeremonyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: s.ceremony_create(by=request.user, **data), form=form)
            if done:
                messages.success(request, f"荣休仪式已创建，已列入 {done.value.honourees.count()} 位本年度退休会员。")
                return redirect("school:retirement-ceremony", pk=done.value.pk)
        return self.render_page(form=form, waiting=[])


class CeremonyDetail(SchoolPage):
    template_name = "web/retirement/detail.html"
    title = "荣休仪式"
    roles = OFFICE

    def page(self, ceremony, add_form=None, edit_form=None):
        return self.render_page(
            ceremony=ceremony, listed=q.honourees_of(ceremony), excluded=q.honourees_of(ceremony, excluded=True),
            waiting=q.retirees_not_honoured(ceremony.year),
            add_form=add_form or AddForm(members=_retired_members()),
            edit_form=edit_form or CeremonyEditForm(initial={"held_on": ceremony.held_on, "title": ceremony.title,
                                                             "place": ceremony.place, "note": ceremony.note}),
            actions=s.CEREMONY_FLOW.allowed_actions(state=ceremony.status, user=self.request.user),
            history=state_history(ceremony, s.CEREMONY_FLOW))

    def get(self, request, pk):
        return self.page(_ceremony(pk))

    def post(self, request, pk):
        ceremony = _ceremony(pk)
        what = request.POST.get("form", "")
        reason = request.POST.get("reason", "").strip()
        if what == "add":
            form = AddForm(request.POST, members=_retired_members())
            if form.is_valid() and self.call_service(lambda: s.honouree_add(
                    by=request.user, ceremony=ceremony, member=form.cleaned_data["member"],
                    reason=form.cleaned_data["reason"]), form=form, success="已列入名单。"):
                return redirect("school:retirement-ceremony", pk=pk)
            return self.page(ceremony, add_form=form)
        if what == "edit":
            form = CeremonyEditForm(request.POST)
            if form.is_valid() and self.call_service(lambda: s.ceremony_update(
                    by=request.user, ceremony=ceremony, **form.cleaned_data), form=form, success="已保存。"):
                return redirect("school:retirement-ceremony", pk=pk)
            return self.page(ceremony, edit_form=form)
        if what == "remove":
            row = Honouree.objects.filter(ceremony=ceremony, pk=posted_id(request, "honouree")).first()
            if row is None:
                raise Http404
            self.call_service(lambda: s.honouree_remove(by=request.user, honouree=row, reason=reason),
                              success=f"已将{row.member.name}移出名单。")
        elif what == "refresh":
            done = self.call_service(lambda: s.ceremony_refresh(by=request.user, ceremony=ceremony))
            if done:
                messages.success(request, f"已补充 {done.value} 人。" if done.value else "没有需要补充的退休会员。")
        elif what in s.CEREMONY_FLOW.transitions:
            self.call_service(lambda: s.ceremony_move(by=request.user, ceremony=ceremony, action=what, reason=reason),
                              success="荣休名单已记录。" if what == "record" else "已重新开放修改。")
        else:
            raise Http404
        return redirect("school:retirement-ceremony", pk=pk)


urlpatterns = [
    path("", CeremonyList.as_view(), name="retirement"),
    path("new/", CeremonyNew.as_view(), name="retirement-new"),
    path("<int:pk>/", CeremonyDetail.as_view(), name="retirement-ceremony"),
]


def workbench_counters(user) -> dict:
    if not user.has_role(Role.UNION_ADMIN):
        return {}
    return {"waiting": q.retirees_not_honoured(timezone.localdate().year)}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    if not user.has_role(Role.UNION_ADMIN):
        return []
    year = timezone.localdate().year
    found = counted_many(workbench_counters(user)) if found is None else found
    count, waiting = found["waiting"]
    if not count:
        return []
    draft = Ceremony.objects.filter(year=year, status=Ceremony.Status.DRAFT).first()
    url = reverse("school:retirement-ceremony", args=[draft.pk]) if draft else reverse("school:retirement-new")
    return [Todo(key="retirement-waiting", label=f"{year}年尚未列入荣休仪式的退休教职工", count=count, url=url,
                 items=[{"text": f"{m.name}（{m.branch.name}）", "url": url, "when": m.status_changed_on}
                        for m in waiting])]


def member_sections(user, member) -> list:
    """Sections of the member's page (会员详情) this person may see: a list of web.school.Section."""
    if member is None or not user.has_role(Role.UNION_ADMIN):
        return []
    honours = list(q.member_honours(member))
    if not honours and member.status != Member.Status.RETIRED:
        return []
    return [Section(template="web/retirement/_member_section.html", context={"honours": honours, "office": True})]


def portal_sections(user, member) -> list:
    """The member's own 荣休 (only once they were on a ceremony's list)."""
    if member is None:
        return []
    honours = list(q.member_honours(member))
    if not honours:
        return []
    return [Section(template="web/retirement/_member_section.html", context={"honours": honours, "office": False})]
