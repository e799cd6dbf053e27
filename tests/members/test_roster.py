"""Roster import (all rows or none, with a report) and masked export."""
import io

import pytest
from openpyxl import load_workbook

from tenants.accounts.roles import Role
from tenants.members.models import Member, RosterImport
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member, valid_id_number, workbook

@pytest.fixture
def admin(guilin, host_client):
    a_branch(guilin, "文学院")
    return host_client(guilin, [Role.UNION_ADMIN])


def upload(client, buffer):
    return client.post("/api/v1/members/import/", {"file": buffer}, format="multipart")


def test_the_downloaded_template_uploaded_unchanged_adds_nobody(admin, guilin):
    template = admin.get("/api/v1/members/import-template/")
    assert template.status_code == 200 and "attachment" in template["Content-Disposition"]
    buffer = io.BytesIO(template.content)
    buffer.name = "模板.xlsx"
    response = upload(admin, buffer)
    assert response.status_code == 400 and "没有会员数据" in response.json()["problems"][0]["message"]
    with in_schema(guilin):
        assert not Member.objects.filter(employee_number="2019001").exists()
    notes = load_workbook(io.BytesIO(template.content))["填写说明"]
    assert "张三" in notes["A1"].value  # the example is on the instructions sheet


def test_a_valid_roster_is_written_whole(admin, guilin):
    rows = [["王芳", "女", 2019002, "文学院", "", "非编", "2019-09-01", "13800000001", valid_id_number("19880808")],
            ["陈强", "男", "2019003", "文学院", None, "人事代理", "2020/03/01", None, None]]
    response = upload(admin, workbook(rows))
    assert response.status_code == 201 and response.json()["imported"] == 2
    with in_schema(guilin):
        wang = Member.objects.get(employee_number="2019002")
        assert wang.employment_type == "contract" and wang.name_initials == "wf"
        assert RosterImport.objects.get().rows == 2


def test_one_bad_row_rejects_the_whole_file_with_row_column_and_reason(admin, guilin):
    a_member(guilin, employee_number="2000001")
    rows = [["王芳", "女", "2019002", "文学院", "", "非编", "2019-09-01", "", ""],
            ["", "未知", "2000001", "不存在学院", "", "临时工", "昨天", "123", "450305198808081234"],
            ["李雷", "男", "2019002", "文学院", "", "在编", "2019-09-01", "", ""]]
    response = upload(admin, workbook(rows))
    assert response.status_code == 400
    body = response.json()
    assert "未导入任何一行" in body["detail"]
    found = {(p["row"], p["column"]) for p in body["problems"]}
    assert {(3, "姓名"), (3, "性别"), (3, "工号"), (3, "分工会"), (3, "用工类型"), (3, "入会日期"), (3, "手机号"),
            (3, "身份证号"), (4, "工号")} <= found
    assert any("第 2 行重复" in p["message"] for p in body["problems"] if p["row"] == 4)
    with in_schema(guilin):
        assert not Member.objects.filter(employee_number="2019002").exists()
        assert not RosterImport.objects.exists()


def test_missing_columns_and_non_xlsx_files_are_explained(admin):
    missing = upload(admin, workbook([["王芳"]], header=["姓名"]))
    assert missing.status_code == 400 and any(p["column"] == "工号" for p in missing.json()["problems"])
    junk = io.BytesIO(b"not a spreadsheet")
    junk.name = "x.xlsx"
    assert "不是有效" in upload(admin, junk).json()["problems"][0]["message"]
    assert admin.post("/api/v1/members/import/", {}, format="multipart").json()["errors"] == {
        "file": ["请上传 .xlsx 文件（字段名 file）。"]}


def test_export_masks_personal_data(admin, guilin):
    number = valid_id_number("19750505")
    a_member(guilin, name="导出者", phone="13812345678", id_number=number)
    response = admin.get("/api/v1/members/export/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    row = next(r for r in rows if r[0] == "导出者")
    assert row[8] == "138****5678" and row[9] == number[:4] + "*" * 10 + number[-4:]
    assert number not in str(rows) and "13812345678" not in str(rows)


def test_only_the_union_office_imports_and_exports(guilin, host_client):
    member = host_client(guilin, [Role.MEMBER])
    assert member.get("/api/v1/members/export/").status_code == 403
    assert upload(member, workbook([])).status_code == 403
