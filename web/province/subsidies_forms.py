"""Forms of the province's subsidy pages. They only shape what was typed: every rule (pool above
what is allocated, dates in order, the rule's amounts, allocations within the pool, a reason for a
refusal) is shared/subsidies/services.py's, whose Chinese refusals land beside these fields — so
the fields carry the service's names (`amount`, `reason`, `pool`, `closes_at` …)."""
from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from shared.subsidies.models import Programme
from web.forms import PageForm
from web.provincial_forms import DateInput

MONEY = {"inputmode": "decimal", "autocomplete": "off"}


class ProgrammeForm(PageForm):
    title = forms.CharField(label="名称", required=False, strip=False, max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "2026 年教职工之家建设补助"}))
    year = forms.CharField(label="年度", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    purpose = forms.CharField(label="用途", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))
    pool = forms.CharField(label="资金池（元）", required=False, widget=forms.TextInput(attrs=MONEY),
                           help_text="本项目可分配的资金总额；核定合计不会超过它。")
    rule = forms.ChoiceField(label="分配办法", required=False, choices=Programme.Rule.choices,
                             help_text="逐项核定：按学校的申请金额建议；基数加按会员人数：基数 + 每名会员金额 × 申报时在会会员数。")
    base_amount = forms.CharField(label="基数（元）", required=False, widget=forms.TextInput(attrs=MONEY),
                                  help_text="按“基数加按会员人数”分配时填写。")
    per_member_amount = forms.CharField(label="每名会员（元）", required=False, widget=forms.TextInput(attrs=MONEY),
                                        help_text="按“基数加按会员人数”分配时填写。")
    opens_at = forms.DateField(label="申报开始日期", required=False, widget=DateInput(),
                               help_text="当天 0 时起可以申报。")
    closes_at = forms.DateField(label="申报截止日期", required=False, widget=DateInput(),
                                help_text="当天 24 时截止。")
    report_due_on = forms.DateField(label="使用情况报告截止日期", required=False, widget=DateInput(),
                                    help_text="学校在这天之后仍未报告使用情况的，列入逾期名单。")

    @classmethod
    def for_programme(cls, programme: Programme) -> "ProgrammeForm":
        initial = {name: getattr(programme, name) for name in ("title", "year", "purpose", "rule", "report_due_on")}
        for name in ("pool", "base_amount", "per_member_amount"):
            initial[name] = str(getattr(programme, name))
        initial["opens_at"] = timezone.localtime(programme.opens_at).date()
        initial["closes_at"] = timezone.localtime(programme.closes_at).date()
        return cls(initial=initial)

    def programme_fields(self, current: Programme | None = None) -> dict:
        """The service's fields: the window's dates become the start of the first day and the end
        of the last (Asia/Shanghai); a date left as it was keeps the stored time."""
        data = dict(self.cleaned_data)
        for name, at in (("opens_at", datetime.time.min), ("closes_at", datetime.time(23, 59, 59))):
            day = data[name]
            stored = getattr(current, name, None)
            if day is None:
                data[name] = None
            elif stored is not None and timezone.localtime(stored).date() == day:
                data[name] = stored
            else:
                data[name] = timezone.make_aware(datetime.datetime.combine(day, at))
        return data


class AllocateForm(PageForm):
    amount = forms.CharField(label="核定金额（元）", required=False, widget=forms.TextInput(attrs=MONEY),
                             help_text="不填则按分配办法测算的金额核定。")
    note = forms.CharField(label="核定说明（可选）", required=False, strip=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(PageForm):
    reason = forms.CharField(label="不予补助的原因", required=False, strip=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text="学校会看到这个原因。")
