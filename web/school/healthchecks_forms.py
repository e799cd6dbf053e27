"""Forms of the health-check pages: they shape what was typed; the rules are tenants.healthchecks.services'."""
from django import forms

from tenants.healthchecks.models import Attendance, Gender
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CheckForm(PageForm):
    year = forms.IntegerField(label="年度", required=False)
    title = forms.CharField(label="名称", required=False, widget=forms.TextInput(attrs={"placeholder": "如 2026年教职工健康体检"}))
    provider = forms.CharField(label="体检机构", required=False)
    womens_special_items = forms.CharField(label="女教职工特殊检查项目（不填则没有）", required=False,
                                           widget=forms.TextInput(attrs={"placeholder": "如 妇科检查、乳腺彩超"}))
    notes = forms.CharField(label="说明（体检须知）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    include_retirees = forms.BooleanField(label="退休会员参加", required=False)
    include_contract = forms.BooleanField(label="非编、人事代理会员参加", required=False, initial=True)
    allow_change_requests = forms.BooleanField(label="允许会员申请调整批次", required=False, initial=True)


class CheckEditForm(CheckForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]


class BatchForm(PageForm):
    name = forms.CharField(label="批次名称", required=False, widget=forms.TextInput(attrs={"placeholder": "如 女教职工批"}))
    date = forms.DateField(label="体检日期", required=False, widget=DATE)
    time = forms.CharField(label="时间", required=False, widget=forms.TextInput(attrs={"placeholder": "如 7:30–10:30"}))
    place = forms.CharField(label="地点", required=False)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices, required=False)
    age_min = forms.CharField(label="最小年龄（不填则不限）", required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    age_max = forms.CharField(label="最大年龄（不填则不限）", required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    places = forms.CharField(label="名额", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class BatchChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.date:%m月%d日} {obj.place}，{obj.rule_label}）"


class MoveForm(PageForm):
    batch = BatchChoice(label="调整到", queryset=None, required=False, empty_label="请选择批次",
                        error_messages={"invalid_choice": "请选择本次体检的批次。"})
    reason = forms.CharField(label="原因", required=False)

    def __init__(self, *args, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches


class AttendanceForm(PageForm):
    attendance = forms.ChoiceField(label="体检情况", choices=Attendance.choices, required=False)
    checked_on = forms.DateField(label="体检日期（不填为批次日期）", required=False, widget=DATE)
    special_done = forms.BooleanField(label="女教职工特殊检查已完成", required=False)


class CostForm(PageForm):
    amount = forms.CharField(label="工会承担费用（元）", required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 36000.00"}))
    occurred_on = forms.DateField(label="支出日期", required=False, widget=DATE)
    description = forms.CharField(label="摘要（可选）", required=False)


class ImportForm(PageForm):
    file = forms.FileField(label="体检情况表（.xlsx：工号、体检情况、特殊检查）", required=False)
