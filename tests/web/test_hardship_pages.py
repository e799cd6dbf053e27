"""The hardship register's pages: the union office and the 帮扶专干 register a case with its
household, open it (an audited read), record a review, close and reopen it; everyone else of the
school gets the 403 page and sees no trace of the register; another school's host answers 404."""
import datetime

import pytest

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.hardship import services as s
from tenants.hardship.models import HardshipCase, HardshipLevel
from tests.conftest import in_schema, make_user, signed_in, text
from tests.hardship.conftest import HOUSEHOLD, level_id, new_member

pytestmark = pytest.mark.django_db


def a_case(school, *, registered_on=None, name="困难甲"):
    officer = make_user(school, [Role.CARE_OFFICER])
    member = new_member(school, name=name)
    with in_schema(school):
        return s.case_register(by=officer, member=member, level=level_id(school), cause="illness",
                               household=[dict(r) for r in HOUSEHOLD], registered_on=registered_on)


def household_post(rows):
    data = {}
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"hh-{number}-{key}"] = value
    return data


@pytest.mark.parametrize("roles", [[Role.UNION_ADMIN], [Role.CARE_OFFICER]])
def test_a_reader_registers_opens_reviews_closes_and_reopens(guilin, roles):
    reader = signed_in(guilin, roles)
    member = new_member(guilin, name="页面建档人")
    assert "新建困难档案" in text(reader.get("/hardship/new/"))
    created = reader.post("/hardship/new/", {
        "member": member.employee_number, "level": level_id(guilin, "特困"), "cause": "disability",
        "registered_on": "", **household_post([
            {"name": "页面建档人", "relation": "本人", "age": "50", "occupation": "教师", "monthly_income": "3000"},
            {"name": "家属", "relation": "配偶", "age": "49", "occupation": "残疾", "monthly_income": "500.5"}])})
    assert created.status_code == 302, text(created)
    url = created["Location"]
    page = text(reader.get(url))
    assert "页面建档人" in page and "¥3,500.50" in page and "¥1,750.25" in page and "配偶" in page
    with in_schema(guilin):
        case = HardshipCase.objects.get(member=member)
        assert AuditRecord.objects.filter(target_type="hardship.hardshipcase", target_id=str(case.pk),
                                          action="read", actor_name=reader.user.username).count() == 1
    reviewed = reader.post(f"{url}review/", {"outcome": "change", "level": level_id(guilin, "困难"),
                                             "note": "收入略有改善"})
    assert reviewed.status_code == 302
    page = text(reader.get(url))
    assert "调整等级" in page and "特困 → 困难" in page
    no_reason = reader.post(f"{url}close/", {"reason": ""})
    assert no_reason.status_code == 200 and "必须填写原因" in text(no_reason)
    assert reader.post(f"{url}close/", {"reason": "子女就业"}).status_code == 302
    page = text(reader.get(url))
    assert "已脱困" in page and "子女就业" in page
    late = reader.post(f"{url}review/", {"outcome": "keep"}, follow=True)
    assert "不能复核" in text(late)
    assert reader.post(f"{url}reopen/", {"reason": "再次困难"}).status_code == 302
    with in_schema(guilin):
        case.refresh_from_db()
        assert case.status == "active" and case.reviews.count() == 1


def test_refusals_stay_beside_the_field_and_write_nothing(guilin):
    reader = signed_in(guilin, [Role.CARE_OFFICER])
    member = new_member(guilin, name="拒绝测试")
    with in_schema(guilin):
        before = HardshipCase.objects.count()
    base = {"member": member.employee_number, "level": level_id(guilin), "cause": "illness"}
    bad_income = reader.post("/hardship/new/", {**base, **household_post([
        {"name": "拒绝测试", "relation": "本人", "age": "40", "monthly_income": "12.345"}])})
    page = text(bad_income)
    assert bad_income.status_code == 200 and "最多保留 2 位小数" in page and 'value="12.345"' in page
    unknown = text(reader.post("/hardship/new/", {**base, "member": "NOPE404"}))
    assert "本校没有工号为 NOPE404 的会员" in unknown
    gone = new_member(guilin, status="left")
    assert "不能建立困难档案" in text(reader.post("/hardship/new/", {**base, "member": gone.employee_number,
                                                                   **household_post([HOUSEHOLD[0]])}))
    with in_schema(guilin):
        assert HardshipCase.objects.count() == before
    a_case(guilin, name="已有档案")
    with in_schema(guilin):
        existing = HardshipCase.objects.get(member__name="已有档案").member
    twice = text(reader.post("/hardship/new/", {**base, "member": existing.employee_number,
                                                **household_post([HOUSEHOLD[0]])}))
    assert "已有在册的困难档案" in twice


def test_the_list_is_minimal_puts_overdue_first_and_the_workbench_counts_them(guilin):
    late = a_case(guilin, registered_on=datetime.date(2023, 4, 1), name="逾期复核人")
    a_case(guilin, name="新近建档人")
    reader = signed_in(guilin, [Role.CARE_OFFICER])
    page = text(reader.get("/hardship/"))
    assert page.index("逾期复核人") < page.index("新近建档人") and "复核已逾期" in page
    assert "3200" not in page and "家属乙" not in page
    overdue = text(reader.get("/hardship/?overdue=1"))
    assert "逾期复核人" in overdue and "新近建档人" not in overdue
    with in_schema(guilin):
        assert not AuditRecord.objects.filter(target_type="hardship.hardshipcase", action="read").exists()
    home = text(reader.get("/"))
    assert 'data-todo="hardship_reviews_overdue"' in home and f"/hardship/{late.pk}/" in home
    assert "困难档案" in home  # the navigation entry


@pytest.mark.parametrize("roles", [[Role.BRANCH_CHAIR], [Role.TREASURER], [Role.AUDITOR], [Role.MEMBER]])
def test_everyone_else_is_refused_and_sees_no_trace(guilin, roles):
    case = a_case(guilin, registered_on=datetime.date(2023, 4, 1), name="保密对象")
    other = signed_in(guilin, roles)
    for url in ("/hardship/", "/hardship/new/", f"/hardship/{case.pk}/", f"/hardship/{case.pk}/review/",
                f"/hardship/{case.pk}/close/", "/hardship/levels/"):
        answer = other.get(url)
        assert answer.status_code == 403 and "保密对象" not in text(answer), url
    assert other.post(f"/hardship/{case.pk}/close/", {"reason": "x"}).status_code == 403
    home = text(other.get("/"))
    assert "hardship" not in home and "困难档案" not in home and "保密对象" not in home
    with in_schema(guilin):
        assert HardshipCase.objects.get(pk=case.pk).status == "active"
        assert not AuditRecord.objects.filter(target_type="hardship.hardshipcase", action="read").exists()


def test_another_school_finds_nothing(guilin, huzhou):
    case = a_case(guilin, name="本校档案")
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    for url in (f"/hardship/{case.pk}/", f"/hardship/{case.pk}/review/", f"/hardship/{case.pk}/close/"):
        assert outsider.get(url).status_code == 404, url
    assert "本校档案" not in text(outsider.get("/hardship/"))


def test_the_office_extends_and_renames_levels_the_officer_only_reads_them(guilin):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    assert admin.post("/hardship/levels/", {"name": "临时困难", "sort_order": "9"}).status_code == 302
    duplicate = admin.post("/hardship/levels/", {"name": "特困"})
    assert duplicate.status_code == 200 and "已存在" in text(duplicate)
    with in_schema(guilin):
        level = HardshipLevel.objects.get(name="临时困难")
    assert admin.post(f"/hardship/levels/{level.pk}/", {"name": "突发困难", "sort_order": "9",
                                                        "is_active": "on"}).status_code == 302
    officer = signed_in(guilin, [Role.CARE_OFFICER])
    page = text(officer.get("/hardship/levels/"))
    assert "突发困难" in page and "添加困难等级" not in page
    assert officer.get(f"/hardship/levels/{level.pk}/").status_code == 403
    assert officer.post("/hardship/levels/", {"name": "又一级"}).status_code == 404
    with in_schema(guilin):
        assert not HardshipLevel.objects.filter(name="又一级").exists()
