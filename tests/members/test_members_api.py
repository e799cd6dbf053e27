"""Members through the API: search, masking, edits, status transitions, access."""
import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member, valid_id_number


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


def new_member_body(branch, **extra):
    return {"name": "李四", "gender": "female", "employee_number": "2021007", "branch": branch.pk,
            "employment_type": "contract", "join_date": "2021-09-01", "phone": "13912345678",
            "id_number": valid_id_number("19900101"), **extra}


def test_the_union_office_adds_a_member_and_lists_show_only_masked_personal_data(guilin, admin):
    branch = a_branch(guilin)
    created = admin.post("/api/v1/members/", new_member_body(branch), format="json")
    assert created.status_code == 201, created.content
    row = admin.get("/api/v1/members/", {"search": "李四"}).json()["results"][0]
    assert row["phone"] == "139****5678"
    assert row["id_number"] == valid_id_number("19900101")[:4] + "**********" + valid_id_number("19900101")[-4:]
    assert row["employment_type_label"] == "非编" and row["birth_date"] == "1990-01-01"


def test_search_by_pinyin_initials_employee_number_and_filters(guilin, admin):
    branch = a_branch(guilin, "理学院")
    a_member(guilin, branch=branch, name="王小明", employee_number="2008123")
    a_member(guilin, name="赵六", employee_number="2010999", employment_type="agency")
    assert [r["name"] for r in admin.get("/api/v1/members/", {"search": "wxm"}).json()["results"]] == ["王小明"]
    assert [r["name"] for r in admin.get("/api/v1/members/", {"search": "2008"}).json()["results"]] == ["王小明"]
    by_branch = admin.get("/api/v1/members/", {"branch": branch.pk}).json()["results"]
    assert [r["name"] for r in by_branch] == ["王小明"]
    agency = admin.get("/api/v1/members/", {"employment_type": "agency"}).json()["results"]
    assert [r["name"] for r in agency] == ["赵六"]


def test_bad_member_input_is_named_and_nothing_is_written(guilin, admin):
    branch = a_branch(guilin)
    before = admin.get("/api/v1/members/").json()["count"]
    bad = admin.post("/api/v1/members/", new_member_body(branch, id_number="450305199001011234",
                                                         phone="12345", gender="unknown"), format="json")
    assert bad.status_code == 400
    assert {"gender"} <= set(bad.json()["errors"])
    bad = admin.post("/api/v1/members/", new_member_body(branch, id_number="450305199001011234", phone="12345"),
                     format="json")
    assert {"id_number", "phone"} <= set(bad.json()["errors"])
    missing = admin.post("/api/v1/members/", {"name": "王五"}, format="json")
    assert missing.status_code == 400 and "employee_number" in missing.json()["errors"]
    assert admin.get("/api/v1/members/").json()["count"] == before


def test_employee_numbers_and_id_numbers_are_unique_per_school(guilin, huzhou, admin, host_client):
    branch = a_branch(guilin)
    a_member(guilin, employee_number="2021007", id_number=valid_id_number("19800101"))
    dup = admin.post("/api/v1/members/", new_member_body(branch), format="json")
    assert dup.status_code == 409 and "employee_number" in dup.json()["errors"]
    dup_id = admin.post("/api/v1/members/", new_member_body(branch, employee_number="X1",
                                                            id_number=valid_id_number("19800101")), format="json")
    assert dup_id.status_code == 409 and "id_number" in dup_id.json()["errors"]
    other = host_client(huzhou, [Role.UNION_ADMIN])
    assert other.post("/api/v1/members/", new_member_body(a_branch(huzhou)), format="json").status_code == 201


def test_status_transitions_are_recorded_with_dates_and_illegal_ones_refused(guilin, admin):
    member = a_member(guilin)
    out = admin.post(f"/api/v1/members/{member.pk}/transfer-out/", {"effective_on": "2026-07-01",
                                                                     "reason": "调往广西大学"}, format="json")
    assert out.status_code == 200 and out.json()["status_label"] == "转出"
    again = admin.post(f"/api/v1/members/{member.pk}/retire/", {}, format="json")
    assert again.status_code == 409 and "转出" in again.json()["detail"]
    back = admin.post(f"/api/v1/members/{member.pk}/transfer-in/", {"effective_on": "2026-09-01"}, format="json")
    assert back.json()["status"] == "active"
    leave = admin.post(f"/api/v1/members/{member.pk}/leave/", {"reason": ""}, format="json")
    assert leave.status_code == 400 and "reason" in leave.json()["errors"]
    history = admin.get(f"/api/v1/members/{member.pk}/status-changes/").json()["results"]
    assert [(h["from_status"], h["to_status"], h["effective_on"]) for h in history] == [
        ("transferred", "active", "2026-09-01"), ("active", "transferred", "2026-07-01")]
    bad_date = admin.post(f"/api/v1/members/{member.pk}/retire/", {"effective_on": "明年"}, format="json")
    assert bad_date.status_code == 400 and "effective_on" in bad_date.json()["errors"]


def test_the_whole_id_number_is_shown_only_to_a_union_admin_and_each_read_is_audited(guilin, admin, host_client):
    number = valid_id_number("19850312")
    member = a_member(guilin, id_number=number)
    assert admin.get(f"/api/v1/members/{member.pk}/id-number/").json() == {"id_number": number}
    with in_schema(guilin):
        read = AuditRecord.objects.get(action="read", target_id=str(member.pk))
    assert read.actor_name == admin.user.username
    chair = host_client(guilin, [Role.BRANCH_CHAIR])
    assert chair.get(f"/api/v1/members/{member.pk}/id-number/").status_code in (403, 404)


def test_three_part_access_owner_member_outsider(guilin, huzhou, admin, host_client):
    member = a_member(guilin)
    plain = host_client(guilin, [Role.MEMBER])
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    assert admin.get(f"/api/v1/members/{member.pk}/").status_code == 200
    assert plain.get(f"/api/v1/members/{member.pk}/").status_code == 404  # members see only themselves
    assert plain.post("/api/v1/members/", {}, format="json").status_code == 403
    assert plain.patch(f"/api/v1/members/{member.pk}/", {"name": "改名"}, format="json").status_code == 403
    found = outsider.get(f"/api/v1/members/{member.pk}/")
    assert found.status_code == 404 or found.json()["employee_number"] != member.employee_number
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.get(f"/api/v1/members/{member.pk}/").status_code == 401


def test_a_member_sees_their_own_record_and_a_branch_chair_their_branch(guilin, host_client):
    me = host_client(guilin, [Role.MEMBER])
    a_member(guilin, user=me.user, name="本人")
    chair_client = host_client(guilin, [Role.BRANCH_CHAIR])
    chaired = a_branch(guilin, "外国语学院", chair=chair_client.user)
    a_member(guilin, branch=chaired, name="外语教师")
    a_member(guilin, name="别的分工会")
    assert [r["name"] for r in me.get("/api/v1/members/").json()["results"]] == ["本人"]
    assert [r["name"] for r in chair_client.get("/api/v1/members/").json()["results"]] == ["外语教师"]


def test_editing_a_member_is_audited_field_by_field(guilin, admin):
    member = a_member(guilin, phone="13812345678")
    response = admin.patch(f"/api/v1/members/{member.pk}/", {"phone": "13900001111"}, format="json")
    assert response.status_code == 200
    with in_schema(guilin):
        record = AuditRecord.objects.get(action="update", target_id=str(member.pk))
    assert set(record.changes) == {"phone"}


def test_member_list_query_count_does_not_grow_with_page_size(guilin, admin):
    for i in range(30):
        a_member(guilin, name=f"会员{i}")

    def queries_for(page_size):
        with CaptureQueriesContext(connection) as captured:
            assert admin.get("/api/v1/members/", {"page_size": page_size}).status_code == 200
        return len(captured)

    small, big = queries_for(5), queries_for(30)
    assert small - 1 <= big <= small  # a page holding the whole list skips its COUNT (tenants/paging.py)


def test_a_member_reads_their_own_status_history(guilin, admin, host_client):
    me = host_client(guilin, [Role.MEMBER])
    mine = a_member(guilin, user=me.user)
    admin.post(f"/api/v1/members/{mine.pk}/retire/", {"effective_on": "2026-07-01"}, format="json")
    history = me.get(f"/api/v1/members/{mine.pk}/status-changes/")
    assert history.status_code == 200 and history.json()["results"][0]["to_status"] == "retired"


def test_audit_records_never_hold_a_phone_or_id_number_in_clear(guilin, admin):
    member = a_member(guilin, phone="13812345678", id_number=valid_id_number("19800808"))
    admin.patch(f"/api/v1/members/{member.pk}/", {"phone": "13912349876"}, format="json")
    records = str(admin.get("/api/v1/audit/", {"target_type": "members.member", "target_id": member.pk}).json())
    assert "13812345678" not in records and "13912349876" not in records and "139****9876" in records
    assert valid_id_number("19800808") not in records


def test_full_width_digits_are_the_same_id_number(guilin, admin):
    number = valid_id_number("19800808")
    a_member(guilin, id_number=number)
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = admin.post("/api/v1/members/", new_member_body(a_branch(guilin), employee_number="FW1",
                                                              id_number=full_width), format="json")
    assert response.status_code == 409 and "id_number" in response.json()["errors"]


def test_a_status_change_cannot_take_effect_before_the_member_joined(guilin, admin):
    member = a_member(guilin, join_date="2026-03-05")
    early = admin.post(f"/api/v1/members/{member.pk}/retire/", {"effective_on": "2020-01-01"}, format="json")
    assert early.status_code == 400 and "入会日期" in early.json()["errors"]["effective_on"][0]
    assert admin.get(f"/api/v1/members/{member.pk}/").json()["status"] == "active"
