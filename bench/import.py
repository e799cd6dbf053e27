"""bench/import.py [N] — importing an N-row roster (.xlsx, Chinese headers) into one school.

Times the whole service: reading the workbook, validating every row (ID check digits, duplicates,
branches), encrypting ID numbers, pinyin initials, and the one bulk write.
"""
import io
import random
import sys
import time

from common import setup_django


def build_workbook(count: int, branches: list[str]) -> io.BytesIO:
    from openpyxl import Workbook

    from tenants.personal_data import id_number_with_check_digit

    def id_number(born, seq):
        return id_number_with_check_digit(f"450305{born:%Y%m%d}{seq:03d}")

    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员名册")
    sheet.append(["姓名", "性别", "工号", "分工会", "工会小组", "用工类型", "入会日期", "手机号", "身份证号"])
    import datetime

    for i in range(count):
        born = datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        sheet.append([f"{'王李张刘陈'[i % 5]}{'伟芳娜敏静'[i % 5]}{i}", "男" if i % 2 else "女", f"B{i:06d}",
                      branches[i % len(branches)], "", ["在编", "非编", "人事代理"][i % 3], "2015-09-01",
                      f"13{rng.randint(100000000, 999999999)}", id_number(born, i % 1000)])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def main(count: int) -> None:
    setup_django()
    from django_tenants.utils import schema_context

    from tenants.members.models import Member
    from tenants.members.roster import roster_import
    from tenants.members.services import branch_create
    from tenants.services import school_provision

    school = school_provision(slug="importbench", name="导入基准学校", by=None,
                              admin_password="Bench-pass-2026").school
    names = ["文学院", "理学院", "工学院", "医学院", "机关"]
    with schema_context(school.schema_name):
        for name in names:
            branch_create(by=None, name=name)
        workbook = build_workbook(count, names)
        started = time.perf_counter()
        batch = roster_import(by=None, file_name="bench.xlsx", fileobj=workbook)
        elapsed = time.perf_counter() - started
        assert batch.rows == count == Member.objects.count()
    print(f"rows: {count}; import (read, validate, encrypt, write): {elapsed:.2f} s "
          f"({elapsed / count * 1000:.2f} ms per row)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
