"""The page components and formatting filters. `{% load ui %}` in a template, then:

Filters
    {{ d|cn_date }}           2026年3月5日
    {{ dt|cn_datetime }}      2026年3月5日 14:30 (Asia/Shanghai)
    {{ amount|yuan }}         ¥1,234.50 (Decimal, int or numeric string; negative: -¥12.00)

Components (templates in web/templates/web/components/)
    {% status_badge obj %}                 the obj's status, coloured by state ("status" field)
    {% status_badge obj "state" %}         another field
    {% badge "督办" "bad" %}               any label with a tone: ok | warn | bad | info | muted
    {% ui_table table %}                   a web.tables.Table: filters, sorting, pages, cards on phones
    {% ui_form form submit="保存" %}       a <form> with every field, its Chinese errors beside it
    {% form_fields form %}                 only the fields (inside a <form> you write yourself)
    {% confirm_button url "结案" "结案后不能再修改，确定吗？" %}   POST after a confirm dialog
    {% empty_state "暂无提案" hint="…" url=… action="提出提案" %}
    {% pagination page %}                  page links that keep the query string
"""
from __future__ import annotations

import datetime
import html
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.forms.renderers import DjangoTemplates
from django.template.defaulttags import querystring
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from tenants import text
from tenants.choice_labels import call_display
from web.tables import Column, Table

register = template.Library()


# ---- formatting -----------------------------------------------------------------------------

@register.filter
def cn_date(value) -> str:
    return text.cn_date(value)


@register.filter
def cn_datetime(value) -> str:
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return cn_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def yuan(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


# ---- status badges --------------------------------------------------------------------------

# The colour says where a record stands for the person reading: done well (ok), waiting on
# someone (warn), refused or late (bad), in motion (info), finished without effect (muted).
TONES = {
    "ok": {"accepted", "approved", "confirmed", "awarded", "passed", "closed", "answered", "replied",
           "rated", "allocated", "disbursed", "reported", "published", "decided", "active", "done"},
    "warn": {"submitted", "seconded", "under_review", "reviewing", "publicizing", "publicized",
             "assigned", "forwarded", "acknowledged", "branch_confirmed", "registered", "open",
             "registration", "judging", "in_session", "in_progress", "pending", "suspended"},
    "bad": {"rejected", "failed", "not_accepted", "not_awarded", "not_confirmed", "overdue"},
    "muted": {"draft", "withdrawn", "merged", "suggestion", "archived", "left", "transferred",
              "retired", "not_started", "preparing"},
}
TONE_OF = {state: tone for tone, states in TONES.items() for state in states}


def tone_of(value) -> str:
    return TONE_OF.get(str(value), "info")


def badge_html(label, tone: str) -> str:
    """<span class="badge tone-…">label</span>, escaped as the template would. Written here, not in a
    template: badges are drawn per row (a list's status column, 未读 beside each notice), and
    rendering an included template per row was a large part of a list page's cost."""
    if not isinstance(label, str):
        label = localize(template_localtime(label))  # as the template engine shows a value
    return SafeString(f'<span class="badge tone-{_escape(tone)}">{_escape(label)}</span>')


def _status(obj, field: str) -> dict:
    value = getattr(obj, field, "")
    display = getattr(obj, f"get_{field}_display", None)
    return {"label": call_display(display) if callable(display) else value, "tone": tone_of(value), "value": value}


@register.simple_tag
def status_badge(obj, field: str = "status"):
    status = _status(obj, field)
    return badge_html(status["label"], status["tone"])


@register.simple_tag
def badge(label, tone: str = "info"):
    return badge_html(label, tone if tone in TONES or tone == "info" else "info")


# ---- tables -----------------------------------------------------------------------------------

def _resolve(row, path: str):
    value = row
    for part in path.split(".") if "." in path else (path,):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if callable(value) and not hasattr(value, "all"):
            value = call_display(value)
    return value


def _escape(value) -> str:
    """What `{{ value }}` shows for a str (conditional_escape, minus its cost per call)."""
    if isinstance(value, SafeString):
        return value
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _cell_html(row, column: Column) -> str:
    """What the table template drew inside a cell (after the <td>'s opening line)."""
    if column.badge:
        status = _status(row, column.key)
        return badge_html(status["label"], status["tone"]) + "\n          "
    value = _resolve(row, column.key)
    if column.format == "date":
        text = cn_date(value)
    elif column.format == "datetime":
        text = cn_datetime(value)
    elif column.format == "money":
        text = yuan(value)
    else:
        text = "" if value is None else str(value)
    text = _escape(text or column.empty)
    link = column.link(row) if column.link else ""
    return f'<a href="{_escape(link)}" hx-boost="false">{text}</a>\n          ' if link else text


def _td_open(column: Column) -> str:
    numeric = " numeric" if column.format == "money" and not column.badge else ""
    return (f'\n        <td data-label="{_escape(column.label)}" class="{"primary" if column.primary else ""}'
            f'{numeric}">\n          ')


def _rows_html(table: Table, rows) -> str:
    """The <tbody>'s rows, with the markup (and whitespace) the table template had in its loop: a
    list's cells are drawn here because a template costs ~10 µs per tag per cell, which made the
    rows most of a list page's CPU. Everything shown is escaped as the template escaped it."""
    opening = [(column, _td_open(column)) for column in table.columns]
    closing = "\n        </td>\n        "
    drawn = []
    for row in rows:
        cells = "".join(f"{td}{_cell_html(row, column)}{closing}" for column, td in opening)
        drawn.append(f"\n      <tr>\n        {cells}\n      </tr>\n      ")
    return "".join(drawn)


def _options_html(choices, selected) -> SafeString:
    """A filter's <option>s after 全部, as the table template's loop drew them (a select of a
    school's branches has dozens; three template tags each were a tenth of a list page)."""
    drawn = []
    for value, label in choices:
        value = str(value)
        shown = _escape(label) if type(label) is str else conditional_escape(str(localize(label)))
        drawn.append(f'<option value="{_escape(value)}"{" selected" if value == selected else ""}>{shown}</option>')
    return SafeString("".join(drawn))


@register.inclusion_tag("web/components/table.html", takes_context=True)
def ui_table(context, table: Table):
    page = table.page
    rows = list(page or [])
    headers = []
    for column in table.columns:
        state = table.sort_state(column)
        # the sort link's query string, as `{% querystring sort=… page=None %}` drew it, asked of
        # Django's tag directly: the tag cost more per header than the rest of the header
        href = querystring(context, sort=f"-{column.sort}" if state == "asc" else column.sort,
                           page=None) if column.sort else ""
        headers.append({"column": column, "state": state, "href": href})
    filters = []
    for f in table.filters:
        value = table.values.get(f.name, "")
        filters.append({"filter": f, "value": value,
                        "options": _options_html(f.choices, value) if f.choices is not None else None})
    body = SafeString(f"\n      {_rows_html(table, rows)}\n    ") if rows else ""
    return {"table": table, "rows": rows, "body": body, "headers": headers, "filters": filters, "page": page,
            "request": context.get("request")}


@register.inclusion_tag("web/components/pagination.html", takes_context=True)
def pagination(context, page, target: str = ""):
    return {"page": page, "request": context.get("request"), "target": target}


# ---- forms --------------------------------------------------------------------------------------

class PageFormRenderer(DjangoTemplates):
    """Django's form rendering with our field template: label, input, help, errors beside it."""

    form_template_name = "web/components/form_fields.html"
    field_template_name = "web/components/field.html"


PAGE_FORM_RENDERER = PageFormRenderer()


@register.simple_tag
def submission_token() -> str:
    """One token per form shown: a double click or a re-sent POST carries the same one, and
    web.base.call_service runs the service once for it (the record is created once)."""
    return secrets.token_urlsafe(18)


@register.simple_tag
def form_fields(form):
    form.renderer = PAGE_FORM_RENDERER
    return form.render()


@register.inclusion_tag("web/components/form.html", takes_context=True)
def ui_form(context, form, submit: str = "提交", action: str = "", confirm: str = "", multipart=None):
    form.renderer = PAGE_FORM_RENDERER
    if multipart is None:
        multipart = form.is_multipart()
    return {"form": form, "submit": submit, "action": action, "confirm": confirm, "multipart": multipart,
            "csrf_token": context.get("csrf_token")}


# ---- confirm dialogs, empty states ---------------------------------------------------------

@register.inclusion_tag("web/components/confirm_button.html", takes_context=True)
def confirm_button(context, url: str, label: str, question: str, tone: str = "danger", confirm_label: str = ""):
    """An irreversible step: a POST form whose button first asks in a dialog (web/static/web/ui.js).
    Without JavaScript the browser's own form submit still works, unasked."""
    return {"url": url, "label": label, "question": question, "tone": tone,
            "confirm_label": confirm_label or label, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("web/components/empty_state.html")
def empty_state(text: str, hint: str = "", url: str = "", action: str = ""):
    return {"text": text, "hint": hint, "url": url, "action": action}
