"""API keys: create (the plaintext is returned once), revoke, check a presented key, count its
requests. Keyword-only writes, each audited in its own transaction."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import string
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tenants.accounts.models import User
from tenants.accounts.roles import ADMIN_ROLES, Role, on_province
from tenants.apikeys.models import DEFAULT_RATE_LIMIT, ApiKey
from tenants.apikeys.scopes import AREAS, LEVELS, PROVINCE, READ_ONLY_AREAS, SCHOOL, WRITE, scope, scopes_for
from tenants.audit.models import AuditRecord
from tenants.audit.services import audit_create
from tenants.errors import NotAllowed
from tenants.workflow import StateMachine

KEY_PREFIX = "eduk"  # every key starts "eduk_": a secret scanner (or a person) can recognise one
PREFIX_LENGTH = 10
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
MAX_LIFETIME = timedelta(days=3 * 366)
MAX_RATE_LIMIT = 6000

API_KEY_MACHINE = StateMachine.for_field("API 密钥", ApiKey)
API_KEY_MACHINE.add("revoke", label="撤销", sources={ApiKey.Status.ACTIVE}, target=ApiKey.Status.REVOKED,
                    roles=ADMIN_ROLES, system=True)


class KeyRefused(Exception):
    """A presented key that must not authenticate; ``message`` is the Chinese 401 text."""

    def __init__(self, message: str, key: ApiKey | None = None, why: str = ""):
        super().__init__(message)
        self.message, self.key, self.why = message, key, why or message


def this_host() -> str:
    return PROVINCE if on_province() else SCHOOL


def _digest(prefix: str, secret: str) -> str:
    return hashlib.sha256(f"{prefix}.{secret}".encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


def normalise_scopes(scopes, *, host: str | None = None) -> list[str]:
    """The scopes checked against this host's vocabulary: a write scope makes the read one redundant."""
    allowed = set(scopes_for(host or this_host()))
    if isinstance(scopes, str) or not isinstance(scopes, (list, tuple, set, frozenset)):
        raise ValidationError({"scopes": "权限范围应为列表，例如 [\"members:read\"]。"})
    wrong = [s for s in scopes if not isinstance(s, str) or s not in allowed]
    if wrong:
        raise ValidationError({"scopes": f"本站点没有这些权限范围：{'、'.join(map(str, wrong))}。"
                                         f"可选：{'、'.join(sorted(allowed))}。"})
    chosen = set(scopes)
    if not chosen:
        raise ValidationError({"scopes": "请至少选择一个权限范围。"})
    return sorted(s for s in chosen if not (s.endswith(":read") and scope(s.split(":")[0], WRITE) in chosen))


def _check_actor(by) -> None:
    if by is None:
        return
    if hasattr(by, "api_key") and _is_key_user(by):
        raise NotAllowed("API 密钥不能管理 API 密钥，请由本站管理员登录后操作。")
    if not by.has_role(*ADMIN_ROLES):
        raise NotAllowed("只有本站管理员可以管理 API 密钥。")


def _is_key_user(user) -> bool:
    try:
        return user.api_key is not None
    except ApiKey.DoesNotExist:
        return False


def is_key_user(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and _is_key_user(user))


def api_key_create(*, name: str, scopes, expires_at: datetime, by, rate_limit: int = DEFAULT_RATE_LIMIT
                   ) -> tuple[ApiKey, str]:
    """Create a key on the current host; returns (key, plaintext). The plaintext is never stored."""
    _check_actor(by)
    errors = {}
    name = (name or "").strip()
    if not name or len(name) > 60:
        errors["name"] = "请填写名称（不超过 60 个字符）。"
    elif ApiKey.objects.filter(name=name, status=ApiKey.Status.ACTIVE).exists():
        errors["name"] = f"已有名为“{name}”的有效密钥。"
    try:
        scopes = normalise_scopes(scopes)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    now = timezone.now()
    if not isinstance(expires_at, datetime):
        errors["expires_at"] = "请填写到期时间。"
    else:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        if expires_at <= now:
            errors["expires_at"] = "到期时间必须晚于现在。"
        elif expires_at > now + MAX_LIFETIME:
            errors["expires_at"] = "有效期最长 3 年。"
    if isinstance(rate_limit, bool) or not isinstance(rate_limit, int) or not 1 <= rate_limit <= MAX_RATE_LIMIT:
        errors["rate_limit"] = f"每分钟请求上限应为 1–{MAX_RATE_LIMIT} 之间的整数。"
    if errors:
        raise ValidationError({field: message if isinstance(message, list) else [message]
                               for field, message in errors.items()})
    with transaction.atomic():
        prefix = _new_prefix()
        secret = secrets.token_urlsafe(32)
        user = User(username=f"API密钥「{name}」{prefix}"[:150], full_name=f"API 密钥：{name}"[:50],
                    roles=[Role.PROVINCE_ADMIN if on_province() else Role.UNION_ADMIN], is_active=False)
        user.set_unusable_password()
        user.save()
        key = ApiKey.objects.create(name=name, prefix=prefix, digest=_digest(prefix, secret), scopes=scopes,
                                    expires_at=expires_at, rate_limit=rate_limit, user=user,
                                    created_by=by if getattr(by, "pk", None) else None)
        audit_create(actor=by, target=key, fields=["name", "prefix", "scopes", "expires_at", "rate_limit"])
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def api_key_revoke(*, key: ApiKey, by, reason: str = "") -> ApiKey:
    """Revoke a key (audited transition); its next request answers 401."""
    _check_actor(by)
    key.revoked_at = timezone.now()
    API_KEY_MACHINE.apply(key, "revoke", by=by, reason=reason, extra_update_fields=["revoked_at"])
    return key


def parse(raw: str) -> tuple[str, str] | None:
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    if not all(c in _PREFIX_ALPHABET for c in parts[1]) or len(parts[2]) > 200:
        return None
    return parts[1], parts[2]


INVALID = "API 密钥无效（密钥不存在、不属于本站点或已被删除）。"
REVOKED = "API 密钥已撤销。"
EXPIRED = "API 密钥已过期。"


def api_key_check(raw: str) -> ApiKey:
    """The active key of this host that ``raw`` is, or KeyRefused. Constant-time digest comparison;
    a key of another host finds nothing here (each host's keys live in its own schema)."""
    parsed = parse(raw)
    if parsed is None:
        raise KeyRefused(INVALID, why="格式不正确")
    prefix, secret = parsed
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None:
        # still spend a digest comparison so timing does not tell a known prefix from an unknown one
        hmac.compare_digest(_digest(prefix, secret), "0" * 64)
        raise KeyRefused(INVALID, why="本站点没有这个密钥")
    if not hmac.compare_digest(_digest(prefix, secret), key.digest):
        raise KeyRefused(INVALID, key=key, why="密钥不正确")
    if key.status == ApiKey.Status.REVOKED:
        raise KeyRefused(REVOKED, key=key)
    if key.is_expired:
        raise KeyRefused(EXPIRED, key=key)
    return key


def audit_refusal(*, key: ApiKey | None, why: str, address: str, method: str, path: str) -> None:
    """Record a refused key (or a key refused a call) in this host's audit log. Never the key itself:
    only its public prefix, and only when it names a key of this host."""
    AuditRecord.objects.create(
        actor=key.user if key else None,
        actor_name=key.user.get_username() if key else "未知 API 密钥",
        action=AuditRecord.Action.REFUSED,
        target_type=ApiKey._meta.label_lower, target_id=str(key.pk) if key else "",
        target_repr=(f"API 密钥被拒绝：{key}" if key else "API 密钥被拒绝")[:200],
        reason=f"{why.rstrip('。')}；来自 {address or '未知地址'}；{method} {path[:300]}",
    )


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def _ip_or_none(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def api_key_hit(key: ApiKey, *, address: str, now: datetime | None = None) -> int:
    """Count one request of ``key``; returns 0, or the seconds to wait when over its rate limit.

    One atomic upsert per request (correct across processes). The first request of each minute
    also records the last use (so at most one such write a minute) and drops older minutes."""
    now = now or timezone.now()
    minute = _minute(now)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO apikeys_apikeywindow (key_id, minute, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key_id, minute) DO UPDATE SET count = apikeys_apikeywindow.count + 1 "
            "RETURNING count", [key.pk, minute])
        count = cursor.fetchone()[0]
        if count == 1:
            cursor.execute("DELETE FROM apikeys_apikeywindow WHERE key_id = %s AND minute < %s", [key.pk, minute])
    if count == 1:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=_ip_or_none(address))
    if count > key.rate_limit:
        return max(1, 60 - now.second)
    return 0


__all__ = ["api_key_create", "api_key_revoke", "api_key_check", "api_key_hit", "audit_refusal", "KeyRefused",
           "API_KEY_MACHINE", "AREAS", "LEVELS", "READ_ONLY_AREAS", "is_key_user", "normalise_scopes"]
