"""Forms of the 荣休 pages: they shape what was typed; the rules are tenants.retirement.services'."""
from django import forms

from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CeremonyForm(PageForm):
    year = forms.IntegerField(label="年度（列入这一年退休的会员）", required=False)
    held_on = forms.DateField(label="仪式日期", required=False, widget=DATE)
    title = forms.CharField(label="名称（不填为“某年荣休仪式”）", required=False)
    place = forms.CharField(label="地点", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CeremonyEditForm(CeremonyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.employee_number}，{obj.branch.name}）"


class AddForm(PageForm):
    member = MemberChoice(label="退休会员", queryset=None, required=False, empty_label="请选择",
                          error_messages={"invalid_choice": "请选择本校退休会员。"})
    reason = forms.CharField(label="添加原因", required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
