"""Pages of the union's books: budget vs actual (the landing page), entries recorded by the
treasurer and approved by someone else, the budget grid, 经审 (read-only), year-end close, export.

Who sees what: every FINANCE_READERS role reads everything (the auditor too — and nothing more);
the buttons shown are the steps the services would allow this person, and the services refuse the
rest anyway."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone

from api.files import xlsx_response
from tenants.accounts.roles import FINANCE_APPROVERS, FINANCE_READERS
from tenants.finance import export
from tenants.finance import services as s
from tenants.finance.models import Budget, LedgerEntry
from tenants.finance.selectors import (
    allowed_actions,
    awaiting_approval_by,
    books_years,
    budget_vs_actual,
    entries_matching,
    entry_trail,
    is_year_closed,
    sent_back_to,
    source_link,
)
from web.base import SchoolPage
from web.history import state_history
from web.school.books_forms import CATEGORY_CHOICES, BudgetForm, EntryForm, RejectForm
from web.tables import Column, Filter, Table
from web.templatetags.ui import yuan
from web.todo import Todo, counted_many

READERS = FINANCE_READERS
WRITERS = s.RECORDERS | FINANCE_APPROVERS


def _year_from(value) -> int:
    value = str(value or "").strip()
    if value.isascii() and value.isdigit() and s.BUDGET_YEARS[0] <= int(value) <= s.BUDGET_YEARS[1]:
        return int(value)
    return timezone.localdate().year


def _entry(pk) -> LedgerEntry:
    return get_object_or_404(LedgerEntry, pk=pk)


def _may(user, roles) -> bool:
    return user.has_role(*roles)


class BooksOverview(SchoolPage):
    """预算执行情况: the year's budget vs actual by category, totals and balance."""

    template_name = "web/books/overview.html"
    title = "工会经费"
    roles = READERS

    def get(self, request):
        year = _year_from(request.GET.get("year"))
        figures = budget_vs_actual(year)
        user = request.user
        current = timezone.localdate().year
        return self.render_page(
            figures=figures, year=year, years=sorted(set(books_years()) | {year}, reverse=True),
            page_title=f"工会经费 · {year} 年度",
            may_record=_may(user, s.RECORDERS) and not figures["closed"],
            may_budget=_may(user, s.BUDGETERS) and not figures["closed"],
            may_close=_may(user, s.CLOSERS) and not figures["closed"] and year < current,
            close_question=f"确定对 {year} 年度年终结账吗？结账后该年度不能再记账、修改、审批或编制预算，且不能撤销。",
            pending_total=figures["totals"]["income"]["pending_count"] + figures["totals"]["expense"]["pending_count"])


class EntryList(SchoolPage):
    template_name = "web/books/entries.html"
    title = "收支记录"
    roles = READERS

    def get(self, request):
        years = [(str(y), f"{y} 年") for y in books_years()]
        table = Table(request, id="entries", columns=[
            Column("description", "摘要", link=lambda e: reverse("school:books-entry", args=[e.pk]), primary=True),
            Column("occurred_on", "日期", format="date", sort="occurred_on"),
            Column("get_kind_display", "收支"),
            Column("get_category_display", "科目"),
            Column("amount", "金额", format="money", sort="amount"),
            Column("status", "状态", badge=True, sort="status"),
            Column("get_source_type_display", "来源"),
            Column("recorded_by", "记账人"),
        ], filters=[Filter("year", "年度", choices=years),
                    Filter("kind", "收支", choices=LedgerEntry.Kind.choices),
                    Filter("category", "科目", choices=[c for group in CATEGORY_CHOICES[1:] for c in group[1]]),
                    Filter("status", "状态", choices=LedgerEntry.Status.choices),
                    Filter("source_type", "来源", choices=LedgerEntry.Source.choices),
                    Filter("q", "搜索", placeholder="摘要或记账人")],
            default_sort="-occurred_on", per_page=20, empty_text="没有符合条件的收支记录。",
            empty_hint="财务记账员“记一笔”后，收支在这里等待审批。")
        rows = entries_matching(**table.values)
        table.paginate(rows)
        return self.render_page(table=table, may_record=_may(request.user, s.RECORDERS))


class EntryNew(SchoolPage):
    template_name = "web/books/entry_form.html"
    title = "记一笔"
    roles = s.RECORDERS

    def get(self, request):
        return self.render_page(form=EntryForm(initial={"occurred_on": timezone.localdate()}))

    def post(self, request):
        form = EntryForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: s.ledger_entry_record_manual(by=request.user, **form.fields_for_service()),
                                     form=form, success="已记账，等待审批。")
            if done:
                return redirect("school:books-entry", pk=done.value.pk)
        return self.render_page(form=form)


class EntryEdit(SchoolPage):
    template_name = "web/books/entry_form.html"
    title = "修改收支"
    roles = s.RECORDERS

    def get(self, request, pk):
        entry = _entry(pk)
        if not self.call_service(lambda: s.ledger_entry_check_editable(entry=entry, by=request.user)):
            return redirect("school:books-entry", pk=entry.pk)
        initial = {name: getattr(entry, name) for name in s.ENTRY_FIELDS}
        return self.render_page(form=EntryForm(initial=initial), entry=entry)

    def post(self, request, pk):
        entry = _entry(pk)
        form = EntryForm(request.POST)
        was_sent_back = entry.status == LedgerEntry.Status.REJECTED
        if form.is_valid() and self.call_service(
                lambda: s.ledger_entry_update(entry=entry, by=request.user, **form.fields_for_service()),
                form=form, success="已修改并重新提交审批。" if was_sent_back else "已保存。"):
            return redirect("school:books-entry", pk=entry.pk)
        return self.render_page(form=form, entry=entry)


def _field_label(name: str) -> str:
    try:
        return str(LedgerEntry._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _trail_rows(entry) -> list[dict]:
    """The entry's 操作日志 for people: who did what when, changed fields by their Chinese names."""
    rows = []
    for record in entry_trail(entry):
        changes = []
        if record.action == "update" and isinstance(record.changes, dict):
            changes = [(_field_label(name), *change) for name, change in record.changes.items()
                       if isinstance(change, list) and len(change) == 2]
        rows.append({"who": record.actor_name or "系统", "what": record.get_action_display(), "at": record.at,
                     "from": s.LEDGER_FLOW.label(record.from_state) if record.from_state else "",
                     "to": s.LEDGER_FLOW.label(record.to_state) if record.to_state else "",
                     "changes": changes, "reason": record.reason})
    return rows


class EntryDetail(SchoolPage):
    """One entry: its facts, its source, the steps this person may take, its history and 操作日志."""

    template_name = "web/books/entry_detail.html"
    roles = READERS

    def page(self, entry, reject_form=None):
        user = self.request.user
        closed = is_year_closed(entry.occurred_on.year)
        actions = [] if closed else allowed_actions(entry, user)
        own = entry.recorded_by == user.get_username()
        editable = (not closed and own and _may(user, s.RECORDERS) and entry.source_type == LedgerEntry.Source.MANUAL
                    and entry.status != LedgerEntry.Status.APPROVED)
        # another area's entry is resubmitted unchanged by the office or the treasurer (its figures
        # live in its own record); a manual one by its recorder, who may also correct it
        resubmittable = "resubmit" in actions and _may(user, s.RECORDERS) and (
            editable or entry.source_type != LedgerEntry.Source.MANUAL)
        approve_url = f"{reverse('school:books-entry-step', args=[entry.pk, 'approve'])}?seen={s.entry_version(entry)}"
        return self.render_page(
            entry=entry, page_title=f"收支记录 · {entry.description[:20]}", closed=closed,
            source_url=source_link(entry), actions=actions, editable=editable, resubmittable=resubmittable,
            approve_url=approve_url,
            own_pending=own and entry.status == LedgerEntry.Status.PENDING and _may(user, FINANCE_APPROVERS),
            reject_form=reject_form or RejectForm(), history=state_history(entry, s.LEDGER_FLOW),
            trail=_trail_rows(entry))

    def get(self, request, pk):
        return self.page(_entry(pk))


class EntryStep(SchoolPage):
    """审批通过 / 退回 / 重新提交, through the ledger workflow; the service says why not."""

    roles = WRITERS
    template_name = "web/books/entry_detail.html"
    http_method_names = ["post"]

    def post(self, request, pk, step):
        entry = _entry(pk)
        if step == "approve":
            # the version of the entry the approver was shown (EntryDetail's approve_url)
            seen = request.GET.get("seen", "")[:16]
            self.call_service(lambda: s.ledger_entry_decide(entry=entry, by=request.user, approve=True,
                                                            seen_version=seen or None),
                              success="已审批通过，计入账目。")
        elif step == "reject":
            form = RejectForm(request.POST)
            if not (form.is_valid() and self.call_service(
                    lambda: s.ledger_entry_decide(entry=entry, by=request.user, approve=False,
                                                  reason=form.cleaned_data["reason"]),
                    form=form, success="已退回记账人。")):
                return EntryDetail.page(self, _entry(pk), reject_form=form)
        elif step == "resubmit":
            self.call_service(lambda: s.ledger_entry_resubmit(entry=entry, by=request.user),
                              success="已重新提交审批。")
        else:
            raise Http404
        return redirect("school:books-entry", pk=entry.pk)


class BudgetGrid(SchoolPage):
    """编制预算: every category of one year on one form, saved all or nothing."""

    template_name = "web/books/budget.html"
    roles = s.BUDGETERS

    def hints(self, year):
        last = budget_vs_actual(year - 1)
        return {row["category"]: f"上年决算 {yuan(row['actual'])}" for row in last["income"] + last["expense"]}

    def render_grid(self, year, form):
        return self.render_page(form=form, year=year, closed=is_year_closed(year), page_title=f"编制 {year} 年度预算")

    def get(self, request):
        year = _year_from(request.GET.get("year"))
        initial = dict(Budget.objects.filter(year=year).values_list("category", "amount"))
        return self.render_grid(year, BudgetForm(initial=initial, hints=self.hints(year)))

    def post(self, request):
        year = _year_from(request.POST.get("year"))
        form = BudgetForm(request.POST, hints=self.hints(year))
        if form.is_valid() and self.call_service(
                lambda: s.budget_set(by=request.user, year=year, amounts=form.amounts()),
                form=form, success=f"{year} 年度预算已保存。"):
            return redirect(f"{reverse('school:books')}?year={year}")
        return self.render_grid(year, form)


class CloseYear(SchoolPage):
    """年终结账 (after a confirm dialog on the overview)."""

    roles = s.CLOSERS
    http_method_names = ["post"]

    def post(self, request, year):
        self.call_service(lambda: s.year_close(by=request.user, year=year, note=request.POST.get("note", "")),
                          success=f"{year} 年度已结账。")
        return redirect(f"{reverse('school:books')}?year={_year_from(year)}")


class Export(SchoolPage):
    roles = READERS

    def get(self, request):
        year = _year_from(request.GET.get("year"))
        content = export.workbook(year, school_name=request.tenant.name)
        return xlsx_response(content, f"{year}年度工会经费收支决算表.xlsx")


urlpatterns = [
    path("", BooksOverview.as_view(), name="books"),
    path("entries/", EntryList.as_view(), name="books-entries"),
    path("entries/new/", EntryNew.as_view(), name="books-entry-new"),
    path("entries/<int:pk>/", EntryDetail.as_view(), name="books-entry"),
    path("entries/<int:pk>/edit/", EntryEdit.as_view(), name="books-entry-edit"),
    path("entries/<int:pk>/<slug:step>/", EntryStep.as_view(), name="books-entry-step"),
    path("budget/", BudgetGrid.as_view(), name="books-budget"),
    path("close/<int:year>/", CloseYear.as_view(), name="books-close"),
    path("export/", Export.as_view(), name="books-export"),
]


ITEM_COLUMNS = ("id", "category", "amount", "description", "occurred_on")


def _items(rows):
    return [{"text": f"{e.get_category_display()} {yuan(e.amount)} · {e.description[:30]}",
             "url": reverse("school:books-entry", args=[e.pk]), "when": e.occurred_on} for e in rows]


def workbench_counters(user) -> dict:
    counters = {}
    if user.has_role(*FINANCE_APPROVERS):
        counters["approve"] = awaiting_approval_by(user)
    if user.has_role(*s.RECORDERS):
        counters["sent_back"] = sent_back_to(user)
    # the items show category, amount, description and date: not the other columns
    return {key: rows.only(*ITEM_COLUMNS) for key, rows in counters.items()}


def workbench_todos(user, found: dict | None = None) -> list[Todo]:
    found = counted_many(workbench_counters(user)) if found is None else found
    todos = []
    count, waiting = found.get("approve", (0, []))
    if count:
        todos.append(Todo(key="books-approve", label="待审批的收支", count=count,
                          url=f"{reverse('school:books-entries')}?status=pending", items=_items(waiting)))
    count, sent_back = found.get("sent_back", (0, []))
    if count:
        todos.append(Todo(key="books-sent-back", label="被退回的收支", count=count, urgent=True,
                          url=f"{reverse('school:books-entries')}?status=rejected&q={user.get_username()}",
                          items=_items(sent_back)))
    return todos
