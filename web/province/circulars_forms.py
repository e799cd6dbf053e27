"""Forms of the provincial circular pages. They only shape what was typed; every rule (a notice's
structure, lengths, dates, whom to send to, publishing once) is shared/circulars/services.py's."""
from __future__ import annotations

import re

from django import forms

from web.forms import PageForm
from web.provincial_forms import DateInput

ALL, CHOSEN = "all", "chosen"


class NoticeTextForm(PageForm):
    text = forms.CharField(
        label="通知全文", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": "关于印发《……工作要点》的通知\n……\n一、……\n（一）……"}),
        help_text="从 PDF 或 Word 中复制通知全文粘贴到这里（含文号、章节“一、”和要点“（一）”或“1.”）。"
                  "先预览识别结果，核对修改后再保存为草稿。")


class HiddenText(forms.Textarea):
    """The pasted text carried under the preview: multi-line (a hidden <input> would be refused for
    its line breaks), not shown (the page shows it read-only under 查看原文)."""

    def __init__(self):
        super().__init__(attrs={"hidden": True, "aria-hidden": "true", "tabindex": "-1"})


class CircularHeaderForm(PageForm):
    text = forms.CharField(required=False, strip=False, widget=HiddenText())
    title = forms.CharField(label="标题", required=False)
    doc_number = forms.CharField(label="文号", required=False)
    issuer = forms.CharField(label="发文单位", required=False)
    issued_on = forms.DateField(label="成文日期", required=False, widget=DateInput(),
                                help_text="原文日期无法确定时留空。")
    calendar = forms.CharField(label="行事历", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text="每行一个月：月份、冒号、工作安排（多项用“；”分隔），如“3月：三八节活动；教职工体检”。"
                                         "没有行事历时留空。")

    def calendar_rows(self) -> list[dict]:
        """The lines as the service takes them (one row per line, blank lines included, so a reason
        for row n is about line n+1)."""
        return [calendar_row(line) for line in (self.cleaned_data.get("calendar") or "").split("\n")]


def calendar_row(line: str) -> dict:
    """"3月：三八节活动；教职工体检" → {"month": "3月", "tasks": [...]} (without a colon, the first
    space separates the month); a blank line → {} (the service skips it)."""
    line = line.strip()
    if not line:
        return {}
    parts = re.split(r"\s*[：:]\s*", line, maxsplit=1)
    if len(parts) == 1:
        parts = re.split(r"\s+", line, maxsplit=1)
    tasks = parts[1] if len(parts) > 1 else ""
    return {"month": parts[0], "tasks": [task for task in re.split(r"\s*[；;]\s*", tasks) if task]}


def calendar_text(calendar) -> str:
    return "\n".join(f"{month['month']}：{'；'.join(month['tasks'])}" for month in calendar or [])


class ItemRowForm(PageForm):
    section_number = forms.CharField(label="章节序号", required=False, widget=forms.TextInput(attrs={"size": 4}))
    section_title = forms.CharField(label="章节标题", required=False)
    number = forms.CharField(label="序号", required=False, widget=forms.TextInput(attrs={"size": 4}))
    due_on = forms.DateField(label="完成期限", required=False, widget=DateInput())
    title = forms.CharField(label="要点", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BaseItemRows(forms.BaseFormSet):
    deletion_widget = forms.CheckboxInput

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "删除此条"


ItemRows = forms.formset_factory(ItemRowForm, formset=BaseItemRows, extra=0, can_delete=True,
                                 max_num=1000, absolute_max=1000)


class PublishForm(PageForm):
    target = forms.ChoiceField(label="发送范围", required=False, initial=ALL, widget=forms.RadioSelect,
                               choices=[(ALL, "全部在用学校"), (CHOSEN, "指定学校")])
    schools = forms.MultipleChoiceField(label="学校", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].choices = [(school.slug, school.name) for school in schools]
        self.fields["schools"].error_messages["invalid_choice"] = "没有这所学校或学校已停用：%(value)s"

    def school_slugs(self):
        """None: every active school; otherwise the schools ticked (possibly none — the service says why)."""
        data = self.cleaned_data
        return None if data.get("target") != CHOSEN else list(data.get("schools") or [])
