"""Forms of the award pages: they shape what was typed; the rules are tenants.awards.services'."""
from django import forms

from tenants.awards.models import AwardKind
from tenants.awards.services import MIN_PUBLICITY_DAYS
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.TextInput(attrs={"inputmode": "numeric"})


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.employee_number}，{obj.branch.name}）"


class CampaignForm(PageForm):
    year = forms.CharField(label="年度", required=False, widget=NUMBER)
    title = forms.CharField(label="名称", required=False,
                            widget=forms.TextInput(attrs={"placeholder": "如 2026年度优秀工会工作者评选"}))
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择")] + AwardKind.choices, required=False)
    for_branches = forms.BooleanField(label="评选对象为分工会（集体；先进教工小家自动为集体）", required=False)
    criteria = forms.CharField(label="评选条件", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    default_quota = forms.CharField(label="每个分工会名额", required=False, widget=NUMBER)
    opens_on = forms.DateField(label="推荐开始", required=False, widget=DATE)
    closes_on = forms.DateField(label="推荐截止", required=False, widget=DATE)
    publicity_days = forms.CharField(label=f"公示工作日数（不少于 {MIN_PUBLICITY_DAYS} 个工作日）", required=False,
                                     widget=NUMBER)


class NominateForm(PageForm):
    member = MemberChoice(label="推荐会员", queryset=None, required=False, empty_label="请选择会员",
                          error_messages={"invalid_choice": "请选择本分工会的在会会员。"})
    branch = forms.ModelChoiceField(label="推荐分工会", queryset=None, required=False, empty_label="请选择分工会",
                                    error_messages={"invalid_choice": "请选择您担任主席的分工会。"})
    deeds = forms.CharField(label="推荐理由（主要事迹）", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, members, branches, for_branches: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if for_branches:
            del self.fields["member"]
            self.fields["branch"].queryset = branches
        else:
            del self.fields["branch"]
            self.fields["member"].queryset = members


class QuotaForm(PageForm):
    branch = forms.ModelChoiceField(label="分工会", queryset=None, required=False, empty_label="请选择分工会")
    quota = forms.CharField(label="名额", required=False, widget=NUMBER)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class PublicizeForm(PageForm):
    starts_on = forms.DateField(label="公示开始日期", required=False, widget=DATE)
    days = forms.CharField(label=f"公示工作日数（不少于 {MIN_PUBLICITY_DAYS} 个）", required=False, widget=NUMBER)


class ObjectionForm(PageForm):
    raised_by = forms.CharField(label="反映人（可填“匿名”）", required=False)
    content = forms.CharField(label="异议内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NomineeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.member_id is None else f"{obj.name}（{obj.branch.name}）"


class MemberObjectionForm(PageForm):
    """A member's own objection to a nominee in a running 公示."""

    nomination = NomineeChoice(label="对哪位人选有异议", queryset=None, required=False, empty_label="请选择",
                               error_messages={"invalid_choice": "请选择公示名单中的人选。"})
    content = forms.CharField(label="异议内容（请写明事实）", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, nominees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = nominees


class ForwardForm(PageForm):
    provincial_campaign = forms.ModelChoiceField(label="省级推荐活动", queryset=None, required=False,
                                                 empty_label="请选择推荐中的省级活动")

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provincial_campaign"].queryset = campaigns
