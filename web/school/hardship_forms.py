"""Forms of the hardship pages. They shape input only: every rule (one open case, incomes, levels,
reasons) is tenants/hardship/services.py's, whose refusals appear beside these fields."""
from __future__ import annotations

from django import forms

from tenants.hardship.models import Cause, HardshipReview
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "请按“年-月-日”填写有效日期。"}
HOUSEHOLD_ROWS = 8
ROW_FIELDS = ("name", "relation", "age", "occupation", "monthly_income")


class HouseholdRows(forms.Widget):
    """Rows of household members (hh-<n>-name …); rows left empty are not sent to the service.
    web/static/web/hardship.js shows two rows first and adds the others one by one."""

    template_name = "web/hardship/household_rows.html"

    def value_from_datadict(self, data, files, name):
        rows = []
        for number in range(HOUSEHOLD_ROWS):
            row = {key: (data.get(f"hh-{number}-{key}") or "").strip() for key in ROW_FIELDS}
            if any(row.values()):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        typed = list(value or [])
        context["widget"]["rows"] = [{"number": n, "shown_number": n + 1,
                            "values": typed[n] if n < len(typed) else {}} for n in range(HOUSEHOLD_ROWS)]
        return context


class HouseholdField(forms.Field):
    widget = HouseholdRows

    def to_python(self, value):
        return list(value or [])


class CaseForm(PageForm):
    member = forms.CharField(label="会员工号", required=False, max_length=30,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
                             help_text="填写要建档会员的工号。")
    level = forms.ModelChoiceField(label="困难等级", queryset=None, required=False, empty_label="请选择",
                                   error_messages={"invalid_choice": "请选择困难等级。"})
    cause = forms.ChoiceField(label="致困原因", required=False, choices=[("", "请选择"), *Cause.choices])
    cause_detail = forms.CharField(label="致困情况说明", required=False, strip=False,
                                   widget=forms.Textarea(attrs={"rows": 3}), help_text="原因为“其他”时必填。")
    registered_on = forms.DateField(label="建档日期", required=False, widget=DATE, error_messages=DATE_ERRORS,
                                    help_text="不填为今天；下次复核为一年后。")
    household = HouseholdField(label="家庭成员（含本人）", required=False,
                               help_text="月收入以元计，最多两位小数，没有收入填 0。")

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels


class ReviewForm(PageForm):
    outcome = forms.ChoiceField(label="复核结论", required=False,
                                choices=[("", "请选择"), *HardshipReview.Outcome.choices])
    level = forms.ModelChoiceField(label="新的困难等级", queryset=None, required=False, empty_label="（不调整）",
                                   help_text="仅在“调整等级”时选择。",
                                   error_messages={"invalid_choice": "请选择困难等级。"})
    reviewed_on = forms.DateField(label="复核日期", required=False, widget=DATE, error_messages=DATE_ERRORS,
                                  help_text="不填为今天；下次复核为复核日期一年后。")
    note = forms.CharField(label="复核意见", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="脱困销档时必填。")

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels


class ReasonForm(PageForm):
    reason = forms.CharField(label="原因", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))


class LevelForm(PageForm):
    name = forms.CharField(label="等级名称", required=False, max_length=60)
    sort_order = forms.IntegerField(label="排序", required=False, min_value=0, max_value=9999,
                                    error_messages={"invalid": "请填写整数。", "min_value": "不能小于 0。",
                                                    "max_value": "不能大于 9999。"})
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
