"""Personal data: ID numbers (身份证号) encrypted at rest, masked everywhere but one audited read.

A database dump holds only ciphertext, an HMAC blind index (for uniqueness and exact lookup) and
the masked form. The key comes from PERSONAL_DATA_KEY (production requires it); elsewhere it is
derived from SECRET_KEY.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
MOBILE_PATTERN = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE_PATTERN = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    raw = hashlib.sha256(("eduunion-personal-data:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw)), hashlib.sha256(b"index:" + raw).digest()


def _secret() -> str:
    return getattr(settings, "PERSONAL_DATA_KEY", "") or settings.SECRET_KEY


def encrypt(text: str) -> str:
    return _keys(_secret())[0].encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys(_secret())[0].decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def blind_index(text: str) -> str:
    return hmac.new(_keys(_secret())[1], text.encode(), hashlib.sha256).hexdigest() if text else ""


def normalize_text(value) -> str:
    """NFKC: full-width digits and letters (１２３ＡＢ) become their ASCII forms."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def normalize_id_number(value: str) -> str:
    return normalize_text(value).upper()


def id_number_problem(value: str) -> str | None:
    """The Chinese reason an ID number is invalid (GB 11643: format, birth date, check digit)."""
    value = normalize_id_number(value)
    if not ID_PATTERN.match(value):
        return "身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X。"
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效。"
    if born > datetime.date.today() or born.year < 1900:
        return "身份证号中的出生日期无效。"
    check = ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS)) % 11]
    if value[17] != check:
        return "身份证号校验位不正确。"
    return None


def birth_date_of(id_number: str) -> datetime.date:
    value = normalize_id_number(id_number)
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def mask_id_number(value: str) -> str:
    value = normalize_id_number(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}" if len(value) >= 8 else ""


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else ("*" * len(value))


def phone_problem(value: str) -> str | None:
    value = normalize_text(value)
    if value and not (MOBILE_PATTERN.match(value) or LANDLINE_PATTERN.match(value)):
        return "手机号应为 11 位手机号码或带区号的固定电话。"
    return None
