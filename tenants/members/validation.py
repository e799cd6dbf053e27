"""Checks shared by member creation, editing, roster import and membership applications."""
from __future__ import annotations

import datetime

from pypinyin import Style, lazy_pinyin

from tenants import personal_data
from tenants.members.models import EmploymentType, Gender

GENDER_BY_LABEL = {label: value for value, label in Gender.choices} | {v: v for v in Gender.values}
EMPLOYMENT_BY_LABEL = {label: value for value, label in EmploymentType.choices} | {
    v: v for v in EmploymentType.values} | {"合同制": EmploymentType.CONTRACT, "编外": EmploymentType.CONTRACT}


def initials(name: str) -> str:
    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore")).lower()[:50]


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def check_person(data: dict, *, require_join_date: bool = True) -> tuple[dict, dict]:
    """Normalise the person fields of ``data``; returns (cleaned, {field: Chinese message})."""
    cleaned, errors = {}, {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = "姓名不能为空。"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过 50 个字符。"
    cleaned["name"] = name

    gender = GENDER_BY_LABEL.get(str(data.get("gender") or "").strip())
    if gender is None:
        errors["gender"] = "性别只能是：男、女。"
    cleaned["gender"] = gender

    number = personal_data.normalize_text(data.get("employee_number"))
    if number.endswith(".0"):  # spreadsheets turn 2019001 into 2019001.0
        number = number[:-2]
    if not number:
        errors["employee_number"] = "工号不能为空。"
    elif len(number) > 30:
        errors["employee_number"] = "工号不能超过 30 个字符。"
    cleaned["employee_number"] = number

    employment = EMPLOYMENT_BY_LABEL.get(str(data.get("employment_type") or "").strip())
    if employment is None:
        errors["employment_type"] = "用工类型只能是：" + "、".join(EmploymentType.labels) + "。"
    cleaned["employment_type"] = employment

    if require_join_date or data.get("join_date"):
        join_date = parse_date(data.get("join_date"))
        if join_date is None:
            errors["join_date"] = "入会日期无效，格式如 2024-09-01。"
        elif join_date > datetime.date.today():
            errors["join_date"] = "入会日期不能晚于今天。"
        cleaned["join_date"] = join_date

    phone = personal_data.normalize_text(data.get("phone"))
    if phone.endswith(".0"):
        phone = phone[:-2]
    problem = personal_data.phone_problem(phone)
    if problem:
        errors["phone"] = problem
    cleaned["phone"] = phone

    id_number = personal_data.normalize_id_number(str(data.get("id_number") or ""))
    if id_number:
        problem = personal_data.id_number_problem(id_number)
        if problem:
            errors["id_number"] = problem
    cleaned["id_number"] = id_number
    return cleaned, errors


def id_number_columns(id_number: str) -> dict:
    """The stored forms of an ID number: ciphertext, blind index, mask, birth date."""
    if not id_number:
        return {"id_number_encrypted": "", "id_number_index": "", "id_number_masked": "", "birth_date": None}
    return {
        "id_number_encrypted": personal_data.encrypt(id_number),
        "id_number_index": personal_data.blind_index(id_number),
        "id_number_masked": personal_data.mask_id_number(id_number),
        "birth_date": personal_data.birth_date_of(id_number),
    }
