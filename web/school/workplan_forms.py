"""Forms of the work plan pages. They only shape what was typed; every rule (a notice's structure,
lengths, the plan's year, owners of this school, who may move a task) is tenants.workplan.services'."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from tenants.members.models import Branch, Department, Member
from tenants.workplan.models import Plan
from web.forms import PageForm
from web.province.circulars_forms import HiddenText, calendar_row
from web.provincial_forms import DateInput

OWNER_FIELDS = ("owner_department", "owner_branch", "owner_member")


class NoticeForm(PageForm):
    text = forms.CharField(
        label="通知全文", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "关于印发《……工会2026年工作要点》的通知\n……\n一、……\n（一）……"}),
        help_text="从 Word 或 PDF 中复制通知全文粘贴到这里；或者在下面上传文件。")
    file = forms.FileField(label="或上传文件（Word .docx，或带文字层的 PDF）", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}))


class ImportHeaderForm(PageForm):
    text = forms.CharField(required=False, strip=False, widget=HiddenText())
    source = forms.ChoiceField(required=False, choices=[(v, label) for v, label in Plan.Source.choices if v != "manual"],
                               widget=forms.HiddenInput())
    year = forms.IntegerField(label="计划年度", required=False)
    title = forms.CharField(label="标题", required=False)
    doc_number = forms.CharField(label="文号", required=False)
    issuer = forms.CharField(label="发文单位", required=False)
    issued_on = forms.DateField(label="成文日期", required=False, widget=DateInput(), help_text="原文日期无法确定时留空。")
    calendar = forms.CharField(label="行事历", required=False, widget=forms.Textarea(attrs={"rows": 8}),
                               help_text="每行一个月：月份、冒号、工作安排（多项用“；”分隔），如“3月：三八节活动；教职工体检”。"
                                         "每项工作安排保存为该月的一项任务；没有行事历时留空。")

    def calendar_rows(self) -> list[dict]:
        return [calendar_row(line) for line in (self.cleaned_data.get("calendar") or "").split("\n")]


class PlanForm(PageForm):
    year = forms.IntegerField(label="计划年度", required=False)
    title = forms.CharField(label="标题", required=False)
    doc_number = forms.CharField(label="文号", required=False)
    issuer = forms.CharField(label="发文单位", required=False)
    issued_on = forms.DateField(label="成文日期", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


def owner_choices():
    """The owner picker: 未指定, then departments, branches and members of this school, grouped."""
    return [("", "未指定"),
            ("承办部门", [(f"department:{d.pk}", d.name) for d in Department.objects.filter(is_active=True)]),
            ("分工会", [(f"branch:{b.pk}", b.name) for b in Branch.objects.filter(is_active=True)]),
            ("个人", [(f"member:{m.pk}", f"{m.name}（{m.employee_number}）")
                      for m in Member.objects.filter(status=Member.Status.ACTIVE).order_by("branch__sort_order",
                                                                                           "employee_number")])]


class TaskForm(PageForm):
    title = forms.CharField(label="任务", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    section_number = forms.CharField(label="章节序号", required=False, widget=forms.TextInput(attrs={"size": 4}))
    section_title = forms.CharField(label="章节标题", required=False)
    owner = forms.ChoiceField(label="负责方", required=False,
                              help_text="一个部门（其经办人负责）、一个分工会（其主席负责）或一个人。")
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None,
                                   choices=[("", "不限")] + [(str(m), f"{m}月") for m in range(1, 13)])
    due_on = forms.DateField(label="完成期限", required=False, widget=DateInput(), help_text="须在计划年度之内。")
    is_pledge = forms.BooleanField(label="列入十件实事（在会员门户公开进展）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices()
        self.fields["owner"].error_messages["invalid_choice"] = "本校没有这个负责方，请重新选择。"

    def add_error(self, field, error):
        super().add_error("owner" if field in (*OWNER_FIELDS, "owner") else field, error)

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        owner = data.pop("owner", "")
        kind, _, pk = (owner or "").partition(":")
        values = {field: None for field in OWNER_FIELDS}
        if kind:
            values[f"owner_{kind}"] = int(pk)
        return {**data, **values}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NoteForm(PageForm):
    text = forms.CharField(label="进展情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label="进度（%）", required=False, min_value=0, max_value=100,
                                  error_messages={"min_value": "进度应为 0 至 100 之间的整数。",
                                                  "max_value": "进度应为 0 至 100 之间的整数。"})
    files = MultipleFileField(label="附件（可多选）", required=False)
