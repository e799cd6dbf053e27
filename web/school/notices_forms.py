"""Forms of the notice pages: they shape what was typed; the rules are tenants.notices.services'."""
from django import forms

from tenants.notices.models import Notice
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.branch.name}·{obj.name}"


class NoticeForm(PageForm):
    title = forms.CharField(label="标题", required=False,
                            widget=forms.TextInput(attrs={"placeholder": "如 关于开展教职工体检的通知"}))
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    audience = forms.ChoiceField(label="发送范围", choices=Notice.Audience.choices, required=False)
    branches = forms.ModelMultipleChoiceField(label="指定分工会", queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              error_messages={"invalid_choice": "请选择您可以发布的分工会。"})
    groups = GroupChoice(label="指定工会小组", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                         error_messages={"invalid_choice": "请选择您可以发布的工会小组。"})
    read_by = forms.DateField(label="要求阅读日期（可选，到期自动提醒未读人员）", required=False, widget=DATE)
    file = forms.FileField(label="附件（可选，发布后不能再添加）", required=False)

    def __init__(self, *args, branches, groups, chair_only: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        self.fields["groups"].queryset = groups
        hidden = set()
        if chair_only:
            hidden.add(Notice.Audience.ALL)
            self.fields["audience"].initial = Notice.Audience.BRANCHES
        if not groups.exists():  # no 工会小组 to choose from: neither the choice nor the empty list
            hidden.add(Notice.Audience.GROUPS)
            del self.fields["groups"]
        self.fields["audience"].choices = [c for c in Notice.Audience.choices if c[0] not in hidden]


class AttachmentForm(PageForm):
    file = forms.FileField(label="添加附件", required=False)


class ReasonForm(PageForm):
    reason = forms.CharField(label="撤回原因", required=False)
