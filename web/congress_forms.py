"""Forms of the congress, proposal and 意见建议 pages. They only shape input; the services' rules
speak (web.base.call_service puts their refusals beside these fields)."""
from django import forms

from tenants.congress.models import Committee, CommitteeMembership, Rating
from web.forms import PageForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_ERRORS = {"required": "请填写。", "invalid": "请填写一个整数。"}
DATE_ERRORS = {"invalid": "请按“年-月-日”填写有效日期。"}
DATETIME_ERRORS = {"invalid": "请填写有效的日期和时间。"}


class CongressForm(PageForm):
    branch = forms.ModelChoiceField(label="层级", queryset=None, required=False,
                                    error_messages={"invalid_choice": "请选择您可以建立二级教代会的分工会。"},
                                    help_text="学校教代会，或某个分工会的二级教代会（建立后不能更改）")
    # Term and session must be numbers to build the congress at all; their ranges are the service's.
    term = forms.IntegerField(label="届次（第几届）", error_messages={**NUMBER_ERRORS, "required": "请填写届次。"})
    session = forms.IntegerField(label="会议次数（第几次）", error_messages={**NUMBER_ERRORS, "required": "请填写会议次数。"})
    title = forms.CharField(label="名称", required=False, help_text="如：第六届教职工代表大会第四次会议")
    opens_on = forms.DateField(label="开幕日期", required=False, widget=DATE, error_messages=DATE_ERRORS)
    closes_on = forms.DateField(label="闭幕日期", required=False, widget=DATE, error_messages=DATE_ERRORS)
    seconder_minimum = forms.IntegerField(label="附议最少人数", required=False, min_value=0, initial=2,
                                          error_messages={**NUMBER_ERRORS, "min_value": "不能少于 0。"})
    submission_opens_at = forms.DateTimeField(label="提案征集开始", required=False, widget=DATETIME,
                                              error_messages=DATETIME_ERRORS)
    submission_closes_at = forms.DateTimeField(label="提案征集截止", required=False, widget=DATETIME,
                                               error_messages=DATETIME_ERRORS)
    seconding_closes_at = forms.DateTimeField(label="附议截止", required=False, widget=DATETIME,
                                              error_messages=DATETIME_ERRORS)

    def __init__(self, *args, branches=None, school_level=True, **kwargs):
        """``branches``: those this person may hold a 二级教代会 for (None: editing, the level is fixed);
        ``school_level``: whether they may create the school's congress (the office)."""
        super().__init__(*args, **kwargs)
        if branches is None:
            del self.fields["branch"]
            return
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = "全校（学校教代会）" if school_level else None
        self.fields["branch"].required = not school_level
        self.order_fields(["branch"])

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("seconder_minimum") is None:
            data["seconder_minimum"] = 2
        data["title"] = (data.get("title") or "").strip()
        return data


class DelegationForm(PageForm):
    name = forms.CharField(label="代表团名称", required=False, strip=False)


class DelegateForm(PageForm):
    member = forms.CharField(label="会员工号", required=False,
                             help_text="输入在会会员的工号；当选后记录其所在分工会。")
    delegation = forms.ModelChoiceField(label="代表团", queryset=None, required=False, empty_label="（不编入代表团）",
                                        error_messages={"invalid_choice": "请选择本次教代会的代表团。"})

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = congress.delegations.all()


class CommitteeForm(PageForm):
    name = forms.CharField(label="委员会名称", required=False, strip=False, help_text="如：提案工作委员会、福利委员会、民主管理委员会")
    kind = forms.ChoiceField(label="类别", choices=Committee.Kind.choices, initial=Committee.Kind.OTHER,
                             error_messages={"invalid_choice": "请选择类别。"})


class CommitteeMemberForm(PageForm):
    committee = forms.ModelChoiceField(label="委员会", queryset=None, required=False, empty_label="请选择",
                                       error_messages={"invalid_choice": "请选择本次教代会的委员会。"})
    member = forms.CharField(label="代表工号", required=False, help_text="委员会成员须是本次教代会的代表。")
    role = forms.ChoiceField(label="职务", choices=CommitteeMembership.Role.choices,
                             initial=CommitteeMembership.Role.MEMBER, error_messages={"invalid_choice": "请选择职务。"})

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = congress.committees.all()


class RateForm(PageForm):
    rating = forms.ChoiceField(label="评价", required=False, choices=[("", "请选择")] + list(Rating.choices),
                               widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(PageForm):
    file = forms.FileField(label="附件", required=False,
                           error_messages={"invalid": "请选择要上传的文件。", "empty": "文件是空的。"})


class StepForm(PageForm):
    """What one proposal step sends (each step uses some of these); only here so that the service's
    refusals land beside the field they name and the typed text survives a refusal."""

    note = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    text = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    rating = forms.CharField(required=False)
    lead_department = forms.CharField(required=False)
    due_date = forms.CharField(required=False)
    sources = forms.CharField(required=False)
    answer = forms.CharField(required=False)
    department = forms.CharField(required=False)
    congress = forms.CharField(required=False)

    def failure(self, step: str) -> dict:
        errors = {field: "；".join(messages) for field, messages in self.errors.items() if field != "__all__"}
        # Multi-valued inputs (协办部门) are kept as a list: a QueryDict read in a template gives one value.
        chosen = self.data.getlist("co_departments") if hasattr(self.data, "getlist") else []
        return {"step": step, "values": self.data, "errors": errors, "top": self.non_field_errors(),
                "chosen": chosen}
