"""Forms of the school's provincial pages. They only shape input: every rule (required fields,
dates, quotas, deadlines, score maxima) is the shared services', whose refusals land beside the
fields (web.base.call_service)."""
from django import forms

from shared.circulars.models import ItemReport
from web.forms import PageForm

GENDERS = [("", "请选择"), ("male", "男"), ("female", "女")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NominationForm(PageForm):
    """A person for an individual honour; a unit and its leader for a collective one
    (shared.honours.models.COLLECTIVE_KINDS) — the fields of the other kind are left out."""

    PERSON = ("nominee_name", "gender", "birth_date", "title", "post")
    UNIT = ("unit_name", "leader_name", "leader_post")

    nominee_name = forms.CharField(label="姓名", required=False, strip=False, max_length=50)
    gender = forms.ChoiceField(label="性别", required=False, choices=GENDERS)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput())
    title = forms.CharField(label="职称", required=False, max_length=50)
    post = forms.CharField(label="职务", required=False, max_length=100)
    unit_name = forms.CharField(label="集体名称", required=False, strip=False, max_length=100,
                                help_text="获得荣誉的集体（单位、部门、团队）的全称。")
    leader_name = forms.CharField(label="负责人姓名", required=False, strip=False, max_length=50)
    leader_post = forms.CharField(label="负责人职务", required=False, strip=False, max_length=100)
    deeds = forms.CharField(label="事迹材料", required=False, strip=False,
                            widget=forms.Textarea(attrs={"rows": 8}),
                            help_text="主要事迹的文字概述；证明材料可在推荐提交后上传。")

    def __init__(self, *args, collective: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (self.PERSON if collective else self.UNIT):
            del self.fields[name]


class UploadForm(PageForm):
    file = forms.FileField(label="附件", required=False,
                           help_text="文档、表格、演示文稿、PDF、图片、压缩包或视频，单个不超过 20 MB。")


class ItemReportForm(PageForm):
    status = forms.ChoiceField(label="进展", required=False, choices=ItemReport.Status.choices)
    text = forms.CharField(label="落实情况", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="已完成的要点必须填写。")


class EntryForm(PageForm):
    group = forms.ChoiceField(label="组别", required=False)
    name = forms.CharField(label="姓名", required=False, strip=False, max_length=50)
    gender = forms.ChoiceField(label="性别", required=False, choices=GENDERS)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput())
    title = forms.CharField(label="职称", required=False, max_length=50)
    course = forms.CharField(label="参赛课程", required=False, strip=False, max_length=100)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "请选择")] + [
            (str(g.pk), f"{g.name}（本校名额 {g.quota_per_school}，已用 {g.school_used}）") for g in groups]


class SubsidyApplicationForm(PageForm):
    project = forms.CharField(label="项目名称", required=False, strip=False, max_length=200)
    amount_requested = forms.CharField(label="申请金额（元）", required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    budget_lines = forms.CharField(
        label="预算明细", required=False, widget=forms.Textarea(attrs={"rows": 5, "placeholder": "活动室装修 30000\n器材购置 10000"}),
        help_text="每行一项：名称和金额，用空格隔开。各项合计应等于申请金额。")

    def lines(self) -> list[dict]:
        """Each non-empty line as {"item", "amount"}; the service checks names, amounts and the sum."""
        lines = []
        for raw in (self.cleaned_data.get("budget_lines") or "").splitlines():
            raw = raw.strip()
            if not raw:
                continue
            item, _, amount = raw.replace("\t", " ").replace("：", " ").replace(":", " ").rpartition(" ")
            if not item.strip():  # one word only: a name without an amount, or an amount without a name
                item, amount = (raw, "") if not _looks_numeric(raw) else ("", raw)
            lines.append({"item": item.strip(), "amount": amount.replace(",", "").replace("，", "").strip()})
        return lines


def _looks_numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).isdigit()


class SubsidyReportForm(PageForm):
    amount_used = forms.CharField(label="已使用金额（元）", required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    report_text = forms.CharField(label="使用情况", required=False, strip=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))


class HomeApplicationForm(PageForm):
    level = forms.ChoiceField(label="申报类别", required=False)
    unit_name = forms.CharField(label="申报单位", required=False, strip=False, max_length=100,
                                help_text="申报“之家”填校工会，申报“小家”填分工会名称。")
    self_assessment = forms.CharField(label="自评报告", required=False, strip=False,
                                      widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, criteria, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = levels
        self.criteria = list(criteria)
        for criterion in self.criteria:
            # named as the service names a refused score (`self_scores.<id>`): its reason lands beside it
            self.fields[f"self_scores.{criterion.pk}"] = forms.CharField(
                label=f"自评分：{criterion.name}（满分 {criterion.max_score.normalize():f}）", required=False,
                help_text=criterion.description, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        # the scores between the unit and the report, as on the paper form
        order = ["level", "unit_name", *[f"self_scores.{c.pk}" for c in self.criteria], "self_assessment"]
        self.order_fields(order)

    def scores(self) -> dict:
        return {str(c.pk): self.cleaned_data.get(f"self_scores.{c.pk}", "") for c in self.criteria}
