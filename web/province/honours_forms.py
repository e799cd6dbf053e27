"""Forms of the provincial honours pages. They only shape input: every rule (required fields,
ranges, quotas below what a school used, the 公示 dates, who may decide) is the honours services',
whose refusals web.base.call_service puts beside the fields."""
from django import forms

from shared.honours.models import HonourKind, ModelWorkerCare
from shared.honours.services import quota_field
from web.forms import PageForm
from web.provincial_forms import DateInput


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(PageForm):
    kind = forms.ChoiceField(label="荣誉类别", required=False, choices=[("", "请选择")] + HonourKind.choices,
                             help_text="五一劳动奖状、工人先锋号是集体荣誉：学校推荐的是集体（单位）及其负责人。")
    year = forms.CharField(label="年度", required=False, max_length=4,
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    title = forms.CharField(label="名称", required=False, strip=False, max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "2026 年自治区劳动模范和先进工作者推荐"}))
    deadline = forms.DateTimeField(label="推荐截止", required=False, widget=DateTimeInput(),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
                                   help_text="截止后学校不能再推荐或撤回；评审、公示在截止之后进行。")
    default_quota = forms.CharField(label="每校名额", required=False, initial="1",
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                    help_text="每所学校可推荐的人数（集体数）；个别学校的名额可在建立后单独设置。")


class QuotaGridForm(PageForm):
    """The default quota and one field per school (blank: the default), as one grid."""

    default_quota = forms.CharField(label="每校名额（默认）", required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, campaign, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        self.fields["default_quota"].initial = campaign.default_quota
        for school in self.rows:
            self.fields[quota_field(school)] = forms.CharField(
                label=f"{school.name}名额", required=False, initial=school.own_quota,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": f"默认 {campaign.default_quota}"}))

    def grid(self):
        """(school, its bound field) per row, for the template."""
        return [(school, self[quota_field(school)]) for school in self.rows]

    def quotas(self) -> dict:
        return {school: self.cleaned_data.get(quota_field(school)) for school in self.rows}


class PublicityForm(PageForm):
    starts_on = forms.DateField(label="公示开始", required=False, widget=DateInput())
    ends_on = forms.DateField(label="公示结束", required=False, widget=DateInput(),
                              help_text="通常为 5 个工作日。公示期内可记录异议，公示结束后才能授予。")


class ReviewForm(PageForm):
    passed = forms.ChoiceField(label="评审结论", required=False, widget=forms.RadioSelect,
                                choices=[("pass", "通过"), ("fail", "不通过")])
    comment = forms.CharField(label="评审意见", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="不通过时必须填写。")

    def verdict(self) -> bool | None:
        return {"pass": True, "fail": False}.get(self.cleaned_data.get("passed"))


class ObjectionForm(PageForm):
    content = forms.CharField(label="异议内容", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="记录收到的异议：来源、反映的问题；核实情况可写在决定说明里。")


class DecisionForm(PageForm):
    award = forms.ChoiceField(label="决定", required=False, widget=forms.RadioSelect,
                                 choices=[("award", "授予"), ("decline", "不予授予")])
    note = forms.CharField(label="说明", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="不予授予时必须说明理由。")

    def decision(self) -> bool | None:
        return {"award": True, "decline": False}.get(self.cleaned_data.get("award"))


class CareForm(PageForm):
    kind = forms.ChoiceField(label="关爱类别", required=False, choices=[("", "请选择")] + ModelWorkerCare.Kind.choices)
    given_on = forms.DateField(label="日期", required=False, widget=DateInput())
    amount = forms.CharField(label="金额（元）", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                             help_text="不涉及金额时留空。")
    note = forms.CharField(label="说明", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))


class RecordForm(PageForm):
    """An honour given before the platform's campaigns, entered into the registry by hand."""

    school = forms.ChoiceField(label="学校", required=False)
    person_name = forms.CharField(label="获得者", required=False, strip=False, max_length=100,
                                  help_text="个人填姓名；集体荣誉（五一劳动奖状、工人先锋号）填集体名称。")
    kind = forms.ChoiceField(label="荣誉", required=False, choices=[("", "请选择")] + HonourKind.choices)
    year = forms.CharField(label="年度", required=False, max_length=4,
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {school.slug: school for school in schools}
        self.fields["school"].choices = [("", "请选择")] + [(slug, s.name) for slug, s in self.schools.items()]

    def for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["school"] = self.schools.get(data.get("school") or "")
        return data
