"""Demo data: a budget and approved books (issue #10), through the real services.

`caiwu` (财务记账员) records, `zhuxi` (经费审批人) approves; one entry waits for approval and one
was sent back, so both workbenches have something to show. Last year's books are closed. The
entries the care and mutual-aid demos recorded (they run before this) are approved by zhuxi —
all but one, which stays pending for the approver's workbench."""
import datetime
from decimal import Decimal

from django.utils import timezone

from tenants.accounts.models import User
from tenants.finance import services as s
from tenants.finance.models import Budget, ClosedYear, LedgerEntry

BUDGET = {
    "dues": "48000", "allocation": "360000", "higher_subsidy": "30000", "admin_subsidy": "80000",
    "other_income": "5000",
    "activities": "260000", "rights": "120000", "operations": "60000", "capital": "30000",
    "subsidy_out": "20000", "other_expense": "8000",
}

# (month, kind, category, amount, description)
ENTRIES = [
    (1, "income", "dues", "11860.00", "第一季度会费收缴"),
    (1, "income", "allocation", "90000.00", "第一季度拨缴经费（行政按工资总额 2%）"),
    (2, "expense", "activities", "6480.00", "新春团拜会场地及茶点"),
    (3, "expense", "activities", "12600.00", "三八节女教职工健步走及纪念品"),
    (3, "income", "admin_subsidy", "40000.00", "学校行政补助（上半年）"),
    (4, "income", "dues", "11920.00", "第二季度会费收缴"),
    (4, "expense", "operations", "3150.00", "教代会会务印刷"),
    (5, "expense", "activities", "18800.00", "教职工气排球联赛"),
    (6, "expense", "rights", "9600.00", "困难教职工端午帮扶"),
    (7, "income", "allocation", "90000.00", "第二季度拨缴经费"),
    (9, "expense", "activities", "24300.00", "教师节慰问品"),
    (10, "expense", "capital", "8900.00", "职工之家健身器材"),
]
PENDING = (10, "expense", "operations", "1280.00", "工会干部培训资料费")
SENT_BACK = (10, "expense", "other_expense", "560.00", "办公用品（缺发票）")
LAST_YEAR = [(6, "income", "dues", "23500.00", "上年会费收缴"), (12, "expense", "activities", "21000.00", "上年年终慰问")]


def _on(year: int, month: int, today: datetime.date) -> datetime.date:
    return min(datetime.date(year, month, 10), today)


def _approve_platform_pending(zhuxi) -> None:
    """Approve what the care and mutual-aid demos left pending, all but one (unless zhuxi recorded it)."""
    pending = list(LedgerEntry.objects.filter(status=LedgerEntry.Status.PENDING).exclude(recorded_by=zhuxi.username)
                   .order_by("id"))
    for entry in pending[:-1]:
        if ClosedYear.objects.filter(year=entry.occurred_on.year).exists():
            continue
        s.ledger_entry_decide(entry=entry, by=zhuxi, approve=True)


def seed_books(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    today = timezone.localdate()
    year = today.year
    if Budget.objects.filter(year=year).exists():
        return
    caiwu, zhuxi = User.objects.get(username="caiwu"), User.objects.get(username="zhuxi")
    _approve_platform_pending(zhuxi)
    if not ClosedYear.objects.filter(year=year - 1).exists():
        for month, kind, category, amount, description in LAST_YEAR:
            entry = s.ledger_entry_record_manual(by=caiwu, kind=kind, category=category, amount=Decimal(amount),
                                                 occurred_on=datetime.date(year - 1, month, 10),
                                                 description=description)
            s.ledger_entry_decide(entry=entry, by=zhuxi, approve=True)
        if not LedgerEntry.objects.filter(occurred_on__year=year - 1, status=LedgerEntry.Status.PENDING).exists():
            s.year_close(by=User.objects.get(username="admin"), year=year - 1, note="演示：上年度已结账")
    s.budget_set(by=caiwu, year=year, amounts=BUDGET)
    for month, kind, category, amount, description in ENTRIES:
        entry = s.ledger_entry_record_manual(by=caiwu, kind=kind, category=category, amount=Decimal(amount),
                                             occurred_on=_on(year, month, today), description=description)
        s.ledger_entry_decide(entry=entry, by=zhuxi, approve=True)
    month, kind, category, amount, description = PENDING
    s.ledger_entry_record_manual(by=caiwu, kind=kind, category=category, amount=Decimal(amount),
                                 occurred_on=_on(year, month, today), description=description)
    month, kind, category, amount, description = SENT_BACK
    entry = s.ledger_entry_record_manual(by=caiwu, kind=kind, category=category, amount=Decimal(amount),
                                         occurred_on=_on(year, month, today), description=description)
    s.ledger_entry_decide(entry=entry, by=zhuxi, approve=False, reason="缺少发票，请补齐后重新提交。")
