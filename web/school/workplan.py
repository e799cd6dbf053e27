"""Pages of the year's work plan (工作要点 → tasks with owners) and the task pages for owners
(issue #12, points 1 and 8).

Everyone of the school reads the plan (a public document inside the school) and sees first the
tasks they own; the union office imports the school's notice (pasted, .docx or PDF → the
importer's preview, every row editable → 保存为年度计划) or writes the plan by hand, adds tasks
and assigns owners; an owner (a handler of the department, the chair of the branch, the person)
moves their task and writes progress notes with attachments. Every write is a
tenants.workplan.services call; its refusals are shown beside the field they name.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.workplan import selectors as q
from tenants.workplan import services as s
from tenants.workplan.models import Plan, Task, TaskAttachment
from tenants.workplan.workflow import TASK_FLOW
from web.base import SchoolPage
from web.history import state_history
from web.province.circulars import ParseForms
from web.province.circulars_forms import ItemRows, calendar_text
from web.school.workplan_forms import ImportHeaderForm, NoteForm, NoticeForm, PlanForm, TaskForm
from web.todo import LIST_LENGTH, Todo

OFFICE = frozenset({Role.UNION_ADMIN})
HEADER_FIELDS = ("year", "title", "doc_number", "issuer", "issued_on")
ROW_FIELDS = ("section_number", "section_title", "number", "title", "body", "due_on")
MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]


def _plan(pk) -> Plan:
    plan = Plan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404("没有这份工作计划")
    return plan


def _task(pk) -> Task:
    task = q.tasks().filter(pk=pk).first()
    if task is None:
        raise Http404("没有这项任务")
    return task


def _decorate(tasks):
    for task in tasks:
        task.owner_name = q.owner_label(task)
        task.is_overdue = q.overdue(task)
    return tasks


def _grouped(tasks) -> list[dict]:
    """Points under their sections (一、…); the 行事历's tasks under 行事历, by month."""
    groups: list[dict] = []
    for task in tasks:
        if task.origin == Task.Origin.CALENDAR:
            key, title = ("calendar",), "行事历"
        else:
            key = (task.section_number, task.section_title)
            title = "、".join(part for part in key if part) or "其他任务"
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "title": title, "tasks": []})
        groups[-1]["tasks"].append(task)
    return groups


# ---- the year's plan ------------------------------------------------------------------------------

class PlanPage(SchoolPage):
    template_name = "web/workplan/plan.html"
    title = "工作计划"

    def get(self, request):
        plans = list(q.plans())
        year = request.GET.get("year", "")
        plan = next((p for p in plans if str(p.year) == year), None) or q.current_plan()
        office = s.is_office(request.user)
        mine_only = request.GET.get("mine") == "1"
        values = {"owner": request.GET.get("owner", ""), "status": request.GET.get("status", ""),
                  "month": request.GET.get("month", "")}
        values["status"] = values["status"] if values["status"] in Task.Status.values else ""
        values["month"] = values["month"] if values["month"] in dict(MONTHS) else ""
        if values["owner"] != "none" and not q.parse_owner(values["owner"]):
            values["owner"] = ""
        groups, mine, figures = [], [], None
        if plan is not None:
            rows = q.tasks_of(plan, owner=values["owner"], status=values["status"], month=values["month"] or None,
                              mine=request.user if mine_only else None)
            groups = _grouped(_decorate(list(rows)))
            mine = _decorate(list(q.tasks_of(plan, mine=request.user).exclude(status=Task.Status.CANCELLED)))
            figures = q.figures(plan)
        return self.render_page(
            plan=plan, plans=plans, office=office, groups=groups, mine=mine, figures=figures, values=values,
            mine_only=mine_only, filtered=any(values.values()) or mine_only,
            owner_groups=q.owner_filter_groups(plan), status_choices=Task.Status.choices,
            month_choices=MONTHS, page_title=f"{plan.year}年工作计划" if plan else "工作计划")


class PlanNew(SchoolPage):
    template_name = "web/workplan/plan_form.html"
    title = "手工编写工作计划"
    roles = OFFICE

    def get(self, request):
        return self.render_page(form=PlanForm())

    def post(self, request):
        form = PlanForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: s.plan_create(by=request.user, **form.cleaned_data), form=form,
                                     success="工作计划已创建，请逐项添加任务。")
            if done:
                return redirect("school:workplan-task-new", plan=done.value.pk)
        return self.render_page(form=form)


class ImportForms(ParseForms):
    """The provincial import page's error routing, for the plan service's `points.<n>.<field>`."""

    def add_error(self, field, message):
        if field and (field == "points" or field.startswith("points.")):
            field = "items" + field[len("points"):]
        if field == "year":
            self.header.add_error("year", message)
            return
        super().add_error(field, message)


class PlanImport(SchoolPage):
    template_name = "web/workplan/import.html"
    title = "导入工作要点"
    roles = OFFICE

    def get(self, request):
        return self.render_page(notice_form=NoticeForm())

    def post(self, request):
        action = request.POST.get("action", "preview")
        if action == "preview":
            return self.preview(request)
        if action in ("add", "save"):
            return self.edit(request, save=action == "save")
        raise Http404

    def preview(self, request):
        form = NoticeForm(request.POST, request.FILES)
        form.is_valid()
        upload = form.cleaned_data.get("file")
        try:
            read = s.plan_preview(upload=upload) if upload else s.plan_preview(text=form.cleaned_data.get("text", ""))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            return self.render_page(notice_form=form)
        this = timezone.localdate().year
        wanted = read["year"] if read["year"] >= this else this
        year = q.free_plan_year(wanted) or wanted  # one plan a year: the first year still free
        header = ImportHeaderForm(initial={
            "text": read["source_text"], "source": read["source"], "year": year,
            "title": read["title"], "doc_number": read["doc_number"], "issuer": read["issuer"],
            "issued_on": read["issued_on"], "calendar": calendar_text(read["calendar"])})
        rows = ItemRows(prefix="items", initial=[{k: p[k] for k in ROW_FIELDS} for p in read["points"]])
        return self.preview_page(header, rows, [], notice_year=read["year"], year_note=_year_note(wanted, year))

    def edit(self, request, *, save: bool):
        data = request.POST
        if not save:
            data = data.copy()
            total = data.get("items-TOTAL_FORMS", "0")
            data["items-TOTAL_FORMS"] = str(int(total) + 1 if total.isascii() and total.isdigit() and len(total) < 5 else 1)
        header = ImportHeaderForm(data)
        rows = ItemRows(data, prefix="items")
        if not rows.management_form.is_valid():
            raise Http404
        header.is_valid()
        if not save:
            return self.preview_page(header, rows, [])
        for form in rows.forms:
            form.is_valid()
        kept = [form for form in rows.forms if not form.cleaned_data.get("DELETE")]
        if not (header.is_valid() and all(form.is_valid() for form in kept)):
            return self.preview_page(header, rows, [])
        forms = ImportForms(header, kept)
        cleaned = header.cleaned_data
        saved = self.call_service(lambda: s.plan_import(
            by=request.user, year=cleaned["year"], title=cleaned["title"], doc_number=cleaned["doc_number"],
            issuer=cleaned["issuer"], issued_on=cleaned["issued_on"],
            points=[{k: form.cleaned_data.get(k) for k in ROW_FIELDS} for form in kept],
            calendar=header.calendar_rows(), source=cleaned.get("source") or Plan.Source.TEXT,
            source_text=cleaned.get("text", "")), form=forms, success="已保存为年度工作计划。请为任务指定负责方。")
        if saved:
            return redirect(reverse("school:workplan") + f"?year={saved.value.year}")
        return self.preview_page(header, rows, forms.item_errors)

    def preview_page(self, header, rows, item_errors, notice_year=None, year_note=""):
        sections = {(f["section_number"].value() or "", f["section_title"].value() or "") for f in rows.forms}
        faulty = [{"href": f"#{header[name].auto_id}", "label": header[name].label}
                  for name in HEADER_FIELDS if header.is_bound and header.errors.get(name)]
        faulty += [{"href": f"#row-{number}", "label": f"第 {number} 条要点"}
                   for number, form in enumerate(rows.forms, start=1)
                   if form.is_bound and form.errors and not form.cleaned_data.get("DELETE")]
        if header.is_bound and header.errors.get("calendar"):
            faulty.append({"href": "#calendar", "label": "行事历"})
        lines = [line for line in (header["calendar"].value() or "").splitlines() if line.strip()]
        calendar_tasks = sum(len(calendar_row_tasks(line)) for line in lines)
        return self.render_page(header=header, rows=rows, item_errors=item_errors, faulty=faulty,
                                calendar_count=len(lines), calendar_tasks=calendar_tasks, notice_year=notice_year,
                                year_note=year_note,
                                section_count=len({s for s in sections if any(s)}), page_title="核对识别结果")


def _year_note(wanted: int, year: int) -> str:
    """The preview's hint when the year the notice suggests already has a plan (one plan a year)."""
    if year == wanted:
        if q.plan_for_year(year) is None:
            return ""
        return (f"{year}年已有工作计划，每年只能有一份：保存前请改为其他年度，"
                f"或放弃导入、在原计划中添加任务。")
    return f"{wanted}年已有工作计划（每年只能有一份），计划年度已填为 {year} 年，可修改。"


def calendar_row_tasks(line: str) -> list[str]:
    from web.province.circulars_forms import calendar_row

    return calendar_row(line).get("tasks", [])


# ---- tasks ----------------------------------------------------------------------------------------

class TaskNew(SchoolPage):
    template_name = "web/workplan/task_form.html"
    title = "添加任务"
    roles = OFFICE

    def get(self, request, plan):
        return self.render_page(plan=_plan(plan), form=TaskForm())

    def post(self, request, plan):
        plan = _plan(plan)
        form = TaskForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: s.task_create(by=request.user, plan=plan, **form.service_values()),
                                     form=form, success="任务已添加。")
            if done:
                if request.POST.get("next") == "another":
                    return redirect("school:workplan-task-new", plan=plan.pk)
                return redirect("school:workplan-task", pk=done.value.pk)
        return self.render_page(plan=plan, form=form)


class TaskDetail(SchoolPage):
    template_name = "web/workplan/task.html"
    title = "计划任务"

    def page(self, task, note_form=None, edit_form=None):
        user = self.request.user
        office = s.is_office(user)
        works = s.may_work_on(user, task)
        actions = [a for a in TASK_FLOW.allowed_actions(state=task.status, user=user)
                   if works and (office or a not in ("cancel", "restore"))]
        _decorate([task])
        owner = next((f"{kind}:{getattr(task, field)}" for kind, field in q.OWNER_KINDS.items()
                      if getattr(task, field)), "")
        return self.render_page(
            task=task, plan=task.plan, office=office, works=works, page_title=task.title[:40],
            actions=[{"action": a, "label": TASK_FLOW.transitions[a].label,
                      "reason": TASK_FLOW.transitions[a].reason_required} for a in actions],
            notes=q.notes_of(task), history=state_history(task, TASK_FLOW),
            note_form=note_form or (NoteForm(initial={"progress": task.progress}) if works and
                                    task.status != Task.Status.CANCELLED else None),
            edit_form=edit_form or (TaskForm(initial={
                "title": task.title, "body": task.body, "section_number": task.section_number,
                "section_title": task.section_title, "owner": owner, "month": task.month, "due_on": task.due_on,
                "is_pledge": task.is_pledge}) if office else None))

    def get(self, request, pk):
        return self.page(_task(pk))

    def post(self, request, pk):
        task = _task(pk)
        what = request.POST.get("form", "")
        if what == "note":
            form = NoteForm(request.POST, request.FILES)
            if form.is_valid() and self.call_service(lambda: s.task_note_add(
                    by=request.user, task=task, text=form.cleaned_data["text"],
                    progress=form.cleaned_data["progress"], files=form.cleaned_data["files"]),
                    form=form, success="进展已记录。"):
                return redirect("school:workplan-task", pk=pk)
            return self.page(_task(pk), note_form=form)
        if what == "edit":
            form = TaskForm(request.POST)
            if form.is_valid() and self.call_service(lambda: s.task_update(
                    by=request.user, task=task, **form.service_values()), form=form, success="任务已保存。"):
                return redirect("school:workplan-task", pk=pk)
            return self.page(_task(pk), edit_form=form)
        if what in TASK_FLOW.transitions:
            self.call_service(lambda: s.task_move(by=request.user, task=task, action=what,
                                                  reason=request.POST.get("reason", "")),
                              success=f"已{TASK_FLOW.transitions[what].label}。")
            return redirect("school:workplan-task", pk=pk)
        raise Http404


class AttachmentDownload(SchoolPage):
    """A progress note's file, for everyone of the school (the plan is public inside it)."""

    def get(self, request, pk, attachment_id):
        attachment = TaskAttachment.objects.filter(pk=attachment_id, note__task_id=pk).first()
        if attachment is None:
            raise Http404("没有这个附件")
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


urlpatterns = [
    path("", PlanPage.as_view(), name="workplan"),
    path("import/", PlanImport.as_view(), name="workplan-import"),
    path("new/", PlanNew.as_view(), name="workplan-new"),
    path("<int:plan>/tasks/new/", TaskNew.as_view(), name="workplan-task-new"),
    path("tasks/<int:pk>/", TaskDetail.as_view(), name="workplan-task"),
    path("tasks/<int:pk>/attachments/<int:attachment_id>/", AttachmentDownload.as_view(),
         name="workplan-attachment"),
]


# ---- 工作台 ----------------------------------------------------------------------------------------

def workbench_todos(user) -> list[Todo]:
    """A person's own unfinished tasks of this month and the overdue ones (urgent when any is overdue)."""
    # what the items, the owner label and the overdue test read: not the task's other columns
    tasks = _decorate(list(q.todo_tasks(user).only(
        "id", "title", "month", "due_on", "status", "plan__year", "owner_department__name", "owner_branch__name",
        "owner_member__name")))
    if not tasks:
        return []
    late = sum(1 for t in tasks if t.is_overdue)
    return [Todo(key="workplan-mine", label="本月及逾期的工作任务" + (f"（{late} 项逾期）" if late else ""),
                 count=len(tasks), url=reverse("school:workplan") + "?mine=1", urgent=bool(late),
                 items=[{"text": ("【逾期】" if t.is_overdue else "") + f"{t.title[:40]}（{t.month or t.due_on.month}月）",
                         "url": reverse("school:workplan-task", args=[t.pk]), "when": t.due_on}
                        for t in tasks[:LIST_LENGTH]])]
