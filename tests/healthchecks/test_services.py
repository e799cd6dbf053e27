"""Health checks: batches by gender and age, assignment, moves with a reason, change requests,
attendance from the list and an .xlsx, coverage per branch; refusals name the field, nothing written."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from tenants import xlsx
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.finance.models import LedgerEntry
from tenants.healthchecks import selectors as q
from tenants.healthchecks import services as s
from tenants.healthchecks.models import HealthCheckAssignment, HealthCheckBatch
from tests.conftest import in_schema, make_user
from tests.healthchecks.conftest import YEAR


def _batches(check):
    return {a.member.employee_number: (a.batch.name if a.batch else None)
            for a in HealthCheckAssignment.objects.filter(health_check=check).select_related("member", "batch")}


def test_assignment_by_gender_and_age_leaves_who_fits_nowhere_unplaced(hc):
    with in_schema(hc["school"]):
        result = s.assign_members(by=hc["admin"], check=hc["check"])
        placed = _batches(hc["check"])
        # the retiree is not eligible by default; H5 has no birth date (only the any-age batch… none without age)
        assert "H6" not in placed
        assert placed["H1"] == "女教职工批" and placed["H4"] == "女教职工批"
        assert placed["H2"] == "男50岁以下" and placed["H3"] == "50岁以上"
        assert placed["H5"] is None
        assert result == {"assigned": 4, "unplaced": 1}
        women = HealthCheckAssignment.objects.filter(womens_special=True).values_list("member__employee_number",
                                                                                       flat=True)
        assert sorted(women) == ["H1", "H4"]
        # a new batch without rules: running again places H5 and leaves the others where they were
        s.batch_create(by=hc["admin"], check=hc["check"], name="补检", date=datetime.date(YEAR, 12, 30),
                       place="校医院", places=5)
        assert s.assign_members(by=hc["admin"], check=hc["check"]) == {"assigned": 1, "unplaced": 0}
        assert _batches(hc["check"])["H5"] == "补检" and _batches(hc["check"])["H2"] == "男50岁以下"


def test_a_full_batch_is_not_overfilled_and_a_move_needs_a_reason(hc):
    with in_schema(hc["school"]):
        from tests.healthchecks.conftest import new_member

        new_member(hc["own"], 7, "male", (1991, 1, 1))
        s.assign_members(by=hc["admin"], check=hc["check"])
        assert HealthCheckAssignment.objects.filter(batch=hc["young"]).count() == 1
        h2 = HealthCheckAssignment.objects.get(member__employee_number="H2")
        with pytest.raises(ValidationError) as error:
            s.assignment_move(by=hc["admin"], assignment=h2, batch=hc["older"], reason="")
        assert "reason" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            s.assignment_move(by=hc["admin"], assignment=h2, batch=hc["women"], reason="想和同事一起")
        assert "女" in error.value.message_dict["batch"][0]
        h7 = HealthCheckAssignment.objects.get(member__employee_number="H7")
        with pytest.raises(Conflict) as conflict:
            s.assignment_move(by=hc["admin"], assignment=h7, batch=hc["young"], reason="调整")
        assert "名额已满" in conflict.value.message
        moved = s.assignment_move(by=hc["admin"], assignment=h2, batch=hc["older"], reason="出差")
        assert moved.batch == hc["older"] and moved.move_reason == "出差"
        assert AuditRecord.objects.filter(target_type="healthchecks.healthcheckassignment",
                                          target_id=str(h2.pk), reason="出差").exists()


def test_a_member_asks_to_change_and_the_office_decides(hc):
    school = hc["school"]
    with in_schema(school):
        user = make_user(school, [])
        h3 = hc["members"][2]
        h3.user = user
        h3.save(update_fields=["user"])
        s.assign_members(by=hc["admin"], check=hc["check"])
        s.batch_create(by=hc["admin"], check=hc["check"], name="补检", date=datetime.date(YEAR, 12, 30),
                       place="校医院", places=5)
        mine = HealthCheckAssignment.objects.get(member=h3)
        other = HealthCheckAssignment.objects.get(member__employee_number="H1")
        late = HealthCheckBatch.objects.get(name="补检")
        with pytest.raises(Conflict):  # not open yet
            s.change_request(by=user, assignment=mine, batch=late, reason="出差")
        s.health_check_move(by=hc["admin"], check=hc["check"], action="open")
        with pytest.raises(NotAllowed):
            s.change_request(by=user, assignment=other, batch=late, reason="出差")
        with pytest.raises(ValidationError) as error:
            s.change_request(by=user, assignment=mine, batch=late, reason=" ")
        assert "reason" in error.value.message_dict
        asked = s.change_request(by=user, assignment=mine, batch=late, reason="那天出差")
        assert asked.requested_batch == late and list(q.pending_change_requests()) == [asked]
        done = s.change_request_decide(by=hc["admin"], assignment=asked, approve=True)
        assert done.batch == late and done.requested_batch is None and "那天出差" in done.move_reason
        s.change_request(by=user, assignment=mine, batch=hc["older"], reason="还是原来那天")
        with pytest.raises(ValidationError):
            s.change_request_decide(by=hc["admin"], assignment=mine, approve=False, reason="")
        declined = s.change_request_decide(by=hc["admin"], assignment=mine, approve=False, reason="名额紧张")
        assert declined.batch == late and declined.requested_batch is None
        hc["check"].refresh_from_db()
        hc["check"].allow_change_requests = False
        hc["check"].save(update_fields=["allow_change_requests"])
        with pytest.raises(Conflict) as conflict:
            s.change_request(by=user, assignment=mine, batch=hc["older"], reason="x")
        assert "不接受" in conflict.value.message


def test_attendance_coverage_per_branch_and_the_women_special_check(hc):
    with in_schema(hc["school"]):
        s.assign_members(by=hc["admin"], check=hc["check"])
        h1 = HealthCheckAssignment.objects.get(member__employee_number="H1")
        with pytest.raises(Conflict):  # still planning
            s.attendance_record(by=hc["admin"], assignment=h1, attendance="checked")
        s.health_check_move(by=hc["admin"], check=hc["check"], action="open")
        s.attendance_record(by=hc["admin"], assignment=h1, attendance="checked", special_done=True)
        h2 = HealthCheckAssignment.objects.get(member__employee_number="H2")
        with pytest.raises(ValidationError) as error:
            s.attendance_record(by=hc["admin"], assignment=h2, attendance="checked", special_done=True)
        assert "special_done" in error.value.message_dict
        s.attendance_record(by=hc["admin"], assignment=h2, attendance="absent")
        figures = q.coverage(YEAR)
        assert (figures["eligible"], figures["checked"], figures["unchecked"]) == (5, 1, 4)
        branches = {b["branch_name"]: (b["eligible"], b["checked"]) for b in figures["branches"]}
        assert branches == {"文学院": (2, 1), "理学院": (3, 0)}
        assert figures["womens_special"] == {"offered": 2, "done": 1}
        assert q.coverage(YEAR, branches=[hc["own"]])["eligible"] == 2
        assert [m.employee_number for m in q.unchecked_members(YEAR)] == ["H2", "H3", "H4", "H5"]
        assert q.coverage(YEAR - 5) == {**q.coverage(YEAR - 5), "checked": 0, "health_check": None}
        book = xlsx.open_for_reading(io.BytesIO(q.coverage_workbook(YEAR)))
        missing = [row for row in book["未体检名单"].iter_rows(values_only=True)]
        assert missing[0] == ("分工会", "姓名", "工号", "性别", "手机号") and len(missing) == 5


def test_attendance_import_is_all_or_nothing(hc):
    with in_schema(hc["school"]):
        s.assign_members(by=hc["admin"], check=hc["check"])
        s.health_check_move(by=hc["admin"], check=hc["check"], action="open")

        def sheet(rows):
            book = xlsx.new_workbook()
            for row in rows:
                xlsx.append(book.active, row)
            return io.BytesIO(xlsx.to_bytes(book))

        with pytest.raises(ValidationError) as error:
            s.attendance_import(by=hc["admin"], check=hc["check"],
                                fileobj=sheet([["工号", "体检情况", "特殊检查"], ["H1", "已体检", "是"],
                                               ["H2", "也许", ""], ["X9", "已体检", ""]]))
        message = error.value.message_dict["file"][0]
        assert "第 3 行" in message and "第 4 行" in message and "未导入" in message
        assert not HealthCheckAssignment.objects.filter(attendance="checked").exists()
        done = s.attendance_import(by=hc["admin"], check=hc["check"],
                                   fileobj=sheet([["工号", "体检情况", "特殊检查"], ["H1", "已体检", "是"],
                                                  ["H2", "未参加", ""], ["H3", "已体检", ""]]))
        assert done == {"recorded": 3, "changed": 3} and q.coverage(YEAR)["checked"] == 2
        assert HealthCheckAssignment.objects.get(member__employee_number="H1").special_done


def test_workflow_and_refusals_write_nothing(hc, guilin):
    with in_schema(hc["school"]):
        member_user = make_user(guilin, [])
        with pytest.raises(NotAllowed):
            s.health_check_create(by=member_user, year=YEAR + 1, title="x")
        with pytest.raises(Conflict) as conflict:
            s.health_check_create(by=hc["admin"], year=YEAR, title="又一次")
        assert conflict.value.field == "year"
        with pytest.raises(ValidationError) as error:
            s.batch_create(by=hc["admin"], check=hc["check"], name="", date=datetime.date(YEAR - 1, 1, 1),
                           place="", gender="x", age_min="60", age_max="40", places="0")
        assert set(error.value.message_dict) == {"name", "date", "place", "gender", "age_max", "places"}
        assert HealthCheckBatch.objects.count() == 3
        with pytest.raises(ValidationError):
            s.batch_update(by=hc["admin"], batch=hc["women"], places="1.5")
        s.health_check_move(by=hc["admin"], check=hc["check"], action="open")
        s.health_check_move(by=hc["admin"], check=hc["check"], action="finish")
        with pytest.raises(Conflict):
            s.batch_create(by=hc["admin"], check=hc["check"], name="晚", date=datetime.date(YEAR, 12, 31),
                           place="x", places=1)
        with pytest.raises(IllegalTransition):
            s.health_check_move(by=hc["admin"], check=hc["check"], action="finish")
        with pytest.raises(Exception):
            s.health_check_move(by=hc["admin"], check=hc["check"], action="reopen", reason="")
        assert s.health_check_move(by=hc["admin"], check=hc["check"], action="reopen",
                                   reason="补检").status == "open"


def test_the_cost_is_optional_and_booked_once(hc):
    with in_schema(hc["school"]):
        with pytest.raises(ValidationError) as error:
            s.health_check_book_cost(by=hc["admin"], check=hc["check"], amount="1.234",
                                     occurred_on=datetime.date.today())
        assert "amount" in error.value.message_dict and not LedgerEntry.objects.exists()
        check = s.health_check_book_cost(by=hc["admin"], check=hc["check"], amount="12000",
                                         occurred_on=datetime.date.today())
        entry = LedgerEntry.objects.get()
        assert check.ledger_entry == entry and entry.source_type == LedgerEntry.Source.HEALTH_CHECK
        assert entry.source_id == check.pk and entry.category == "activities"
        with pytest.raises(Conflict):
            s.health_check_book_cost(by=hc["admin"], check=check, amount="1", occurred_on=datetime.date.today())
