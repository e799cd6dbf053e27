"""Small builders for member tests (real services, real schemas)."""
import io
import itertools

from openpyxl import Workbook

from tenants.members.models import Branch
from tenants.members.services import branch_create, member_create
from tenants.personal_data import id_number_with_check_digit
from tests.conftest import in_schema

_numbers = itertools.count(1)


def valid_id_number(birth: str = "19850312", seq: str = "123") -> str:
    return id_number_with_check_digit(f"450305{birth}{seq}")


def a_branch(school, name="文学院", chair=None):
    with in_schema(school):
        return Branch.objects.filter(name=name).first() or branch_create(by=None, name=name, chair=chair)


def a_member(school, branch=None, user=None, **fields):
    branch = branch or a_branch(school)
    n = next(_numbers)
    values = {"name": "张三", "gender": "male", "employee_number": f"T{n:05d}", "employment_type": "staff",
              "join_date": "2020-09-01", "phone": "13812345678", "id_number": ""} | fields
    with in_schema(school):
        return member_create(by=None, branch=branch, user=user, **values)


# A roster file as the union office would upload it.
HEADER = ["姓名", "性别", "工号", "分工会", "工会小组", "用工类型", "入会日期", "手机号", "身份证号"]


def workbook(rows, header=HEADER):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "名册.xlsx"
    return buffer
