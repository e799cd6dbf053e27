"""Forms of the provincial competition pages. They only shape input: every rule (weights summing to
100, quotas not below what schools used, the judge's own school, score ranges) is the service's,
whose refusals land beside the fields (web.base.call_service)."""
from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from shared.competitions.models import Competition
from shared.competitions.services import PARTS, SCORE_HIGH, SCORE_LOW
from web.forms import PageForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "decimal"}
DEFAULT_GROUPS = "文科 2\n理科 2\n工科 2\n医科 1\n思想政治课专项 1"


def _number(label, help_text=""):
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=NUMBER))


class CompetitionForm(PageForm):
    title = forms.CharField(label="名称", required=False, max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "第十一届全区高校青年教师教学竞赛"}))
    edition = _number("届次")
    year = _number("年度")
    registration_opens_at = forms.DateTimeField(label="报名开始", required=False, widget=DATETIME)
    registration_closes_at = forms.DateTimeField(label="报名截止", required=False, widget=DATETIME)
    age_limit = _number("年龄上限（周岁）", "选手在年龄计算截止日不超过此年龄。")
    age_cutoff_on = forms.DateField(label="年龄计算截止日", required=False, widget=DATE)
    groups = forms.CharField(label="组别与每校名额", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                             help_text="每行一个组别：名称 名额，例如“文科 2”。")
    weight_design = _number("教学设计权重 %")
    weight_classroom = _number("课堂教学权重 %", "三项权重之和为 100。")
    weight_reflection = _number("教学反思权重 %")
    first_share = _number("一等奖比例 %")
    second_share = _number("二等奖比例 %")
    third_share = _number("三等奖比例 %", "按组内有成绩的选手人数计算，三项之和不超过 100。")
    national_top_k = _number("每组推荐全国赛人数")

    @classmethod
    def initial_values(cls) -> dict:
        now = timezone.localtime()
        last = Competition.objects.order_by("-edition").values_list("edition", flat=True).first() or 0
        start = now.replace(hour=9, minute=0, second=0, microsecond=0)
        return {"edition": last + 1, "year": now.year, "registration_opens_at": start,
                "registration_closes_at": start + datetime.timedelta(days=30, hours=8),
                "age_limit": 40, "age_cutoff_on": datetime.date(now.year, 9, 1), "groups": DEFAULT_GROUPS,
                "weight_design": 20, "weight_classroom": 75, "weight_reflection": 5,
                "first_share": 15, "second_share": 25, "third_share": 35, "national_top_k": 1}

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["groups"] = parse_groups(data.get("groups") or "")
        return data


def parse_groups(text: str) -> list[dict]:
    """“文科 2” per line → [{"name": "文科", "quota_per_school": "2"}]; a line without a number keeps
    its whole text as the name and the default quota (the service judges both)."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, quota = line.replace("\u3000", " ").rpartition(" ")
        if name.strip() and quota.strip():
            groups.append({"name": name.strip(), "quota_per_school": quota.strip()})
        else:
            groups.append({"name": line})
    return groups


class GroupForm(PageForm):
    name = forms.CharField(label="组别名称", required=False, max_length=40)
    quota_per_school = forms.CharField(label="每校名额", required=False, widget=forms.TextInput(attrs=NUMBER))


class QuotasForm(PageForm):
    """One quota field per group, named quota_<group id> (the service's refusals use the same keys)."""

    def __init__(self, *args, groups, used, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        for group in self.groups:
            most = used.get(group.pk, 0)
            self.fields[f"quota_{group.pk}"] = forms.CharField(
                label=f"{group.name}每校名额", required=False, initial=group.quota_per_school,
                widget=forms.TextInput(attrs=NUMBER),
                help_text=f"已有学校在本组最多报名 {most} 名。" if most else "还没有学校报名。")

    def quotas(self) -> dict:
        return {group.pk: self.cleaned_data.get(f"quota_{group.pk}", "") for group in self.groups}

    def rows(self):
        return [(group, self[f"quota_{group.pk}"]) for group in self.groups]


class RejectForm(PageForm):
    reason = forms.CharField(label="不通过的原因", required=False, strip=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text="学校会看到这段说明。")


class HomeSchoolForm(PageForm):
    home_school = forms.ChoiceField(label="所在学校", required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {str(s.pk): s for s in schools}
        self.fields["home_school"].choices = [("", "省工会或校外（无回避学校）")] + [
            (str(s.pk), s.name) for s in schools]

    def school(self):
        return self.schools.get(self.cleaned_data.get("home_school") or "")


class JudgeAccountForm(HomeSchoolForm):
    username = forms.CharField(label="用户名", required=False, max_length=150)
    full_name = forms.CharField(label="姓名", required=False, max_length=100)
    field_order = ["username", "full_name", "home_school"]


class PanelForm(PageForm):
    judges = forms.MultipleChoiceField(label="加入评审组的评委", required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, judges, **kwargs):
        super().__init__(*args, **kwargs)
        self.judges = {str(j.pk): j for j in judges}
        self.fields["judges"].choices = [
            (str(j.pk), f"{j.user}（{j.home_school.name if j.home_school else '无回避学校'}）") for j in judges]

    def chosen(self):
        return [self.judges[pk] for pk in self.cleaned_data.get("judges") or [] if pk in self.judges]


class AssignmentForm(PageForm):
    entry = forms.ChoiceField(label="选手", required=False)
    judge = forms.ChoiceField(label="评委", required=False)

    def __init__(self, *args, entries, judges, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {str(e.pk): e for e in entries}
        self.judges = {str(j.pk): j for j in judges}
        self.fields["entry"].choices = [("", "请选择")] + [(k, f"{e.name}（{e.school.name}）")
                                                            for k, e in self.entries.items()]
        self.fields["judge"].choices = [("", "请选择")] + [
            (k, f"{j.user}（{j.home_school.name if j.home_school else '无回避学校'}）") for k, j in self.judges.items()]


class ScoreForm(PageForm):
    """The three parts, each labelled with its weight and range (the competition's)."""

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        weights = {"design": competition.weight_design, "classroom": competition.weight_classroom,
                   "reflection": competition.weight_reflection}
        for field, label in PARTS:
            weight = weights[field].normalize()
            self.fields[field] = forms.CharField(
                label=label, required=False,
                help_text=f"权重 {weight:f}%，{SCORE_LOW}–{SCORE_HIGH} 分",
                widget=forms.TextInput(attrs={**NUMBER, "autocomplete": "off", "class": "score-input"}))
