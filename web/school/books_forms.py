"""Forms of the books' pages: they shape what was typed; every rule is the finance services'."""
from __future__ import annotations

from django import forms

from tenants.finance.models import ExpenseCategory, IncomeCategory, LedgerEntry
from tenants.finance.services import all_categories
from web.forms import PageForm

CATEGORY_CHOICES = [("", "请选择科目"), ("收入科目", IncomeCategory.choices), ("支出科目", ExpenseCategory.choices)]


class EntryForm(PageForm):
    kind = forms.ChoiceField(label="收支", choices=[("", "请选择")] + LedgerEntry.Kind.choices, required=False)
    category = forms.ChoiceField(label="科目", choices=CATEGORY_CHOICES, required=False)
    amount = forms.CharField(label="金额（元）", required=False, max_length=40,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 1200.00"}))
    occurred_on = forms.DateField(label="日期", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"invalid": "请填写有效的日期，如 2026-05-01。"})
    description = forms.CharField(label="摘要", required=False, strip=False,
                                  widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如 教师节慰问品采购（发票 12 张）"}))

    def fields_for_service(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "category": data["category"], "amount": data["amount"],
                "occurred_on": data["occurred_on"], "description": data["description"]}


class RejectForm(PageForm):
    reason = forms.CharField(label="退回原因", required=False, strip=False,
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如 缺少发票，请补齐后重新提交"}))


class BudgetForm(PageForm):
    """One amount per category of the year: 收入 categories, then 支出; blank = no budget."""

    def __init__(self, *args, hints: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        hints = hints or {}
        for kind, category, label in all_categories():
            prefix = "收入" if kind == "income" else "支出"
            self.fields[category] = forms.CharField(
                label=f"{prefix} · {label}", required=False, max_length=40, help_text=hints.get(category, ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "留空表示不编预算"}))

    def amounts(self) -> dict:
        return {category: self.cleaned_data.get(category, "") for _, category, _ in all_categories()}
