"""Forms of the provincial 先进教职工之家 pages. They only shape input: every rule (ranges, dates,
states, who may) is shared/staffhomes/services.py's, whose refusals land beside these fields."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from web.forms import PageForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_ERRORS = {"required": "请填写。", "invalid": "请填写一个整数。"}
DATE_ERRORS = {"invalid": "请按“年-月-日”填写有效日期。"}
DATETIME_ERRORS = {"invalid": "请填写有效的日期和时间。"}
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal"})


def _number(value) -> str:
    """20.00 → 20, 7.50 → 7.5"""
    return f"{value.normalize():f}"


class RoundForm(PageForm):
    year = forms.IntegerField(label="年度", error_messages={**NUMBER_ERRORS, "required": "请填写年度。"})
    title = forms.CharField(label="名称", required=False, strip=False, max_length=200,
                            help_text="如：2026 年先进教职工之家（小家）评选")
    opens_at = forms.DateTimeField(label="申报开始", required=False, widget=DATETIME, error_messages=DATETIME_ERRORS)
    closes_at = forms.DateTimeField(label="申报截止", required=False, widget=DATETIME, error_messages=DATETIME_ERRORS)
    recheck_years = forms.IntegerField(label="几年后复查", required=False, initial=3, error_messages=NUMBER_ERRORS,
                                       help_text="确认的称号在确认年度之后第几年复查（1–10 年）。")

    @classmethod
    def for_new_round(cls):
        year = timezone.localdate().year
        return cls(initial={"year": year, "title": f"{year} 年先进教职工之家（小家）评选", "recheck_years": 3})

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("recheck_years") is None:
            data["recheck_years"] = 3
        return data


class CriterionForm(PageForm):
    name = forms.CharField(label="标准名称", required=False, strip=False, help_text="如：规范、和谐、温暖、平安、创新")
    max_score = forms.CharField(label="满分", required=False, widget=DECIMAL, help_text="1 到 100 分。")
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="学校自评和评审打分时看到的要点。")
    order = forms.IntegerField(label="顺序", required=False, min_value=0, error_messages={
        **NUMBER_ERRORS, "min_value": "不能小于 0。"}, help_text="数字小的排在前面；不填排在最后。")

    @classmethod
    def for_criterion(cls, criterion):
        return cls(initial={"name": criterion.name, "max_score": _number(criterion.max_score),
                            "description": criterion.description, "order": criterion.order})

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order", None)
        return data


class ReviewForm(PageForm):
    """One input per criterion of the round, named as the service names a refused score
    (`scores.<criterion id>`), so its reason lands beside that criterion."""

    comment = forms.CharField(label="评审意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, mine=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            name = f"scores.{criterion.pk}"
            self.fields[name] = forms.CharField(
                label=f"{criterion.name}（满分 {_number(criterion.max_score)}）", required=False, widget=DECIMAL,
                help_text=criterion.description)
            if mine is not None and str(criterion.pk) in mine.scores:
                self.fields[name].initial = mine.scores[str(criterion.pk)]
        if mine is not None:
            self.fields["comment"].initial = mine.comment
        self.order_fields([*(f"scores.{c.pk}" for c in self.criteria), "comment"])

    def scores(self) -> dict:
        return {str(c.pk): self.cleaned_data.get(f"scores.{c.pk}", "") for c in self.criteria}


class InspectionForm(PageForm):
    inspected_on = forms.DateField(label="检查日期", required=False, widget=DATE, error_messages=DATE_ERRORS)
    inspectors = forms.CharField(label="检查人员", required=False, strip=False, max_length=200,
                                 help_text="多人用顿号分隔，如：李处长、王科长")
    notes = forms.CharField(label="检查情况", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="场地、设施、台账、活动开展等所见所闻。")

    @classmethod
    def for_today(cls):
        return cls(initial={"inspected_on": timezone.localdate()})


class DecisionForm(PageForm):
    note = forms.CharField(label="确认意见", required=False, strip=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text="不予确认时必须写明原因。")
