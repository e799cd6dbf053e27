"""Fund subsidies: pool, applications, allocation within the pool, disbursement into the school's books."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from shared.subsidies.models import Application, Programme
from shared.subsidies.services import programme_create
from shared.subsidies.tasks import record_subsidy_income
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.finance.models import LedgerEntry
from tenants.tasks import SchoolTaskRefused
from tests.conftest import client_for, delete_user_for_cleanup, in_schema, make_user


def a_programme(pool="100000.00", **extra):
    now = timezone.now()
    return programme_create(by=None, year=2026, title="2026 年教职工之家建设补助", pool=pool,
                            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=30),
                            report_due_on=timezone.localdate() + datetime.timedelta(days=90), **extra)


def application_body(programme, amount="60000.00", **extra):
    return {"programme": programme.pk, "project": "教工之家活动室改造", "amount_requested": amount,
            "budget_lines": [{"item": "装修", "amount": "40000.00"}, {"item": "器材", "amount": str(
                Decimal(amount) - Decimal("40000.00"))}], **extra}


@pytest.fixture
def province_admin(province, host_client):
    return host_client(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def school_admins(guilin, huzhou, host_client):
    return host_client(guilin, [Role.UNION_ADMIN]), host_client(huzhou, [Role.UNION_ADMIN])


def test_apply_allocate_disburse_lands_once_in_the_schools_books(guilin, huzhou, province_admin, school_admins,
                                                                  django_capture_on_commit_callbacks):
    programme = a_programme()
    guilin_admin, _ = school_admins
    applied = guilin_admin.post("/api/v1/subsidies/applications/", application_body(programme), format="json")
    assert applied.status_code == 201, applied.content
    pk = applied.json()["id"]
    allocated = province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {"amount": "50000.00"},
                                    format="json").json()
    assert allocated["status"] == "allocated" and allocated["allocated_amount"] == "50000.00"
    with django_capture_on_commit_callbacks(execute=True):
        disbursed = province_admin.post(f"/api/v1/subsidies/applications/{pk}/disburse/")
    assert disbursed.json()["status"] == "disbursed"

    ledger = guilin_admin.get("/api/v1/ledger/").json()["results"]
    assert [(e["category_label"], e["amount"], e["status"]) for e in ledger] == [
        ("上级补助收入", "50000.00", "approved")]
    with in_schema(guilin):
        assert record_subsidy_income.delay(pk).get() is False  # a second run writes nothing
        assert LedgerEntry.objects.filter(source_ref=f"subsidy:{pk}").count() == 1
    with in_schema(huzhou):
        assert not LedgerEntry.objects.exists()
        with pytest.raises(RuntimeError):
            record_subsidy_income.delay(pk).get()
    connection.set_schema_to_public()
    with pytest.raises(SchoolTaskRefused):
        record_subsidy_income.apply(args=(pk,), throw=True)


def test_an_allocation_beyond_the_pool_is_refused_and_nothing_changes(guilin, huzhou, province_admin,
                                                                      school_admins):
    programme = a_programme(pool="100000.00")
    first = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme), format="json")
    second = school_admins[1].post("/api/v1/subsidies/applications/", application_body(programme), format="json")
    province_admin.post(f"/api/v1/subsidies/applications/{first.json()['id']}/allocate/", {}, format="json")
    over = province_admin.post(f"/api/v1/subsidies/applications/{second.json()['id']}/allocate/", {},
                               format="json")
    assert over.status_code == 409 and "资金池" in over.json()["detail"] and "剩余 40000.00" in over.json()["detail"]
    assert Application.objects.get(pk=second.json()["id"]).status == "submitted"


def test_the_base_plus_per_member_rule_suggests_an_amount(guilin, province_admin, school_admins):
    from tests.members.factories import a_member

    for _ in range(3):
        a_member(guilin)
    programme = a_programme(rule="base_plus_per_member", base_amount="10000.00", per_member_amount="100.00")
    pk = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme),
                               format="json").json()["id"]
    detail = province_admin.get(f"/api/v1/subsidies/applications/{pk}/").json()
    assert detail["member_count"] == 3 and detail["suggested_amount"] == "10300.00"
    allocated = province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {}, format="json").json()
    assert allocated["allocated_amount"] == "10300.00"


def test_bad_applications_are_explained_and_write_nothing(guilin, school_admins):
    programme = a_programme()
    admin = school_admins[0]
    mismatch = admin.post("/api/v1/subsidies/applications/",
                          {**application_body(programme), "amount_requested": "99999.00"}, format="json")
    assert mismatch.status_code == 400 and "budget_lines" in mismatch.json()["errors"]
    not_money = admin.post("/api/v1/subsidies/applications/", {**application_body(programme),
                                                                "amount_requested": "很多"}, format="json")
    assert not_money.status_code == 400 and "amount_requested" in not_money.json()["errors"]
    Programme.objects.filter(pk=programme.pk).update(closes_at=timezone.now() - datetime.timedelta(days=1))
    late = admin.post("/api/v1/subsidies/applications/", application_body(programme), format="json")
    assert late.status_code == 409 and "现在不能申报" in late.json()["detail"]
    assert not Application.objects.filter(programme=programme).exists()


def test_schools_see_and_report_only_their_own_applications(guilin, huzhou, province_admin, school_admins,
                                                            django_capture_on_commit_callbacks):
    programme = a_programme()
    guilin_admin, huzhou_admin = school_admins
    pk = guilin_admin.post("/api/v1/subsidies/applications/", application_body(programme), format="json").json()["id"]
    assert huzhou_admin.get("/api/v1/subsidies/applications/").json()["count"] == 0
    assert huzhou_admin.get(f"/api/v1/subsidies/applications/{pk}/").status_code == 404
    province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        province_admin.post(f"/api/v1/subsidies/applications/{pk}/disburse/")
    report = {"report_text": "已完成活动室改造", "amount_used": "55000.00"}
    assert huzhou_admin.post(f"/api/v1/subsidies/applications/{pk}/report/", report,
                             format="json").status_code == 404
    too_much = guilin_admin.post(f"/api/v1/subsidies/applications/{pk}/report/",
                                 {**report, "amount_used": "70000.00"}, format="json")
    assert too_much.status_code == 400 and "amount_used" in too_much.json()["errors"]
    Programme.objects.filter(pk=programme.pk).update(report_due_on=timezone.localdate() - datetime.timedelta(days=1))
    overdue = province_admin.get("/api/v1/subsidies/applications/overdue-reports/").json()["results"]
    assert [row["id"] for row in overdue] == [pk]
    assert guilin_admin.post(f"/api/v1/subsidies/applications/{pk}/report/", report,
                             format="json").json()["status"] == "reported"
    assert province_admin.get("/api/v1/subsidies/applications/overdue-reports/").json()["results"] == []


def test_only_provincial_admins_allocate(guilin, province, school_admins, host_client):
    programme = a_programme()
    pk = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme),
                               format="json").json()["id"]
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {}, format="json").status_code == 403
    member = host_client(guilin, [Role.MEMBER])
    assert member.post("/api/v1/subsidies/applications/", application_body(programme),
                       format="json").status_code == 403
    assert member.get("/api/v1/ledger/").status_code == 403


def test_concurrent_allocations_never_exceed_the_pool(committed_db, guilin, huzhou):
    programme = a_programme(pool="100000.00")
    province = guilin.__class__.objects.get(schema_name="public")
    admin = make_user(province, [Role.PROVINCE_ADMIN], username="concurrent-province")

    def cleanup():
        Application.objects.filter(programme=programme).delete()
        AuditRecord.objects.filter(target_type__startswith="subsidies.").delete()
        programme.delete()
        AuditRecord.objects.filter(target_type="accounts.user", target_id=str(admin.pk)).delete()
        delete_user_for_cleanup("public", admin.pk)

    committed_db.append(cleanup)
    applications = [Application.objects.create(programme=programme, school=school, project="并发",
                                               amount_requested=Decimal("60000.00"), submitted_by="t")
                    for school in (guilin, huzhou)]
    client = client_for(province, admin)
    results, barrier = [], threading.Barrier(2)

    def allocate(application):
        barrier.wait()
        response = client.post(f"/api/v1/subsidies/applications/{application.pk}/allocate/", {}, format="json")
        results.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=allocate, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    assert Application.objects.filter(programme=programme, status="allocated").count() == 1


def test_schools_do_not_see_what_other_schools_were_allocated(guilin, huzhou, province_admin, school_admins):
    programme = a_programme()
    pk = school_admins[1].post("/api/v1/subsidies/applications/", application_body(programme),
                               format="json").json()["id"]
    province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {"amount": "30000.00"}, format="json")
    seen_by_guilin = school_admins[0].get(f"/api/v1/subsidies/programmes/{programme.pk}/").json()
    assert "allocated" not in seen_by_guilin
    assert province_admin.get(f"/api/v1/subsidies/programmes/{programme.pk}/").json()["allocated"] == "30000.00"


def test_a_lost_income_task_can_be_sent_again_without_double_entries(guilin, province_admin, school_admins,
                                                                    django_capture_on_commit_callbacks):
    programme = a_programme()
    pk = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme),
                               format="json").json()["id"]
    province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {}, format="json")
    early = province_admin.post(f"/api/v1/subsidies/applications/{pk}/resend-income/")
    assert early.status_code == 409
    province_admin.post(f"/api/v1/subsidies/applications/{pk}/disburse/")  # on_commit not run: task "lost"
    assert school_admins[0].get("/api/v1/ledger/").json()["count"] == 0
    for _ in range(2):
        assert province_admin.post(f"/api/v1/subsidies/applications/{pk}/resend-income/").status_code == 200
    assert school_admins[0].get("/api/v1/ledger/").json()["count"] == 1


def test_not_a_number_amounts_are_refused(guilin, school_admins):
    programme = a_programme()
    response = school_admins[0].post("/api/v1/subsidies/applications/",
                                     {**application_body(programme), "amount_requested": "NaN"}, format="json")
    assert response.status_code == 400 and "amount_requested" in response.json()["errors"]


def test_the_allocation_refusal_names_the_amount_field_and_what_is_left(guilin, huzhou, province_admin,
                                                                        school_admins):
    programme = a_programme(pool="100000.00")
    first = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme), format="json")
    second = school_admins[1].post("/api/v1/subsidies/applications/", application_body(programme), format="json")
    province_admin.post(f"/api/v1/subsidies/applications/{first.json()['id']}/allocate/", {"amount": "75000"},
                        format="json")
    over = province_admin.post(f"/api/v1/subsidies/applications/{second.json()['id']}/allocate/",
                               {"amount": "25000.01"}, format="json")
    assert over.status_code == 409
    assert over.json()["errors"] == {"amount": [
        "核定金额 25000.01 元超过资金池的剩余额度：资金池 100000.00 元，其他学校已核定 75000.00 元，剩余 25000.00 元。"]}
    exact = province_admin.post(f"/api/v1/subsidies/applications/{second.json()['id']}/allocate/",
                                {"amount": "25000.00"}, format="json")
    assert exact.status_code == 200 and exact.json()["allocated_amount"] == "25000.00"


def test_the_suggestion_says_how_it_was_computed(guilin, province_admin, school_admins):
    manual = a_programme()
    pk = school_admins[0].post("/api/v1/subsidies/applications/", application_body(manual), format="json").json()["id"]
    detail = province_admin.get(f"/api/v1/subsidies/applications/{pk}/").json()
    assert (detail["suggested_amount"], detail["suggested_basis"]) == ("60000.00", "逐项核定：按申请金额 60000.00 元")


def test_a_programme_changes_within_its_rules(guilin, province_admin, school_admins):
    programme = a_programme(pool="100000.00", rule="base_plus_per_member", base_amount="10000.00",
                            per_member_amount="0")
    url = f"/api/v1/subsidies/programmes/{programme.pk}/"
    assert province_admin.patch(url, {"pool": "120000.00", "title": "追加后的补助"}, format="json").json()[
        "pool"] == "120000.00"
    pk = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme), format="json").json()["id"]
    province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {"amount": "90000"}, format="json")

    below = province_admin.patch(url, {"pool": "80000.00"}, format="json")
    assert below.status_code == 400 and below.json()["errors"]["pool"] == ["资金池不能少于已核定的合计 90000.00 元。"]
    rule = province_admin.patch(url, {"per_member_amount": "10.00"}, format="json")
    assert rule.status_code == 400 and "已有学校获得核定" in rule.json()["errors"]["per_member_amount"][0]
    closes = timezone.localtime(programme.closes_at).date()
    early = province_admin.patch(url, {"report_due_on": closes.isoformat()}, format="json")
    assert early.status_code == 400 and "使用情况报告截止应晚于申报截止" in early.json()["errors"]["report_due_on"][0]
    backwards = province_admin.patch(url, {"closes_at": (programme.opens_at - datetime.timedelta(hours=1)).isoformat()},
                                     format="json")
    assert backwards.status_code == 400 and backwards.json()["errors"]["closes_at"] == ["申报截止必须晚于开始。"]
    programme.refresh_from_db()
    assert (programme.pool, programme.per_member_amount, programme.title) == (
        Decimal("120000.00"), Decimal("0.00"), "追加后的补助")


def test_creating_a_programme_explains_every_wrong_field_at_once(province_admin):
    now = timezone.now()
    response = province_admin.post("/api/v1/subsidies/programmes/", {
        "year": 1999, "title": "补助", "pool": "0", "opens_at": now.isoformat(),
        "closes_at": (now - datetime.timedelta(days=1)).isoformat(), "rule": "base_plus_per_member"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"year", "pool", "closes_at", "base_amount"}
    assert not Programme.objects.exists()


def test_the_income_task_leaves_the_schools_receipt_once(guilin, province_admin, school_admins,
                                                         django_capture_on_commit_callbacks):
    programme = a_programme()
    pk = school_admins[0].post("/api/v1/subsidies/applications/", application_body(programme),
                               format="json").json()["id"]
    province_admin.post(f"/api/v1/subsidies/applications/{pk}/allocate/", {"amount": "1000"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        disbursed = province_admin.post(f"/api/v1/subsidies/applications/{pk}/disburse/").json()
    application = Application.objects.get(pk=pk)
    with in_schema(guilin):
        entry = LedgerEntry.objects.get(source_ref=f"subsidy:{pk}")
    assert application.income_entry_id == entry.pk and application.income_recorded_at is not None
    assert disbursed["status"] == "disbursed"
    first_receipt = application.income_recorded_at
    with in_schema(guilin):
        assert record_subsidy_income.delay(pk).get() is False
    application.refresh_from_db()
    assert application.income_recorded_at == first_receipt
    receipts = AuditRecord.objects.filter(target_type="subsidies.application", target_id=str(pk),
                                          reason__startswith="学校已入账")
    assert len(receipts) == 1 and "guilin" in receipts[0].actor_name  # the school's own task wrote it
    assert province_admin.get(f"/api/v1/subsidies/applications/{pk}/").json()["income_recorded_at"]


def test_a_stale_income_message_for_an_application_not_disbursed_books_nothing(guilin):
    programme = a_programme()
    application = Application.objects.create(programme=programme, school=guilin, project="教工之家活动室改造",
                                              amount_requested=Decimal("30000.00"), submitted_by="t",
                                              status=Application.Status.ALLOCATED,
                                              allocated_amount=Decimal("30000.00"))
    with in_schema(guilin):
        assert record_subsidy_income.delay(application.pk).get() is False
        assert not LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").exists()
    # disbursed status without a disbursement time (data a restore left half-way): refused too
    Application.objects.filter(pk=application.pk).update(status=Application.Status.DISBURSED)
    with in_schema(guilin):
        assert record_subsidy_income.delay(application.pk).get() is False
        assert not LedgerEntry.objects.exists()
    application.refresh_from_db()
    assert application.income_recorded_at is None
