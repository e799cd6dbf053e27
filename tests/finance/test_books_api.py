"""The books' API: who may read and write what, four eyes, closed years, bad input → a Chinese
400 naming the field with nothing written, filters, the summary and the .xlsx."""
import io

import pytest

from tenants.accounts.roles import Role
from tenants.finance.models import Budget, ClosedYear, LedgerEntry
from tenants import xlsx
from tests.conftest import in_schema

ENTRY = {"kind": "expense", "category": "activities", "amount": "860.00", "occurred_on": "2026-05-01",
         "description": "运动会奖品"}


@pytest.fixture
def clients(guilin, host_client):
    return {name: host_client(guilin, [role]) for name, role in (
        ("treasurer", Role.TREASURER), ("approver", Role.FINANCE_APPROVER), ("auditor", Role.AUDITOR),
        ("admin", Role.UNION_ADMIN), ("member", Role.MEMBER), ("chair", Role.BRANCH_CHAIR))}


def recorded(client, **changes):
    response = client.post("/api/v1/ledger/", {**ENTRY, **changes}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_treasurer_records_approver_approves_and_it_counts(clients):
    entry = recorded(clients["treasurer"])
    assert entry["status"] == "pending" and entry["source_type"] == "manual"
    assert clients["treasurer"].post(f"/api/v1/ledger/{entry['id']}/approve/").status_code == 403
    summary = clients["auditor"].get("/api/v1/books/budgets/summary/", {"year": 2026}).json()
    assert summary["totals"]["expense"]["actual"] == "0.00"
    approved = clients["approver"].post(f"/api/v1/ledger/{entry['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    summary = clients["auditor"].get("/api/v1/books/budgets/summary/", {"year": 2026}).json()
    assert summary["totals"]["expense"]["actual"] == "860.00" and summary["balance"] == "-860.00"
    edit = clients["treasurer"].patch(f"/api/v1/ledger/{entry['id']}/", {"amount": "1"}, format="json")
    assert edit.status_code == 409 and "已审批的收支不能修改" in edit.json()["detail"]


def test_an_admin_who_recorded_an_entry_cannot_approve_it(clients):
    entry = recorded(clients["admin"])
    own = clients["admin"].post(f"/api/v1/ledger/{entry['id']}/approve/")
    assert own.status_code == 403 and "不能审批自己" in own.json()["detail"]


def test_sent_back_corrected_and_resubmitted(clients):
    entry = recorded(clients["treasurer"])
    assert clients["approver"].post(f"/api/v1/ledger/{entry['id']}/reject/", {"reason": "缺少发票"},
                                    format="json").json()["status"] == "rejected"
    edited = clients["treasurer"].patch(f"/api/v1/ledger/{entry['id']}/", {"amount": "900.10"}, format="json")
    assert edited.status_code == 200 and edited.json()["status"] == "pending" and edited.json()["amount"] == "900.10"
    trail = clients["auditor"].get(f"/api/v1/ledger/{entry['id']}/trail/").json()
    assert [r["action"] for r in trail] == ["create", "transition", "update", "transition"]


@pytest.mark.parametrize("amount, message", [("12.345", "2 位小数"), ("-1", "应在"), ("1e9", "应为数字"),
                                             ("100000000000", "应在")])
def test_a_bad_amount_is_a_chinese_400_naming_the_field(clients, guilin, amount, message):
    response = clients["treasurer"].post("/api/v1/ledger/", {**ENTRY, "amount": amount}, format="json")
    assert response.status_code == 400 and message in response.json()["errors"]["amount"][0]
    with in_schema(guilin):
        assert not LedgerEntry.objects.exists()


def test_readers_and_writers(clients, guilin, huzhou, host_client):
    entry = recorded(clients["treasurer"])
    for name in ("treasurer", "approver", "auditor", "admin"):
        client = clients[name]
        for url in ("/api/v1/ledger/", f"/api/v1/ledger/{entry['id']}/", "/api/v1/books/budgets/",
                    "/api/v1/books/budgets/summary/", "/api/v1/books/closed-years/",
                    f"/api/v1/ledger/{entry['id']}/trail/"):
            assert client.get(url).status_code == 200, (name, url)
    for name in ("member", "chair"):
        for url in ("/api/v1/ledger/", f"/api/v1/ledger/{entry['id']}/", "/api/v1/books/budgets/summary/",
                    "/api/v1/books/budgets/export/", "/api/v1/books/closed-years/"):
            assert clients[name].get(url).status_code == 403, (name, url)
    auditor = clients["auditor"]
    assert auditor.post("/api/v1/ledger/", ENTRY, format="json").status_code == 403
    assert auditor.post(f"/api/v1/ledger/{entry['id']}/approve/").status_code == 403
    assert auditor.patch(f"/api/v1/ledger/{entry['id']}/", {"amount": "1"}, format="json").status_code == 403
    assert auditor.post("/api/v1/books/budgets/grid/", {"year": 2026, "amounts": {"dues": "1"}},
                        format="json").status_code == 403
    assert auditor.post("/api/v1/books/closed-years/", {"year": 2025}, format="json").status_code == 403
    assert clients["treasurer"].post("/api/v1/books/closed-years/", {"year": 2025}, format="json").status_code == 403
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/api/v1/ledger/{entry['id']}/").status_code == 404
    assert outsider.post(f"/api/v1/ledger/{entry['id']}/approve/").status_code == 404
    assert outsider.get("/api/v1/ledger/").json()["count"] == 0
    with in_schema(guilin):
        assert LedgerEntry.objects.get(pk=entry["id"]).status == "pending"


def test_filters_by_year_kind_category_status_and_source(clients):
    recorded(clients["treasurer"])
    recorded(clients["treasurer"], kind="income", category="dues", occurred_on="2025-03-01")
    client = clients["auditor"]
    assert client.get("/api/v1/ledger/", {"year": 2025}).json()["count"] == 1
    assert client.get("/api/v1/ledger/", {"kind": "expense", "category": "activities"}).json()["count"] == 1
    assert client.get("/api/v1/ledger/", {"status": "approved"}).json()["count"] == 0
    assert client.get("/api/v1/ledger/", {"source_type": "manual"}).json()["count"] == 2
    bad = client.get("/api/v1/ledger/", {"status": "nonsense"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    assert client.get("/api/v1/ledger/", {"year": "20x5"}).status_code == 400


def test_the_budget_grid_is_all_or_nothing(clients, guilin):
    grid = "/api/v1/books/budgets/grid/"
    saved = clients["treasurer"].post(grid, {"year": 2026, "amounts": {"dues": "1000", "activities": "500"}},
                                      format="json")
    assert saved.status_code == 200 and len(saved.json()) == 2
    refused = clients["treasurer"].post(grid, {"year": 2026, "amounts": {"dues": "9", "rights": "1.001"}},
                                        format="json")
    assert refused.status_code == 400 and "rights" in refused.json()["errors"]
    with in_schema(guilin):
        assert Budget.objects.get(category="dues").amount == 1000
    listed = clients["auditor"].get("/api/v1/books/budgets/", {"year": 2026}).json()
    assert listed["count"] == 2
    summary = clients["auditor"].get("/api/v1/books/budgets/summary/", {"year": 2026}).json()
    dues = next(r for r in summary["income"] if r["category"] == "dues")
    assert dues["budget"] == "1000.00" and dues["percent"] == "0.0"


def test_closing_a_year_by_api_and_what_it_freezes(clients, guilin):
    entry = recorded(clients["treasurer"], occurred_on="2025-12-30")
    refused = clients["admin"].post("/api/v1/books/closed-years/", {"year": 2025}, format="json")
    assert refused.status_code == 409 and "还有 1 笔收支待审批" in refused.json()["detail"]
    clients["approver"].post(f"/api/v1/ledger/{entry['id']}/approve/")
    closed = clients["admin"].post("/api/v1/books/closed-years/", {"year": 2025, "note": "年终结账"}, format="json")
    assert closed.status_code == 201
    late = clients["treasurer"].post("/api/v1/ledger/", {**ENTRY, "occurred_on": "2025-12-31"}, format="json")
    assert late.status_code == 409 and "已结账" in late.json()["detail"]
    budget = clients["treasurer"].post("/api/v1/books/budgets/grid/", {"year": 2025, "amounts": {"dues": "1"}},
                                       format="json")
    assert budget.status_code == 409
    assert clients["auditor"].get("/api/v1/books/budgets/summary/", {"year": 2025}).json()["closed"] is True
    with in_schema(guilin):
        assert ClosedYear.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_the_export_lists_income_then_expense_categories(clients):
    entry = recorded(clients["treasurer"], description="=HYPERLINK(\"x\")")
    clients["approver"].post(f"/api/v1/ledger/{entry['id']}/approve/")
    clients["treasurer"].post("/api/v1/books/budgets/grid/", {"year": 2026, "amounts": {"activities": "1720"}},
                              format="json")
    response = clients["auditor"].get("/api/v1/books/budgets/export/", {"year": 2026})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = xlsx.open_for_reading(io.BytesIO(response.content))
    rows = [[c for c in r] for r in book.worksheets[0].iter_rows(values_only=True)]
    labels = [r[0] for r in rows if r and r[0]]
    assert labels.index("一、收入") < labels.index("会费收入") < labels.index("二、支出") < labels.index("职工活动支出")
    activities = next(r for r in rows if r[0] == "职工活动支出")
    assert activities[1] == 1720 and activities[2] == 860 and activities[3] == "50.0%"
    assert any(r[0] and "HYPERLINK" in r[0] for r in rows)
    assert rows[-1][0].startswith("本年收支结余") and rows[-1][2] == -860


def test_the_schema_documents_the_books(clients):
    schema = clients["admin"].get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/ledger/", "/api/v1/ledger/{id}/resubmit/", "/api/v1/books/budgets/summary/",
                 "/api/v1/books/budgets/grid/", "/api/v1/books/budgets/export/", "/api/v1/books/closed-years/"):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/ledger/"]["get"]["parameters"]}
    assert {"year", "kind", "category", "status", "source_type", "page"} <= parameters
