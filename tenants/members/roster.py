"""The union's roster in and out as .xlsx with Chinese headers.

Import: every row is checked; either every row is written or none, and the answer lists each
problem by row number, column and a Chinese message. Export: ID numbers and phones masked.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants.audit.services import actor_name, audit_create
from tenants.members.models import Branch, Group, Member, RosterImport
from tenants.members.validation import check_person, id_number_columns, initials
from tenants.personal_data import blind_index, mask_phone
from tenants import xlsx
from tenants.text import date_problem, text_problem
from tenants.webhooks import events as webhook_events
from tenants.webhooks.services import emit_many

COLUMNS = [
    ("name", "姓名", True), ("gender", "性别", True), ("employee_number", "工号", True),
    ("branch", "分工会", True), ("group", "工会小组", False), ("employment_type", "用工类型", True),
    ("join_date", "入会日期", True), ("phone", "手机号", False), ("id_number", "身份证号", False),
]
LABEL = {field: label for field, label, _ in COLUMNS}
MAX_ROWS = 50_000
# A 50,000-row roster saved by Excel is about 3 MB; the limit is checked before the file is read.
MAX_FILE_BYTES = 10 * 1024 * 1024


class RosterRejected(Exception):
    def __init__(self, problems: list[dict]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def template_workbook() -> bytes:
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "会员名册"
    xlsx.append(sheet, [f"*{label}" if required else label for _, label, required in COLUMNS])
    # The example lives on the instructions sheet: a sample row on the roster sheet would be
    # imported as a real member by anyone who uploads the template as downloaded.
    notes = book.create_sheet("填写说明")
    for line in ["示例（请在“会员名册”表的第 2 行起填写，每人一行）：张三｜男｜2019001｜文学院｜（小组可空）｜在编｜"
                 "2019-09-01｜13812345678｜（身份证号可空）",
                 "带 * 的列必填：姓名、性别、工号、分工会、用工类型、入会日期。",
                 "性别：男/女；用工类型：在编/非编/人事代理/退休；入会日期：2024-09-01。",
                 "分工会、工会小组须与系统中的名称一致；身份证号为 18 位，会校验出生日期和校验位。",
                 "任何一行有错，整个文件都不会导入；系统会列出每个错误的行号、列名和原因。"]:
        xlsx.append(notes, [line])
    return xlsx.to_bytes(book)


def read_rows(fileobj) -> list[tuple[int, dict]]:
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise RosterRejected([{"row": 0, "column": "", "message": "文件不能超过 10 MB。"}])
    try:
        book = xlsx.open_for_reading(fileobj)
    except xlsx.UnsafeWorkbook as refused:
        raise RosterRejected([{"row": 0, "column": "", "message": str(refused)}]) from None
    try:
        return _rows(book)
    except RosterRejected:
        raise
    except Exception:  # a sheet whose XML breaks part-way is as unreadable as a foreign file
        raise RosterRejected([{"row": 0, "column": "", "message": "文件不是有效的 .xlsx 表格。"}]) from None
    finally:
        book.close()


def _rows(book) -> list[tuple[int, dict]]:
    if not book.worksheets:
        raise RosterRejected([{"row": 0, "column": "", "message": "表格中没有工作表。"}])
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip().lstrip("*") for cell in next(rows, [])]
    missing = [label for _, label, required in COLUMNS if required and label not in header]
    if missing:
        raise RosterRejected([{"row": 1, "column": label, "message": f"缺少列“{label}”。"} for label in missing])
    position = {field: header.index(label) for field, label, _ in COLUMNS if label in header}
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {field: (values[index] if index < len(values) else None) for field, index in position.items()}
        result.append((number, row))
        if len(result) > MAX_ROWS:
            raise RosterRejected([{"row": number, "column": "", "message": f"一次最多导入 {MAX_ROWS} 行。"}])
    if not result:
        raise RosterRejected([{"row": 2, "column": "", "message": "表格中没有会员数据。"}])
    return result


def roster_import(*, by, file_name: str, fileobj) -> RosterImport:
    rows = read_rows(fileobj)
    branches = {b.name: b for b in Branch.objects.filter(is_active=True)}
    groups = {(g.branch_id, g.name): g for g in Group.objects.all()}
    taken_numbers = set(Member.objects.values_list("employee_number", flat=True))
    taken_ids = set(Member.objects.exclude(id_number_index="").values_list("id_number_index", flat=True))
    seen_numbers, seen_ids, problems, members = {}, {}, [], []

    for number, row in rows:
        cleaned, errors = check_person(row)
        problem = lambda field, message: problems.append(  # noqa: E731
            {"row": number, "column": LABEL[field], "message": message})
        for field, message in errors.items():
            problem(field, message)
        # The file is an edge like the API: the same rules for text and dates hold here.
        for field, value in row.items():
            text = value.strip() if isinstance(value, str) else value
            if field not in errors and (message := text_problem(text, multiline=False)):
                problem(field, message)
        join_date = cleaned.get("join_date")
        if "join_date" not in errors and (message := date_problem(join_date)):
            problem("join_date", message)
        branch = branches.get(str(row.get("branch") or "").strip())
        if branch is None:
            problem("branch", f"分工会“{row.get('branch') or ''}”不存在。")
        group = None
        group_name = str(row.get("group") or "").strip()
        if group_name and branch is not None:
            group = groups.get((branch.pk, group_name))
            if group is None:
                problem("group", f"{branch.name}没有小组“{group_name}”。")
        employee_number = cleaned["employee_number"]
        if employee_number:
            if employee_number in taken_numbers:
                problem("employee_number", f"工号“{employee_number}”已是会员。")
            elif employee_number in seen_numbers:
                problem("employee_number", f"工号“{employee_number}”与第 {seen_numbers[employee_number]} 行重复。")
            seen_numbers.setdefault(employee_number, number)
        id_number = cleaned.pop("id_number")
        if id_number and "id_number" not in errors:
            index = blind_index(id_number)
            if index in taken_ids:
                problem("id_number", "该身份证号已登记为其他会员。")
            elif index in seen_ids:
                problem("id_number", f"身份证号与第 {seen_ids[index]} 行重复。")
            seen_ids.setdefault(index, number)
        if not problems:
            members.append(Member(branch=branch, group=group, name_initials=initials(cleaned["name"]),
                                  **cleaned, **id_number_columns(id_number)))
    if problems:
        raise RosterRejected(problems)

    with transaction.atomic():
        Member.objects.bulk_create(members, batch_size=2000)
        emit_many("member.created", [webhook_events.member_data(member) for member in members])
        batch = RosterImport.objects.create(file_name=file_name[:200], rows=len(members),
                                            imported_by=actor_name(by))
        audit_create(actor=by, target=batch, fields=["file_name", "rows"])
    return batch


def export_workbook(members) -> bytes:
    book = xlsx.new_workbook(write_only=True)
    sheet = book.create_sheet("会员名册")
    xlsx.append(sheet, ["姓名", "性别", "工号", "分工会", "工会小组", "用工类型", "入会日期", "状态", "手机号",
                  "身份证号"])
    for member in members.select_related("branch", "group").iterator(chunk_size=2000):
        xlsx.append(sheet, [member.name, member.get_gender_display(), member.employee_number, member.branch.name,
                      member.group.name if member.group else "", member.get_employment_type_display(),
                      member.join_date, member.get_status_display(), mask_phone(member.phone),
                      member.id_number_masked])
    return xlsx.to_bytes(book)


def export_file_name() -> str:
    return f"会员名册-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
