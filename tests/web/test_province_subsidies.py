"""The province's 经费补助 pages: programmes with their pool bar, every school's applications with the
rule's suggestion, allocation within the pool (refused beside the amount, nothing written, also
under two simultaneous posts), refusal with a reason, disbursement into the school's own books
(another schema) and the overdue usage reports — and who may open each page."""
import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from shared.subsidies.models import Application, Programme
from shared.subsidies.services import (
    application_allocate,
    application_disburse,
    application_report,
    application_submit,
    programme_create,
)
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.finance.models import LedgerEntry
from tests.conftest import ADMIN_PASSWORD, delete_user_for_cleanup, in_schema, make_user, signed_in, text


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


@pytest.fixture
def programme(province):
    now = timezone.now()
    return programme_create(by=None, year=2026, title="2026 年教职工之家建设补助", purpose="活动场所",
                            pool=Decimal("100000"), opens_at=now - datetime.timedelta(days=1),
                            closes_at=now + datetime.timedelta(days=20), rule="base_plus_per_member",
                            base_amount=Decimal("20000"), per_member_amount=Decimal("50"),
                            report_due_on=timezone.localdate() + datetime.timedelta(days=90))


def apply(programme, school, project="活动室改造", amount="60000", members=120):
    return application_submit(by=None, programme=programme, school=school, project=project,
                              amount_requested=Decimal(amount), member_count=members)


def programme_form(**overrides):
    today = timezone.localdate()
    return {"title": "2026 年职工书屋建设补助", "year": "2026", "purpose": "书屋", "pool": "200000",
            "rule": "manual", "base_amount": "", "per_member_amount": "",
            "opens_at": today.isoformat(), "closes_at": (today + datetime.timedelta(days=30)).isoformat(),
            "report_due_on": (today + datetime.timedelta(days=120)).isoformat(), **overrides}


def error_beside(page, field, message):
    return f'id="id_{field}_error">{message}' in page


# ---- who may open what --------------------------------------------------------------------------------

def test_every_page_is_the_province_admins_and_lives_only_on_the_provincial_host(province, guilin, programme):
    application = apply(programme, guilin)
    pages = ["/subsidies/", "/subsidies/programmes/new/", f"/subsidies/programmes/{programme.pk}/",
             f"/subsidies/programmes/{programme.pk}/edit/", "/subsidies/applications/",
             f"/subsidies/applications/{application.pk}/", "/subsidies/overdue/"]
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    reviewer = signed_in(province, [Role.PROVINCE_REVIEWER])
    judge = signed_in(province, [Role.JUDGE])
    anonymous = Client(HTTP_HOST="localhost")
    school_admin = signed_in(guilin, [Role.UNION_ADMIN])
    for path in pages:
        assert admin.get(path).status_code == 200, path
        assert reviewer.get(path).status_code == 403, path
        assert judge.get(path).status_code == 403, path
        away = anonymous.get(path)
        assert away.status_code == 302 and away["Location"].startswith("/login/?next="), path
        assert school_admin.get(path).status_code == 404, path
    assert admin.get("/subsidies/applications/999999/").status_code == 404
    assert admin.get("/subsidies/programmes/999999/").status_code == 404

    # nobody but the province's administrator moves an application, whatever they post
    for path in ("allocate", "reject", "disburse", "resend-income"):
        url = f"/subsidies/applications/{application.pk}/{path}/"
        assert reviewer.post(url, {"amount": "1000", "reason": "不行"}).status_code == 403
        assert school_admin.post(url, {"amount": "1000", "reason": "不行"}).status_code == 404
        assert admin.get(url).status_code == 405
    assert reviewer.post("/subsidies/programmes/new/", programme_form()).status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted" and not Programme.objects.filter(title="2026 年职工书屋建设补助").exists()


# ---- programmes ---------------------------------------------------------------------------------------

def test_a_programme_is_set_up_from_the_page_and_wrong_fields_are_explained_beside_them(admin):
    today = timezone.localdate()
    wrong = text(admin.post("/subsidies/programmes/new/", programme_form(
        title="  ", pool="很多", closes_at=(today - datetime.timedelta(days=1)).isoformat(), year="1999")))
    assert error_beside(wrong, "title", "名称不能为空。")
    assert error_beside(wrong, "pool", "资金池应为数字。")
    assert error_beside(wrong, "closes_at", "申报截止必须晚于开始。")
    assert error_beside(wrong, "year", "年度应在 2000 到 2100 之间。")
    assert 'value="很多"' in wrong
    early_report = text(admin.post("/subsidies/programmes/new/", programme_form(report_due_on=today.isoformat())))
    assert error_beside(early_report, "report_due_on", "使用情况报告截止应晚于申报截止（")
    no_rule_amounts = text(admin.post("/subsidies/programmes/new/", programme_form(rule="base_plus_per_member")))
    assert error_beside(no_rule_amounts, "base_amount", "按“基数加按会员人数”分配时，基数和每名会员金额不能都为 0。")
    assert error_beside(text(admin.post("/subsidies/programmes/new/", programme_form(pool="0"))), "pool",
                        "资金池必须大于 0。")
    assert not Programme.objects.filter(title="2026 年职工书屋建设补助").exists()

    done = admin.post("/subsidies/programmes/new/", programme_form(rule="base_plus_per_member", base_amount="10000",
                                                                   per_member_amount="20.5"), follow=True)
    page = text(done)
    programme = Programme.objects.get(title="2026 年职工书屋建设补助")
    assert done.redirect_chain[-1][0] == f"/subsidies/programmes/{programme.pk}/"
    assert "补助项目已设立" in page and "基数 ¥10,000.00 + 每名会员 ¥20.50 × 申报时的在会会员数" in page
    assert programme.pool == Decimal("200000.00") and programme.per_member_amount == Decimal("20.50")
    opens, closes = timezone.localtime(programme.opens_at), timezone.localtime(programme.closes_at)
    assert (opens.date(), opens.time()) == (today, datetime.time(0, 0))
    assert (closes.date(), closes.time()) == (today + datetime.timedelta(days=30), datetime.time(23, 59, 59))
    assert AuditRecord.objects.filter(target_type="subsidies.programme", target_id=str(programme.pk),
                                      action="create").exists()


def test_the_list_shows_each_pool_as_a_bar_of_what_is_allocated_and_left(admin, programme, guilin):
    application_allocate(application=apply(programme, guilin), by=admin.user, amount=Decimal("30000"))
    page = text(admin.get("/subsidies/"))
    row = page[page.index(f'data-programme="{programme.pk}"'):]
    assert re.search(r'<meter min="0" max="100000.00" value="30000.00"', row)
    assert '已核定 <strong data-testid="pool-allocated">¥30,000.00</strong>' in row
    assert '剩余 <strong data-testid="pool-left">¥70,000.00</strong>' in row
    assert "style=" not in page


def test_a_programme_is_changed_but_never_below_what_is_allocated_nor_its_rule_once_allocated(admin, programme,
                                                                                               guilin):
    application_allocate(application=apply(programme, guilin), by=admin.user, amount=Decimal("30000"))
    url = f"/subsidies/programmes/{programme.pk}/edit/"
    form = text(admin.get(url))
    assert 'value="2026 年教职工之家建设补助"' in form and 'value="100000.00"' in form
    fields = {"title": programme.title, "year": "2026", "purpose": "活动场所", "pool": "20000",
              "rule": "manual", "base_amount": "20000.00", "per_member_amount": "50.00",
              "opens_at": timezone.localtime(programme.opens_at).date().isoformat(),
              "closes_at": timezone.localtime(programme.closes_at).date().isoformat(),
              "report_due_on": programme.report_due_on.isoformat()}
    refused = text(admin.post(url, fields))
    assert error_beside(refused, "pool", "资金池不能少于已核定的合计 30000.00 元。")
    assert error_beside(refused, "rule", "已有学校获得核定，分配办法和金额标准不能再修改。")
    programme.refresh_from_db()
    assert programme.pool == Decimal("100000.00") and programme.rule == "base_plus_per_member"

    stored_opening = programme.opens_at
    changed = admin.post(url, {**fields, "pool": "150000", "rule": "base_plus_per_member", "title": "补助（追加）"},
                         follow=True)
    assert "补助项目已修改" in text(changed)
    programme.refresh_from_db()
    assert (programme.pool, programme.title) == (Decimal("150000.00"), "补助（追加）")
    assert programme.opens_at == stored_opening  # the date was left as it was: the stored time stays
    assert AuditRecord.objects.filter(target_type="subsidies.programme", target_id=str(programme.pk),
                                      action="update").exists()


# ---- applications: the rule's suggestion, allocation within the pool ------------------------------------

def test_each_application_shows_the_rules_suggestion_and_how_it_was_computed(admin, programme, guilin, huzhou):
    ours = apply(programme, guilin, members=123)
    apply(programme, huzhou, project="湖州的书屋", members=10)
    page = text(admin.get(f"/subsidies/programmes/{programme.pk}/"))
    assert "桂林学院" in page and "湖州师范学院" in page
    assert "¥26,150.00" in page and "¥20,000.00 + ¥50.00 × 123 人" in page
    assert "¥20,500.00" in page and "¥20,000.00 + ¥50.00 × 10 人" in page
    waiting = text(admin.get(f"/subsidies/programmes/{programme.pk}/?status=submitted"))
    assert "湖州的书屋" in waiting and '?status=submitted" aria-current="page">已申报（2）</a>' in waiting
    assert "湖州的书屋" not in text(admin.get(f"/subsidies/programmes/{programme.pk}/?status=allocated"))

    detail = text(admin.get(f"/subsidies/applications/{ours.pk}/"))
    assert "基数 20000.00 元 + 每名会员 50.00 元 × 123 名在会会员（申报时）= 26150.00 元" in detail
    assert 'name="amount" value="26150.00"' in detail  # the form starts from the suggestion


def test_an_allocation_beyond_the_pool_is_refused_beside_the_amount_and_nothing_is_written(admin, programme, guilin,
                                                                                          huzhou):
    first, second = apply(programme, guilin), apply(programme, huzhou, project="湖州的项目")
    assert "已核定" in text(admin.post(f"/subsidies/applications/{first.pk}/allocate/", {"amount": "70000"},
                                       follow=True))
    audits = AuditRecord.objects.count()
    over = text(admin.post(f"/subsidies/applications/{second.pk}/allocate/",
                           {"amount": "30000.01", "note": "按规模核定"}))
    assert error_beside(over, "amount", "核定金额 30000.01 元超过资金池的剩余额度：资金池 100000.00 元，"
                                        "其他学校已核定 70000.00 元，剩余 30000.00 元。")
    assert 'value="30000.01"' in over and "按规模核定" in over
    second.refresh_from_db()
    assert (second.status, second.allocated_amount, second.decision_note) == ("submitted", None, "")
    assert AuditRecord.objects.count() == audits

    for wrong, reason in (("-5", "金额（元）应在 0 到 100000000 之间。"), ("NaN", "金额（元）应为有限的数字。"),
                          ("0", "核定金额必须大于 0。"), ("三万", "金额（元）应为数字。")):
        assert error_beside(text(admin.post(f"/subsidies/applications/{second.pk}/allocate/", {"amount": wrong})),
                            "amount", reason), wrong
    second.refresh_from_db()
    assert second.status == "submitted"

    exact = admin.post(f"/subsidies/applications/{second.pk}/allocate/", {"amount": "30000"}, follow=True)
    assert "已核定" in text(exact)
    pool = text(admin.get(f"/subsidies/programmes/{programme.pk}/"))
    assert '剩余 <strong data-testid="pool-left">¥0.00</strong>' in pool

    # changing an allocation counts what this school already has: it may go up to what is left plus its own
    lowered = admin.post(f"/subsidies/applications/{first.pk}/allocate/", {"amount": "50000"}, follow=True)
    assert "已核定" in text(lowered)
    first.refresh_from_db()
    assert first.allocated_amount == Decimal("50000.00")
    assert "本申请最多可核定 ¥70,000.00" in text(admin.get(f"/subsidies/applications/{first.pk}/"))


def test_an_empty_amount_allocates_the_rules_suggestion(admin, programme, guilin):
    application = apply(programme, guilin, members=100)
    admin.post(f"/subsidies/applications/{application.pk}/allocate/", {"amount": "  "})
    application.refresh_from_db()
    assert (application.status, application.allocated_amount) == ("allocated", Decimal("25000.00"))


def test_a_refusal_needs_a_reason_and_then_ends_the_application(admin, programme, guilin):
    application = apply(programme, guilin)
    page = text(admin.post(f"/subsidies/applications/{application.pk}/reject/", {"reason": "  "}))
    assert error_beside(page, "reason", "“不予补助”必须填写原因。")
    application.refresh_from_db()
    assert application.status == "submitted"
    done = text(admin.post(f"/subsidies/applications/{application.pk}/reject/", {"reason": "项目不符合补助范围。"},
                           follow=True))
    assert "已决定不予补助" in done and "项目不符合补助范围。" in done and "已申报 → 未获补助" in done
    application.refresh_from_db()
    assert application.status == "rejected"
    assert 'action="/subsidies/applications/' not in done  # nothing left to do
    again = text(admin.post(f"/subsidies/applications/{application.pk}/allocate/", {"amount": "100"}, follow=True))
    assert "当前状态为“未获补助”，不能执行“核定”操作" in again
    application.refresh_from_db()
    assert application.allocated_amount is None


def test_the_applications_list_filters_by_status_programme_and_school(admin, programme, guilin, huzhou):
    application_allocate(application=apply(programme, guilin), by=admin.user, amount=Decimal("1000"))
    apply(programme, huzhou, project="湖州的项目")
    waiting = text(admin.get("/subsidies/applications/?status=submitted"))
    assert "湖州的项目" in waiting and "活动室改造" not in waiting
    assert "活动室改造" in text(admin.get("/subsidies/applications/?q=桂林"))
    assert "湖州的项目" not in text(admin.get("/subsidies/applications/?q=桂林"))
    assert "湖州的项目" in text(admin.get(f"/subsidies/applications/?programme={programme.pk}"))


# ---- disbursement into the school's books ---------------------------------------------------------------

def test_disbursing_writes_the_income_into_the_schools_own_books_once(admin, programme, guilin, huzhou,
                                                                     host_client,
                                                                     django_capture_on_commit_callbacks):
    application = apply(programme, guilin)
    application_allocate(application=application, by=admin.user, amount=Decimal("45000"))
    page = text(admin.get(f"/subsidies/applications/{application.pk}/"))
    assert "拨付后不能撤回" in page and f'action="/subsidies/applications/{application.pk}/disburse/"' in page

    with django_capture_on_commit_callbacks(execute=True):  # the income task runs once the disbursement commits
        assert admin.post(f"/subsidies/applications/{application.pk}/disburse/").status_code == 302
    page = text(admin.get(f"/subsidies/applications/{application.pk}/"))
    assert "已拨付 ¥45,000.00" in page and "已核定 → 已拨付" in page
    assert re.search(r"已入账.*记入桂林学院账目：上级补助收入 ¥45,000.00", page, re.S)
    assert "/resend-income/" not in page

    with in_schema(guilin):
        entry = LedgerEntry.objects.get(source_ref=f"subsidy:{application.pk}")
        assert (entry.kind, entry.category, entry.amount, entry.status) == (
            "income", "higher_subsidy", Decimal("45000.00"), "approved")
    with in_schema(huzhou):
        assert not LedgerEntry.objects.filter(source_ref__startswith="subsidy:").exists()
    application.refresh_from_db()
    assert application.status == "disbursed" and application.income_entry_id == entry.pk

    # the school sees it in its books, on its own host
    books = host_client(guilin, [Role.UNION_ADMIN]).get("/api/v1/ledger/").json()["results"]
    assert [(e["category_label"], e["amount"], e["status_label"]) for e in books] == [
        ("上级补助收入", "45000.00", "已审批")]
    assert host_client(huzhou, [Role.UNION_ADMIN]).get("/api/v1/ledger/").json()["count"] == 0

    # a second click finds it already paid: nothing moves, nothing is booked twice
    with django_capture_on_commit_callbacks(execute=True):
        twice = text(admin.post(f"/subsidies/applications/{application.pk}/disburse/", follow=True))
    assert "当前状态为“已拨付”，不能执行“拨付”操作" in twice
    with in_schema(guilin):
        assert LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").count() == 1


def test_a_lost_income_task_is_seen_and_sent_again_from_the_page(admin, programme, guilin,
                                                                django_capture_on_commit_callbacks):
    application = apply(programme, guilin)
    application_allocate(application=application, by=admin.user, amount=Decimal("10000"))
    admin.post(f"/subsidies/applications/{application.pk}/disburse/")  # on_commit never ran: the task was lost
    page = text(admin.get(f"/subsidies/applications/{application.pk}/"))
    assert "等待学校入账" in page and f'action="/subsidies/applications/{application.pk}/resend-income/"' in page
    for _ in range(2):
        admin.post(f"/subsidies/applications/{application.pk}/resend-income/")
    with in_schema(guilin):
        assert LedgerEntry.objects.filter(source_ref=f"subsidy:{application.pk}").count() == 1
    page = text(admin.get(f"/subsidies/applications/{application.pk}/"))
    assert "记入桂林学院账目" in page and "/resend-income/" not in page


# ---- usage reports ----------------------------------------------------------------------------------------

def test_overdue_usage_reports_are_listed_and_counted_on_the_workbench_until_reported(admin, programme, guilin,
                                                                                     huzhou):
    office = make_user(guilin, [Role.UNION_ADMIN])
    late, on_time = apply(programme, guilin), apply(programme, huzhou, project="湖州的项目")
    for application in (late, on_time):
        application_allocate(application=application, by=admin.user, amount=Decimal("10000"))
        application_disburse(application=application, by=admin.user)
    with in_schema(guilin):  # the school reports from its own host
        application_report(application=on_time, by=office, report_text="已完成。", amount_used=Decimal("9000"))
    assert "没有逾期未报告使用情况的补助" in text(admin.get("/subsidies/overdue/"))

    due = timezone.localdate() - datetime.timedelta(days=3)
    Programme.objects.filter(pk=programme.pk).update(report_due_on=due)
    listed = text(admin.get("/subsidies/overdue/"))
    assert "桂林学院" in listed and "活动室改造" in listed and "湖州的项目" not in listed
    assert re.search(r'<td data-label="逾期" class="">\s*3 天\s*</td>', listed)
    assert "已逾期 3 天" in text(admin.get(f"/subsidies/applications/{late.pk}/"))

    home = text(admin.get("/"))
    counter = re.search(r'<a class="counter[^"]*" href="/subsidies/overdue/" data-todo="subsidies_overdue_reports">'
                        r'\s*<span class="number">(\d+)</span>', home)
    assert counter and counter.group(1) == "1" and "urgent" in home[counter.start():counter.end()]
    assert f'<a href="/subsidies/applications/{late.pk}/"><span>桂林学院：活动室改造</span>' in home

    with in_schema(guilin):
        application_report(application=late, by=office, report_text="已完成。", amount_used=Decimal("10000"))
    assert "没有逾期未报告使用情况的补助" in text(admin.get("/subsidies/overdue/"))


def test_the_workbench_counts_what_waits_for_an_allocation_and_a_disbursement(admin, programme, guilin, huzhou,
                                                                               province):
    apply(programme, guilin)
    application_allocate(application=apply(programme, huzhou, project="湖州的项目"), by=admin.user,
                         amount=Decimal("1000"))
    home = text(admin.get("/"))
    assert re.search(r'href="/subsidies/applications/\?status=submitted" data-todo="subsidies_to_allocate">\s*'
                     r'<span class="number">1</span>', home)
    assert re.search(r'href="/subsidies/applications/\?status=allocated" data-todo="subsidies_to_disburse">\s*'
                     r'<span class="number">1</span>', home)
    reviewer = text(signed_in(province, [Role.PROVINCE_REVIEWER]).get("/"))
    assert "subsidies_to_allocate" not in reviewer and "subsidies_overdue_reports" not in reviewer


# ---- two allocations at the same moment -----------------------------------------------------------------

def test_two_simultaneous_allocations_from_the_pages_never_overdraw_the_pool(committed_db, guilin, huzhou, province):
    now = timezone.now()
    programme = programme_create(by=None, year=2026, title="并发核定测试", pool=Decimal("100000"),
                                 opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=1))
    admin_user = make_user(province, [Role.PROVINCE_ADMIN], username="subsidy-pages-concurrent")
    applications = [Application.objects.create(programme=programme, school=school, project="并发",
                                               amount_requested=Decimal("60000.00"), submitted_by="t")
                    for school in (guilin, huzhou)]

    def cleanup():
        Application.objects.filter(programme=programme).delete()
        AuditRecord.objects.filter(target_type__startswith="subsidies.").filter(
            target_id__in=[str(programme.pk), *[str(a.pk) for a in applications]]).delete()
        programme.delete()
        AuditRecord.objects.filter(target_type="accounts.user", target_id=str(admin_user.pk)).delete()
        delete_user_for_cleanup("public", admin_user.pk)

    committed_db.append(cleanup)
    browsers = []
    for _ in applications:
        browser = Client(HTTP_HOST="localhost")
        assert browser.post("/login/", {"username": admin_user.username, "password": ADMIN_PASSWORD}).status_code == 302
        browsers.append(browser)
    results, barrier = [], threading.Barrier(2)

    def allocate(browser, application):
        barrier.wait()
        response = browser.post(f"/subsidies/applications/{application.pk}/allocate/", {"amount": "60000"})
        results.append(response.status_code)  # 302: allocated; 200: the page again with the reason
        connection.close()

    threads = [threading.Thread(target=allocate, args=pair) for pair in zip(browsers, applications)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 302]
    allocated = Application.objects.filter(programme=programme, status="allocated")
    assert allocated.count() == 1 and sum(a.allocated_amount for a in allocated) == Decimal("60000.00")


def test_the_school_sees_on_its_own_page_that_the_money_is_in_its_books(admin, programme, guilin,
                                                                        django_capture_on_commit_callbacks):
    application = apply(programme, guilin)
    application_allocate(application=application, by=admin.user, amount=Decimal("12000"))
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/subsidies/applications/{application.pk}/disburse/")
    page = text(signed_in(guilin, [Role.UNION_ADMIN]).get(f"/provincial/subsidies/applications/{application.pk}/"))
    assert "已记入本校账目：上级补助收入 ¥12,000.00（已审批）" in page


def test_the_lists_cost_the_same_queries_for_one_application_as_for_three(admin, programme, guilin, huzhou, hnit):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    def cost(path):
        with CaptureQueriesContext(db) as queries:
            assert admin.get(path).status_code == 200
        return len(queries)

    def paid(school, project):
        application = apply(programme, school, project=project)
        application_allocate(application=application, by=admin.user, amount=Decimal("1000"))
        application_disburse(application=application, by=admin.user)

    paid(guilin, "桂林的项目")
    Programme.objects.filter(pk=programme.pk).update(report_due_on=timezone.localdate() - datetime.timedelta(days=1))
    paths = ["/subsidies/", f"/subsidies/programmes/{programme.pk}/", "/subsidies/applications/",
             "/subsidies/overdue/", "/"]
    one = {path: cost(path) for path in paths}
    paid(huzhou, "湖州的项目")
    paid(hnit, "湖南的项目")
    assert {path: cost(path) for path in paths} == one
