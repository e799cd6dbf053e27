"""Personal data: ID numbers (身份证号) encrypted at rest, masked everywhere but one audited read.

A database dump holds only ciphertext, an HMAC blind index (for uniqueness and exact lookup) and
the masked form.

Keys (README, 密钥轮换): PERSONAL_DATA_KEY holds one or more comma-separated keys, newest first
(production requires it; elsewhere SECRET_KEY stands in). New ciphertext always uses the newest;
any listed key decrypts, so a new key can be put in front before `manage.py rotate_personal_data`
re-encrypts everything with it. The blind index must not move when encryption keys rotate —
otherwise uniqueness checks silently stop matching the stored rows — so it is keyed by
PERSONAL_DATA_INDEX_KEY, or when that is unset by the oldest listed key (the last), which is the
first key the data was ever stored under.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from tenants.errors import DomainError

MOBILE_PATTERN = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE_PATTERN = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")

ID_FORMAT_PROBLEM = "身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X。"
ID_BIRTH_DATE_PROBLEM = "身份证号中的出生日期无效。"
ID_CHECK_DIGIT_PROBLEM = "身份证号校验位不正确。"
ID_REGION_PROBLEM = "身份证号前 6 位不是有效的行政区划代码。"


class PersonalDataUnreadable(DomainError):
    """Stored ciphertext that no configured key opens: a configuration fault, never an empty value.

    Answering "" here once let the next edit overwrite a member's ID number with an encryption
    of "" — the data was lost on the first save after a key change.
    """

    status_code = 500

    def __init__(self):
        super().__init__("身份证号无法解密：PERSONAL_DATA_KEY 中没有加密它时所用的密钥，请联系系统管理员。")


def configured_secrets() -> list[str]:
    """The encryption keys, newest first."""
    listed = [part.strip() for part in (getattr(settings, "PERSONAL_DATA_KEY", "") or "").split(",")]
    return [part for part in listed if part] or [settings.SECRET_KEY]


def _index_secret(secrets: list[str]) -> str:
    return getattr(settings, "PERSONAL_DATA_INDEX_KEY", "") or secrets[-1]


@lru_cache(maxsize=16)
def _derived(secret: str) -> tuple[bytes, bytes]:
    """(Fernet key, HMAC key) of one configured secret; unchanged since the first release."""
    raw = hashlib.sha256(("eduunion-personal-data:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(raw), hashlib.sha256(b"index:" + raw).digest()


@lru_cache(maxsize=16)
def _ciphers(secrets: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    fernets = [Fernet(_derived(secret)[0]) for secret in secrets]
    return fernets[0], MultiFernet(fernets)


def encrypt(text: str) -> str:
    return _ciphers(tuple(configured_secrets()))[1].encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The clear text; raises PersonalDataUnreadable when no configured key opens ``token``."""
    if not token:
        return ""
    try:
        return _ciphers(tuple(configured_secrets()))[1].decrypt(token.encode()).decode()
    except InvalidToken:
        raise PersonalDataUnreadable() from None


def is_current(token: str) -> bool:
    """Whether ``token`` is already encrypted with the newest key (nothing for rotation to do)."""
    if not token:
        return True
    try:
        _ciphers(tuple(configured_secrets()))[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt_columns(model, fields) -> dict[str, int]:
    """Re-encrypt the secrets other apps keep with these keys (a webhook's signing secret, a school's
    OIDC client secret) under the newest key: counts as for ID numbers, idempotent, and a value no
    configured key opens is left as it is and counted as unreadable."""
    from django.db import transaction

    counts = {"reencrypted": 0, "current": 0, "unreadable": 0}
    with transaction.atomic():
        for row in model.objects.select_for_update().only("pk", *fields):
            changed = []
            for field in fields:
                token = getattr(row, field)
                if not token:
                    continue
                if is_current(token):
                    counts["current"] += 1
                    continue
                try:
                    value = decrypt(token)
                except PersonalDataUnreadable:
                    counts["unreadable"] += 1
                    continue
                setattr(row, field, encrypt(value))
                changed.append(field)
                counts["reencrypted"] += 1
            if changed:
                row.save(update_fields=changed)
    return counts


def blind_index(text: str) -> str:
    if not text:
        return ""
    key = _derived(_index_secret(configured_secrets()))[1]
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def normalize_text(value) -> str:
    """NFKC: full-width digits and letters (１２３ＡＢ) become their ASCII forms."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def normalize_id_number(value: str) -> str:
    return normalize_text(value).upper()


def id_number_problem(value: str) -> str | None:
    """The Chinese reason an ID number is invalid (GB 11643), checked by python-stdnum's cn.ric."""
    number = normalize_id_number(value)
    try:
        ric.validate(number)
    except (InvalidLength, InvalidFormat):
        return ID_FORMAT_PROBLEM
    except InvalidChecksum:
        # With the date wrong as well, the date is what the person typing can check and fix.
        return _birth_date_problem(number) or ID_CHECK_DIGIT_PROBLEM
    except InvalidComponent:
        return _birth_date_problem(number) or (None if _region_ever_existed(number) else ID_REGION_PROBLEM)
    # stdnum accepts any calendar date; nobody on a roster was born tomorrow or before 1900.
    return _birth_date_problem(number)


def _birth_date_problem(number: str) -> str | None:
    try:
        born = ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        return ID_BIRTH_DATE_PROBLEM
    if born > datetime.date.today() or born.year < 1900:
        return ID_BIRTH_DATE_PROBLEM
    return None


def _region_ever_existed(number: str) -> bool:
    """stdnum also wants the county to have existed in the birth year, but the code is that of the
    household registration when the card was issued: someone born in 1960 and registered in
    七星区 (created 1983) holds a real 450305 1960… number. Only a code that never existed is refused."""
    from stdnum import numdb

    return any("county" in props for _, props in numdb.get("cn/loc").info(number[:6]))


def id_number_with_check_digit(first17: str) -> str:
    """A complete number from its first 17 digits (demo data, test and benchmark rosters)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def birth_date_of(id_number: str) -> datetime.date:
    return ric.get_birth_date(normalize_id_number(id_number))


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
