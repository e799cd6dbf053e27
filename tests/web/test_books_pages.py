"""The books' pages: who opens each, the treasurer → approver round on the pages, the auditor's
read-only view with the trail, refusals beside the field, the budget grid, year-end close, export."""
import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.finance import services as s
from tenants.finance.models import Budget, ClosedYear, LedgerEntry
from tests.conftest import in_schema, signed_in, text

ENTRY = {"kind": "expense", "category": "activities", "amount": "860.00", "occurred_on": "2026-05-01",
         "description": "运动会奖品"}


@pytest.fixture
def people(guilin):
    return {name: signed_in(guilin, [role]) for name, role in (
        ("treasurer", Role.TREASURER), ("approver", Role.FINANCE_APPROVER), ("auditor", Role.AUDITOR),
        ("admin", Role.UNION_ADMIN), ("member", Role.MEMBER), ("chair", Role.BRANCH_CHAIR))}


def an_entry(school, by, **changes):
    with in_schema(school):
        data = {**ENTRY, **changes}
        data["occurred_on"] = datetime.date.fromisoformat(data["occurred_on"])
        return s.ledger_entry_record_manual(by=by, **data)


READ_PAGES = ["/books/", "/books/?year=2025", "/books/entries/", "/books/entries/{pk}/", "/books/export/?year=2026"]
RECORDER_PAGES = ["/books/entries/new/", "/books/entries/{pk}/edit/", "/books/budget/"]


def test_who_opens_which_page(guilin, huzhou, people):
    entry = an_entry(guilin, people["treasurer"].user)
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    for url in READ_PAGES:
        url = url.format(pk=entry.pk)
        for name in ("treasurer", "approver", "auditor", "admin"):
            assert people[name].get(url).status_code == 200, (name, url)
        for name in ("member", "chair"):
            refused = people[name].get(url)
            assert refused.status_code == 403 and "没有权限" in text(refused), (name, url)
    for url in RECORDER_PAGES:
        url = url.format(pk=entry.pk)
        assert people["treasurer"].get(url).status_code == 200, url
        for name in ("auditor", "approver", "member"):
            assert people[name].get(url).status_code == 403, (name, url)
    # another school's admin asking for guilin's entry on their own host (huzhou has no entries)
    assert outsider.get(f"/books/entries/{entry.pk}/").status_code == 404
    assert outsider.post(f"/books/entries/{entry.pk}/approve/").status_code == 404


def test_the_treasurer_records_and_the_approver_approves_on_the_pages(guilin, people):
    treasurer, approver = people["treasurer"], people["approver"]
    bad = treasurer.post("/books/entries/new/", {**ENTRY, "amount": "12.345"}, follow=True)
    assert "最多保留 2 位小数" in text(bad) and "运动会奖品" in text(bad)
    with in_schema(guilin):
        assert not LedgerEntry.objects.exists()
    done = treasurer.post("/books/entries/new/", ENTRY, follow=True)
    assert "已记账，等待审批" in text(done) and "待审批" in text(done)
    with in_schema(guilin):
        entry = LedgerEntry.objects.get()
    # the treasurer sees no approve button; the approver does, and their workbench lists it
    assert "审批通过" not in text(treasurer.get(f"/books/entries/{entry.pk}/"))
    assert "待审批的收支" in text(approver.get("/"))
    page = text(approver.get(f"/books/entries/{entry.pk}/"))
    assert "审批通过" in page and "退回" in page
    assert "已审批通过" in text(approver.post(f"/books/entries/{entry.pk}/approve/", follow=True))
    overview = text(approver.get("/books/?year=2026"))
    assert "¥860.00" in overview


def test_an_approver_who_recorded_sees_no_approve_button_and_is_refused(guilin, people):
    admin = people["admin"]
    admin.post("/books/entries/new/", ENTRY)
    with in_schema(guilin):
        entry = LedgerEntry.objects.get()
    page = text(admin.get(f"/books/entries/{entry.pk}/"))
    assert "须由其他审批人审批" in page and "审批通过</button>" not in page
    refused = text(admin.post(f"/books/entries/{entry.pk}/approve/", follow=True))
    assert "不能审批自己记录的收支" in refused
    with in_schema(guilin):
        assert LedgerEntry.objects.get().status == "pending"
    assert "待审批的收支" not in text(admin.get("/"))


def test_sent_back_the_treasurer_corrects_it_and_the_auditor_reads_the_trail(guilin, people):
    treasurer, approver, auditor = people["treasurer"], people["approver"], people["auditor"]
    entry = an_entry(guilin, treasurer.user)
    no_reason = text(approver.post(f"/books/entries/{entry.pk}/reject/", {"reason": ""}, follow=True))
    assert "必须填写原因" in no_reason
    approver.post(f"/books/entries/{entry.pk}/reject/", {"reason": "缺少发票"})
    assert "被退回的收支" in text(treasurer.get("/"))
    form = text(treasurer.get(f"/books/entries/{entry.pk}/edit/"))
    assert "保存后重新提交审批" in form
    saved = text(treasurer.post(f"/books/entries/{entry.pk}/edit/", {**ENTRY, "amount": "900.00"}, follow=True))
    assert "已修改并重新提交审批" in saved
    trail = text(auditor.get(f"/books/entries/{entry.pk}/"))
    assert "缺少发票" in trail and "金额（元）：860.00 → 900.00" in trail and "已退回 → 待审批" in trail
    for button in ("审批通过", ">修改</a>", "修改并重新提交", "记一笔", "编制预算", "年终结账"):
        assert button not in trail, button
    assert "记一笔" not in text(auditor.get("/books/")) and "编制预算" not in text(auditor.get("/books/"))
    assert auditor.post(f"/books/entries/{entry.pk}/approve/").status_code == 403
    assert auditor.post("/books/entries/new/", ENTRY).status_code == 403
    with in_schema(guilin):
        assert LedgerEntry.objects.get().status == "pending"


def test_the_budget_grid_explains_each_bad_field_and_saves_nothing(guilin, people):
    treasurer = people["treasurer"]
    bad = text(treasurer.post("/books/budget/", {"year": "2026", "dues": "1000", "rights": "-5",
                                                 "activities": "1.234"}))
    assert "最多保留 2 位小数" in bad and "应在 0 到" in bad and 'value="1000"' in bad
    with in_schema(guilin):
        assert not Budget.objects.exists()
    done = text(treasurer.post("/books/budget/", {"year": "2026", "dues": "1000", "activities": "2000"}, follow=True))
    assert "2026 年度预算已保存" in done and "¥2,000.00" in done
    with in_schema(guilin):
        assert Budget.objects.count() == 2


def test_year_end_close_on_the_page(guilin, people):
    admin, treasurer = people["admin"], people["treasurer"]
    entry = an_entry(guilin, treasurer.user, occurred_on="2025-11-01")
    page = text(admin.get("/books/?year=2025"))
    assert "年终结账" in page and "data-confirm" in page
    assert "年终结账" not in text(treasurer.get("/books/?year=2025"))
    assert "还有 1 笔收支待审批" in text(admin.post("/books/close/2025/", follow=True))
    with in_schema(guilin):
        s.ledger_entry_decide(entry=entry, by=people["approver"].user, approve=True)
    assert "2025 年度已结账" in text(admin.post("/books/close/2025/", follow=True))
    assert treasurer.post("/books/close/2025/").status_code == 403
    with in_schema(guilin):
        assert ClosedYear.objects.filter(year=2025).exists()
    late = text(treasurer.post("/books/entries/new/", {**ENTRY, "occurred_on": "2025-12-01"}))
    assert "2025 年度已结账" in late
    assert "已结账" in text(treasurer.get("/books/?year=2025"))


def test_the_export_is_an_xlsx(guilin, people):
    response = people["auditor"].get("/books/export/?year=2026")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
