"""Forms of the care pages: they shape what was typed; the rules are tenants.care.services'."""
from django import forms

from tenants.care.models import BATCH_KINDS, LIFE_EVENT_KINDS, CareBatch, CareKind
from tenants.finance.models import ExpenseCategory
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _member_label(member):
    return f"{member.name}（{member.employee_number}，{member.branch.name}）"


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _member_label(obj)


class MembersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _member_label(obj)


class VisitForm(PageForm):
    member = MemberChoice(label="会员", queryset=None, required=False, empty_label="请选择会员",
                          error_messages={"invalid_choice": "请选择本校在会会员。"})
    kind = forms.ChoiceField(label="慰问类型", choices=[("", "请选择")] + CareKind.choices, required=False)
    visited_on = forms.DateField(label="慰问日期", required=False, widget=DATE)
    amount = forms.CharField(label="金额（元）", required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 500.00"}))
    visitors = forms.CharField(label="慰问人", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="超标准原因（金额超出标准时必填，报校工会审批）", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    life_event = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class EventForm(PageForm):
    member = MemberChoice(label="会员", queryset=None, required=False, empty_label="请选择会员",
                          error_messages={"invalid_choice": "请选择本分工会的在会会员。"})
    kind = forms.ChoiceField(label="事项", choices=[("", "请选择")] + LIFE_EVENT_KINDS, required=False)
    occurred_on = forms.DateField(label="发生日期", required=False, widget=DATE)
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class ReasonForm(PageForm):
    reason = forms.CharField(label="原因", required=False)


class BatchForm(PageForm):
    kind = forms.ChoiceField(label="慰问类型", choices=BATCH_KINDS, required=False)
    title = forms.CharField(label="名称", required=False, widget=forms.TextInput(attrs={"placeholder": "如 2026年春节慰问"}))
    visited_on = forms.DateField(label="慰问日期", required=False, widget=DATE)
    per_head = forms.CharField(label="人均金额（元）", required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    scope = forms.ChoiceField(label="范围", choices=CareBatch.Scope.choices, required=False,
                              widget=forms.RadioSelect)
    branches = forms.ModelMultipleChoiceField(label="分工会（范围为指定分工会时）", queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    groups = forms.ModelMultipleChoiceField(label="工会小组（范围为指定工会小组时）", queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    members = MembersChoice(label="会员（范围为指定会员时，可多选）", queryset=None, required=False,
                            widget=forms.SelectMultiple(attrs={"size": 6}))
    visitors = forms.CharField(label="慰问人", required=False)

    def __init__(self, *args, branches, groups, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        self.fields["groups"].queryset = groups
        self.fields["members"].queryset = members


class StandardForm(PageForm):
    kind = forms.ChoiceField(label="慰问类型", choices=[("", "请选择")] + CareKind.choices, required=False)
    effective_from = forms.DateField(label="生效日期", required=False, widget=DATE)
    amount_min = forms.CharField(label="标准金额 / 下限（元）", required=False)
    amount_max = forms.CharField(label="上限（元，固定金额可不填）", required=False)
    category = forms.ChoiceField(label="支出科目（不选按默认）", choices=[("", "按默认")] + ExpenseCategory.choices,
                                 required=False)
    note = forms.CharField(label="说明", required=False)


class SettingsForm(PageForm):
    reminder_days = forms.CharField(label="报告后几天仍未慰问即提醒校工会", required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}))
