"""Forms of the activity pages: they shape what was typed; the rules are tenants.activities.services'."""
from django import forms

from tenants.activities.models import Activity, ActivityKind
from tenants.members.models import Branch, Gender, MaritalStatus
from web.forms import PageForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DT_ERRORS = {"invalid": "请填写有效的日期和时间。"}


def _dt(label):
    return forms.DateTimeField(label=label, required=False, widget=DATETIME, error_messages=DT_ERRORS,
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class ActivityForm(PageForm):
    kind = forms.ChoiceField(label="活动类型", choices=[("", "请选择")] + ActivityKind.choices, required=False)
    title = forms.CharField(label="活动名称", required=False)
    organiser_branch = forms.ModelChoiceField(label="主办方", queryset=None, required=False, empty_label="校工会")
    place = forms.CharField(label="地点", required=False)
    starts_at = _dt("开始时间")
    ends_at = _dt("结束时间")
    registration_opens_at = _dt("报名开始")
    registration_closes_at = _dt("报名截止")
    cancel_deadline = _dt("取消报名截止")
    capacity = forms.CharField(label="名额（人）", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    sign_up = forms.ChoiceField(label="报名方式", choices=Activity.SignUp.choices, required=False)
    team_size = forms.CharField(label="每队人数（组队报名时）", required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    gender = forms.ChoiceField(label="性别要求", choices=[("", "不限")] + Gender.choices, required=False)
    child_age_min = forms.CharField(label="子女最小年龄（亲子/六一）", required=False)
    child_age_max = forms.CharField(label="子女最大年龄（亲子/六一）", required=False)
    marital_status = forms.ChoiceField(label="婚姻状况要求（联谊）", choices=[("", "不限")] + MaritalStatus.choices,
                                       required=False)
    retirees = forms.ChoiceField(label="退休会员", choices=Activity.Retirees.choices, required=False)
    fee = forms.CharField(label="每人缴费（元）", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    budget = forms.CharField(label="工会预算（元）", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    quotas = forms.CharField(label="分工会名额（每行“分工会名称 人数”，可不填）", required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": "文学院 10"}))
    description = forms.CharField(label="活动说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser_branch"].queryset = branches

    def quota_map(self, branches):
        """{branch: places} from the typed lines; an unknown branch name is a field error."""
        by_name = {b.name: b for b in branches}
        quotas = {}
        for line in (self.cleaned_data.get("quotas") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            name, places = " ".join(parts[:-1]), parts[-1]
            if name not in by_name:
                self.add_error("quotas", f"没有名为“{name or line.strip()}”的分工会。")
                return None
            quotas[by_name[name]] = places
        return quotas


class SignUpForm(PageForm):
    child_name = forms.CharField(label="子女姓名", required=False)
    child_birth_date = forms.DateField(label="子女出生日期", required=False, widget=DATE,
                                       error_messages={"invalid": "请按“年-月-日”填写有效日期。"})


class TeamForm(PageForm):
    """A chair's team; chairing several branches, they choose which branch enters it."""

    branch = forms.ModelChoiceField(label="分工会", queryset=None, required=False, empty_label="请选择")
    name = forms.CharField(label="队名", required=False)
    members = forms.ModelMultipleChoiceField(label="队员（本分工会会员）", queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        if len(branches) > 1:
            self.fields["branch"].queryset = Branch.objects.filter(pk__in=[b.pk for b in branches]).order_by("name")
            self.fields["members"].label_from_instance = lambda m: f"{m.name}（{m.branch.name}）"
        else:
            del self.fields["branch"]


class CheckInForm(PageForm):
    code = forms.CharField(label="签到码", required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "placeholder": "扫码或输入 8 位签到码"}))


class HoldForm(PageForm):
    union_cost = forms.CharField(label="工会实际支出（元，记入账目：职工活动支出）", required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
