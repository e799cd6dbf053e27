"""A year's books as an .xlsx in the union accounting layout: 收入 categories then 支出 categories,
each with its budget, actual, % used and its approved entries; the totals and the balance. A second
sheet lists every entry of the year with its state (the 经审 committee's working list)."""
from __future__ import annotations

from decimal import Decimal

from tenants import xlsx
from tenants.finance.models import LedgerEntry
from tenants.finance.selectors import budget_vs_actual, year_bounds

KIND_TITLES = {"income": "一、收入", "expense": "二、支出"}


def _money(value):
    return None if value is None else Decimal(value)


def _pct(value):
    return "—" if value is None else f"{value}%"


def workbook(year: int, *, school_name: str = "") -> bytes:
    figures = budget_vs_actual(year)
    start, end = year_bounds(year)
    entries = list(LedgerEntry.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
                   .order_by("category", "occurred_on", "id"))
    approved_by_category: dict[str, list] = {}
    for entry in entries:
        if entry.status == LedgerEntry.Status.APPROVED:
            approved_by_category.setdefault(entry.category, []).append(entry)

    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = f"{year}年度收支"
    xlsx.append(sheet, [f"{school_name}{year} 年度工会经费收支决算表（按科目）"])
    xlsx.append(sheet, ["单位：元", "", "", "", "已结账" if figures["closed"] else "未结账"])
    for kind in ("income", "expense"):
        xlsx.append(sheet, [])
        xlsx.append(sheet, [KIND_TITLES[kind], "预算数", "决算数（已审批）", "完成预算 %", "预算余额"])
        for row in figures[kind]:
            xlsx.append(sheet, [row["label"], _money(row["budget"]), row["actual"], _pct(row["percent"]),
                                _money(row["remaining"])])
            for entry in approved_by_category.get(row["category"], []):
                xlsx.append(sheet, [f"    {entry.occurred_on:%Y-%m-%d} {entry.description}", None, entry.amount,
                                    "", entry.recorded_by])
        total = figures["totals"][kind]
        xlsx.append(sheet, [f"{LedgerEntry.Kind(kind).label}合计", _money(total["budget"]), total["actual"],
                            _pct(total["percent"]), _money(total["remaining"])])
    xlsx.append(sheet, [])
    xlsx.append(sheet, ["本年收支结余（收入合计 − 支出合计）", None, figures["balance"]])
    sheet.column_dimensions["A"].width = 48
    for column in "BCDE":
        sheet.column_dimensions[column].width = 16

    listing = book.create_sheet("收支明细")
    xlsx.append(listing, ["日期", "收支", "科目", "金额（元）", "摘要", "状态", "来源", "记账人"])
    for entry in sorted(entries, key=lambda e: (e.occurred_on, e.id)):
        xlsx.append(listing, [entry.occurred_on, entry.get_kind_display(), entry.get_category_display(), entry.amount,
                              entry.description, entry.get_status_display(), entry.get_source_type_display(),
                              entry.recorded_by])
    return xlsx.to_bytes(book)
