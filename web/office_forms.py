"""Forms of the union office's pages (members, roster, 入会申请, organisation).

They only shape what was typed: fields are `required=False` and plain text where the service
parses (dates, genders, ID numbers), so the service's own Chinese reasons land beside the fields.
Choices (branches, accounts) come from the selectors; an id outside them is answered here, since
no service can be called with a record that does not exist.
"""
from django import forms

from tenants.members.models import EmploymentType, Gender, MaritalStatus
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"})


def _pick(label, queryset, empty="请选择", message="请从列表中选择。", **kwargs):
    return forms.ModelChoiceField(label=label, queryset=queryset, required=False, empty_label=empty,
                                  error_messages={"invalid_choice": message}, **kwargs)


class PersonFields(PageForm):
    """The person fields a member and a 入会申请 share (checked by tenants/members/validation.py)."""

    name = forms.CharField(label="姓名", required=False)
    gender = forms.ChoiceField(label="性别", required=False, choices=[("", "请选择"), *Gender.choices])
    employee_number = forms.CharField(label="工号", required=False)
    employment_type = forms.ChoiceField(label="用工类型", required=False,
                                        choices=[("", "请选择"), *EmploymentType.choices])
    phone = forms.CharField(label="手机号", required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    id_number = forms.CharField(label="身份证号", required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))


class MemberForm(PersonFields):
    branch = _pick("分工会", None, message="请选择分工会。")
    group = _pick("工会小组", None, empty="（不分小组）", message="请选择所选分工会的小组。")
    join_date = forms.CharField(label="入会日期", required=False, widget=DATE)
    # facts the eligibility rules of activities and 疗休养 read (optional)
    marital_status = forms.ChoiceField(label="婚姻状况", required=False,
                                       choices=[("", "未登记"), *MaritalStatus.choices])
    work_started_on = forms.CharField(label="参加工作日期", required=False, widget=DATE,
                                      help_text="用于计算工龄（疗休养等资格）；不详可不填。")
    is_front_line = forms.BooleanField(label="一线教职工", required=False)
    is_model_worker = forms.BooleanField(label="劳动模范", required=False)
    field_order = ["name", "gender", "employee_number", "branch", "group", "employment_type", "join_date",
                   "phone", "id_number", "marital_status", "work_started_on", "is_front_line", "is_model_worker"]

    def __init__(self, *args, branches, groups, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["group"].queryset = groups
        if editing:
            self.fields["id_number"].help_text = "不修改请留空；已登记的号码只显示遮蔽后的形式。"
            self.fields["employment_type"].help_text = "退休请用状态变更办理。"

    def person(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("branch"), data.pop("group")
        return data


class ApplicationForm(PersonFields):
    branch = _pick("分工会", None, message="请选择分工会。")
    statement = forms.CharField(label="申请说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "gender", "employee_number", "branch", "employment_type", "phone", "id_number",
                   "statement"]

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class RosterForm(PageForm):
    file = forms.FileField(label="名册文件（.xlsx）", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class BranchForm(PageForm):
    name = forms.CharField(label="名称", required=False)
    chair = _pick("主席", None, empty="（暂不指定）", message="请选择本校的账号。")
    sort_order = forms.IntegerField(label="排序", required=False, min_value=0,
                                    error_messages={"invalid": "排序须为整数。", "min_value": "排序不能小于 0。"})
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = accounts


class GroupForm(PageForm):
    branch = _pick("分工会", None, message="请选择分工会。")
    name = forms.CharField(label="小组名称", required=False)

    def __init__(self, *args, branches, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        if editing:
            self.fields["branch"].disabled = True
            self.fields["branch"].help_text = "小组不能移到别的分工会。"


class DepartmentForm(PageForm):
    name = forms.CharField(label="名称", required=False)
    handlers = forms.ModelMultipleChoiceField(label="经办人", queryset=None, required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 6}),
                                              help_text="可多选（按住 Ctrl 或 ⌘）。",
                                              error_messages={"invalid_choice": "请选择本校的账号。",
                                                              "invalid_pk_value": "请选择本校的账号。"})
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].queryset = accounts


class StepForm(PageForm):
    """What a workflow step's small form sends (status moves, 入会申请 decisions): the reason and
    a date, refused here only when they cannot be text or a date at all."""

    reason = forms.CharField(label="原因", required=False)
    effective_on = forms.DateField(label="生效日期", required=False,
                                   error_messages={"invalid": "请填写有效的日期，如 2026-03-05。"})
    join_date = forms.DateField(label="入会日期", required=False,
                                error_messages={"invalid": "请填写有效的日期，如 2026-03-05。"})

    def problems(self) -> list[str]:
        return [f"{self.fields[name].label}：{error}" for name, errors in self.errors.items() for error in errors]
