"""Forms of the mutual-aid pages: they shape what was typed; the services hold every rule."""
from django import forms

from tenants.mutualaid.models import Category
from web.forms import PageForm


def _date(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class SchemeForm(PageForm):
    name = forms.CharField(label="计划名称", required=False, widget=forms.TextInput(attrs={"placeholder": "教职工大病互助"}))
    year = forms.CharField(label="年度", required=False)
    enrol_opens_on = _date("参保开始日期")
    enrol_closes_on = _date("参保截止日期")
    fee = forms.CharField(label="每人缴费（元）", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    yearly_cap = forms.CharField(label="每人年度给付上限（元）", required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CategoryForm(PageForm):
    name = forms.CharField(label="类别名称", required=False, widget=forms.TextInput(attrs={"placeholder": "住院"}))
    mode = forms.ChoiceField(label="给付方式", choices=Category.Mode.choices, required=False)
    amount = forms.CharField(label="定额（元，定额给付）", required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    rate = forms.CharField(label="比例（%，按比例给付）", required=False,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    max_per_claim = forms.CharField(label="每次最高（元，可不填）", required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class EnrolForm(PageForm):
    employee_number = forms.CharField(label="会员工号", required=False)


class ImportForm(PageForm):
    file = forms.FileField(label="参保名单（.xlsx，须有“工号”列）", required=False)


class ClaimForm(PageForm):
    employee_number = forms.CharField(label="会员工号", required=False)
    category = forms.ModelChoiceField(label="给付类别", queryset=Category.objects.none(), required=False,
                                      empty_label="请选择")
    eligible_costs = forms.CharField(label="合规费用（元）", required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    description = forms.CharField(label="病情及就医说明", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(label="申请材料（诊断证明、费用清单等，可稍后补充）", required=False)

    def __init__(self, *args, scheme, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = scheme.categories.all()
        self.fields["category"].label_from_instance = lambda c: f"{c.name}（{c.rule}）"
        if not office:
            del self.fields["employee_number"]


class DocumentForm(PageForm):
    file = forms.FileField(label="补充材料", required=False)
