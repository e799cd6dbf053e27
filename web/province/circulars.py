"""Provincial site: circulars (省级通知) — paste a notice, check and correct what was read from it,
save it as a draft, publish it to every school or to the schools chosen, then follow each school's
signing and its progress on every point in a schools × points matrix (exportable to .xlsx).

Every write is a shared/circulars/services.py call (the same the API makes): whether a text is a
notice, the limits of each point, whom a circular may go to and that it is published once are the
service's rules, and its refusals are shown beside the field or row they concern.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from api.files import xlsx_response
from shared.circulars import export
from shared.circulars import services as s
from shared.circulars.models import Circular, ItemReport
from shared.circulars.selectors import WAITING, circular_for_province, circulars_for_province, unacknowledged_schools
from tenants.accounts.roles import Role
from tenants.models import School
from tenants.selectors import schools as member_schools
from tenants.text import ascii_int
from web.base import ProvincePage
from web.province.circulars_forms import CircularHeaderForm, ItemRows, NoticeTextForm, PublishForm, calendar_text
from web.tables import Column, Filter, Table
from web.todo import LIST_LENGTH, Todo

ADMIN = frozenset({Role.PROVINCE_ADMIN})
ROW_FIELDS = ("section_number", "section_title", "number", "title", "body", "due_on")
#: the matrix's cells: CSS class (colour) and the words in the cell (so it is never colour alone)
PROGRESS = {**{value: (f"progress-{value.replace('_', '-')}", label) for value, label in ItemReport.Status.choices},
            None: ("progress-none", "未填报")}


def _circular(pk) -> Circular:
    circular = circular_for_province(pk)
    if circular is None:
        raise Http404("没有这份通知")
    return circular


def _progress(circular) -> str:
    expected = circular.recipient_count * circular.item_count
    return f"{circular.done_count} / {expected}" if expected else "—"


# ---- list -----------------------------------------------------------------------------------------

class CircularList(ProvincePage):
    template_name = "web/province/circulars/list.html"
    title = "省级通知"
    roles = ADMIN

    def get(self, request):
        table = Table(request, id="circulars", columns=[
            Column("title", "通知", link=lambda c: reverse("province:circular", args=[c.pk]), primary=True,
                   sort="title"),
            Column("doc_number", "文号"),
            Column("status", "状态", badge=True),
            Column("published_at", "发布时间", format="datetime", sort="published_at", empty="未发布"),
            Column("signing", "签收"),
            Column("progress", "已完成（校×要点）"),
        ], filters=[Filter("status", "状态", choices=Circular.Status.choices),
                    Filter("waiting", "待跟进", choices=list(WAITING.items())),
                    Filter("q", "搜索", placeholder="标题、文号或发文单位")],
            default_sort="", per_page=20, empty_text="还没有通知。",
            empty_hint="粘贴一份工作要点通知的全文，预览核对后保存为草稿，再发给各校。")
        values = table.values
        for circular in table.paginate(circulars_for_province(status=values["status"], q=values["q"],
                                                              waiting=values["waiting"])):
            circular.signing = (f"{circular.acknowledged_count} / {circular.recipient_count}"
                                if circular.status == Circular.Status.PUBLISHED else "—")
            circular.progress = _progress(circular) if circular.status == Circular.Status.PUBLISHED else "—"
        return self.render_page(table=table)


# ---- new: paste → preview (editable) → draft ------------------------------------------------------

def _read(text: str, text_form):
    """What the service reads from the text (the rows a draft would get), or None with the reason
    put beside the text field. A read, not a write: no submission token is spent on it."""
    try:
        return s.work_points_rows(text=text)
    except ValidationError as exc:
        for message in exc.message_dict.get("text", exc.messages):
            text_form.add_error("text", message)
        return None


class ParseForms:
    """The header form and the rows of points as the one `form` call_service reports to: a reason
    the service gives for `items.<n>.<field>` goes beside that field of the n-th row sent, one for
    `items` above the rows, one for `calendar.<n>` beside the calendar naming its line, one for the
    (hidden) text above the header."""

    def __init__(self, header, sent):
        self.header, self.sent = header, sent
        self.item_errors: list[str] = []
        self.fields = _AnyField()

    def add_error(self, field, message):
        if field and field.startswith("items."):
            _, index, *name = field.split(".")
            row = ascii_int(index)
            if row is not None and row < len(self.sent):
                form = self.sent[row]
                form.add_error(name[0] if name and name[0] in form.fields else None, message)
                return
        if field and field.startswith("calendar"):
            _, _, rest = field.partition(".")
            line = rest.split(".")[0]
            row = ascii_int(line)
            self.header.add_error("calendar", f"第 {row + 1} 行：{message}" if row is not None else message)
            return
        if field in ("items", None) or (field and field.startswith("items")):
            self.item_errors.append(message)
        else:
            self.header.add_error(field if field in self.header.fields and field != "text" else None, message)


class _AnyField(dict):
    def __contains__(self, key):
        return True


class CircularNew(ProvincePage):
    template_name = "web/province/circulars/new.html"
    title = "导入通知"
    roles = ADMIN

    def get(self, request):
        return self.render_page(text_form=NoticeTextForm())

    def post(self, request):
        action = request.POST.get("action", "preview")
        if action == "preview":
            return self.preview(request)
        if action in ("add", "save"):
            return self.edit(request, save=action == "save")
        raise Http404

    def preview(self, request):
        text_form = NoticeTextForm(request.POST)
        text_form.is_valid()
        text = text_form.cleaned_data.get("text", "")
        rows = _read(text, text_form)
        if rows is None:
            return self.render_page(text_form=text_form)
        header = CircularHeaderForm(initial={"text": text, "title": rows["title"], "doc_number": rows["doc_number"],
                                             "issuer": rows["issuer"], "issued_on": rows["issued_on"],
                                             "calendar": calendar_text(rows["calendar"])})
        items = ItemRows(prefix="items", initial=[{k: row[k] for k in ROW_FIELDS} for row in rows["items"]])
        return self.preview_page(header, items, [])

    def edit(self, request, *, save: bool):
        data = request.POST
        if not save:  # one more, empty row at the end
            data = data.copy()
            total = data.get("items-TOTAL_FORMS", "0")
            data["items-TOTAL_FORMS"] = str(min(ascii_int(total) or 0, 200) + 1)
        header = CircularHeaderForm(data)
        items = ItemRows(data, prefix="items")
        if not items.management_form.is_valid():
            raise Http404
        header.is_valid()
        text = header.cleaned_data.get("text", "")
        text_form = NoticeTextForm({"text": text})
        text_form.is_valid()
        rows = _read(text, text_form)
        if rows is None:  # the text under the preview was changed: start again from the text
            return self.render_page(text_form=text_form)
        if not save:
            return self.preview_page(header, items, [])
        for form in items.forms:
            form.is_valid()
        kept = [form for form in items.forms if not form.cleaned_data.get("DELETE")]
        if not (header.is_valid() and all(form.is_valid() for form in kept)):
            return self.preview_page(header, items, [])
        forms = ParseForms(header, kept)
        cleaned = header.cleaned_data
        saved = self.call_service(lambda: s.circular_import(
            by=request.user, text=text, title=cleaned["title"], doc_number=cleaned["doc_number"],
            issuer=cleaned["issuer"], issued_on=cleaned["issued_on"],
            items=[{k: form.cleaned_data.get(k) for k in ROW_FIELDS} for form in kept],
            calendar=header.calendar_rows()),
            form=forms, success="已保存为草稿。核对无误后即可发布给各校。")
        if saved:
            return redirect("province:circular", pk=saved.value.pk)
        return self.preview_page(header, items, forms.item_errors)

    def preview_page(self, header, items, item_errors):
        sections = []
        for form in items.forms:
            value = (form["section_number"].value() or "", form["section_title"].value() or "")
            if not sections or sections[-1] != value:
                sections.append(value)
        faulty = [{"href": f"#row-{number}", "label": f"第 {number} 条要点"}
                  for number, form in enumerate(items.forms, start=1)
                  if form.is_bound and form.errors and not form.cleaned_data.get("DELETE")]
        if header.is_bound and header.errors.get("calendar"):
            faulty.append({"href": "#calendar", "label": "行事历"})
        calendar_count = sum(1 for line in (header["calendar"].value() or "").splitlines() if line.strip())
        # `rows`, not `items`: the layout (base.html) holds the navigation under that name
        return self.render_page(header=header, rows=items, item_errors=item_errors, faulty=faulty,
                                calendar_count=calendar_count,
                                section_count=len({s for s in sections if any(s)}), page_title="核对识别结果",
                                deleted=[f for f in items.forms if f["DELETE"].value()])


# ---- one circular: its points, publishing, the matrix ----------------------------------------------

def _active_schools():
    return member_schools(status=School.Status.ACTIVE).order_by("slug")


def _sections(circular):
    sections = []
    for item in circular.items.all():
        item.code = s.item_code(item)
        if not sections or (sections[-1]["number"], sections[-1]["title"]) != (item.section_number,
                                                                               item.section_title):
            sections.append({"number": item.section_number, "title": item.section_title, "items": []})
        sections[-1]["items"].append(item)
    return sections


def _matrix(circular):
    matrix = s.circular_matrix(circular)
    for row in matrix["schools"]:
        row["cells"] = []
        for item in matrix["items"]:
            status = row["items"][str(item["id"])]
            css, label = PROGRESS.get(status, PROGRESS[None])
            row["cells"].append({"item": item, "css": css, "label": label, "status": status or "none"})
    return matrix


class CircularDetail(ProvincePage):
    template_name = "web/province/circulars/detail.html"
    title = "省级通知"
    roles = ADMIN

    def get(self, request, pk):
        return self.page(_circular(pk))

    def page(self, circular, publish_form=None):
        published = circular.status == Circular.Status.PUBLISHED
        if publish_form is None and not published:
            publish_form = PublishForm(schools=_active_schools())
        matrix = _matrix(circular) if published else None
        return self.render_page(
            circular=circular, page_title=circular.title, sections=_sections(circular),
            publish_form=publish_form, matrix=matrix, progress=_progress(circular),
            unacknowledged=unacknowledged_schools(circular) if published else [],
            legend=[{"css": css, "label": label} for css, label in PROGRESS.values()])


class CircularPublish(CircularDetail):
    http_method_names = ["post"]

    def post(self, request, pk):
        circular = _circular(pk)
        form = PublishForm(request.POST, schools=_active_schools())
        if form.is_valid() and self.call_service(
                lambda: s.circular_publish(circular=circular, by=request.user, school_slugs=form.school_slugs()),
                form=form, success="通知已发布，各校可以签收并填报落实情况。"):
            return redirect("province:circular", pk=circular.pk)
        return self.page(_circular(pk), publish_form=form)


class CircularExport(ProvincePage):
    roles = ADMIN

    def get(self, request, pk):
        circular = _circular(pk)
        if circular.status != Circular.Status.PUBLISHED:
            raise Http404("草稿没有落实情况可导出")
        return xlsx_response(export.matrix_workbook(circular), export.file_name(circular))


urlpatterns = [
    path("", CircularList.as_view(), name="circulars"),
    path("new/", CircularNew.as_view(), name="circular-new"),
    path("<int:pk>/", CircularDetail.as_view(), name="circular"),
    path("<int:pk>/publish/", CircularPublish.as_view(), name="circular-publish"),
    path("<int:pk>/matrix.xlsx", CircularExport.as_view(), name="circular-export"),
]


# ---- 工作台 ----------------------------------------------------------------------------------------

def workbench_todos(user) -> list:
    """For the province's admin: circulars some school has not signed for, and circulars with
    points some school has not reported on (urgent when a point is past its 完成期限)."""
    if not user.has_role(Role.PROVINCE_ADMIN):
        return []
    url = reverse("province:circulars")
    # both counters from one statement: the published circulars waiting for either (each row carries
    # its seven follow-up figures, and compiling them was most of the 工作台's time, once per counter)
    waiting = list(circulars_for_province().filter(
        Q(unacknowledged_count__gt=0) | Q(missing_count__gt=0), status=Circular.Status.PUBLISHED,
    ).order_by("-published_at", "-id"))
    unsigned = [c for c in waiting if c.unacknowledged_count > 0]
    unsigned_count, unsigned = len(unsigned), unsigned[:LIST_LENGTH]
    unreported_rows = [c for c in waiting if c.missing_count > 0]
    return [
        Todo("circulars_unacknowledged", "有学校未签收的通知", unsigned_count, f"{url}?waiting=unacknowledged",
             items=[{"text": f"{c.title}（{c.unacknowledged_count} 所学校未签收）",
                     "url": reverse("province:circular", args=[c.pk]) + "#unacknowledged", "when": c.published_at}
                    for c in unsigned]),
        Todo("circulars_unreported", "落实情况未报齐的通知", len(unreported_rows), f"{url}?waiting=unreported",
             urgent=any(c.overdue_missing for c in unreported_rows),
             items=[{"text": f"{c.title}（{c.missing_count} 项未填报"
                             + (f"，{c.overdue_missing} 项已过完成期限" if c.overdue_missing else "") + "）",
                     "url": reverse("province:circular", args=[c.pk]) + "#matrix", "when": c.published_at}
                    for c in unreported_rows[:LIST_LENGTH]]),
    ]
