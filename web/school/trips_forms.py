"""Forms of the 疗休养 pages: they shape what was typed; the rules are tenants.trips.services'."""
from django import forms

from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.employee_number}，{obj.branch.name}）"


class BatchForm(PageForm):
    title = forms.CharField(label="批次名称", required=False,
                            widget=forms.TextInput(attrs={"placeholder": "如 2026年暑期第一批"}))
    destination = forms.CharField(label="目的地", required=False)
    starts_on = forms.DateField(label="出发日期", required=False, widget=DATE)
    ends_on = forms.DateField(label="返回日期", required=False, widget=DATE)
    places = forms.CharField(label="名额", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    cost_per_person = forms.CharField(label="人均费用（元，工会承担）", required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    applications_open_on = forms.DateField(label="报名开始", required=False, widget=DATE)
    applications_close_on = forms.DateField(label="报名截止", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RulesForm(PageForm):
    min_service_years = forms.CharField(label="最低工龄（年）", required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                        help_text="按参加工作日期计算；未登记的按入会日期估算。")
    rotation_years = forms.CharField(label="轮换年限（年）", required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                     help_text="参加过疗休养的会员，这么多年内不再参加（0 = 不限）。")
    prefer_model_workers = forms.BooleanField(label="劳动模范优先", required=False)
    prefer_award_winners = forms.BooleanField(label="获评先进者优先", required=False)
    award_years = forms.CharField(label="获评先进的年限（近几年）", required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    prefer_front_line = forms.BooleanField(label="一线教职工优先", required=False)


class ApplyForm(PageForm):
    member = MemberChoice(label="会员", queryset=None, required=False, empty_label="请选择会员",
                          error_messages={"invalid_choice": "请选择可登记的会员。"})
    note = forms.CharField(label="申请说明", required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class PlacesForm(PageForm):
    places = forms.CharField(label="名额", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
