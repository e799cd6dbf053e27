"""Throttling of failed logins, per username and per client address, on each host separately.

The counters live in the cache; django-tenants' key function puts the schema in every key, so
failures on one school's host never lock anybody out on another.
"""
from django.conf import settings
from django.core.cache import cache

LOCKED_MESSAGE = "登录失败次数过多，请 {minutes} 分钟后再试。"


def client_address(request) -> str:
    if getattr(settings, "TRUST_X_REAL_IP", False) and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR", "")


def _keys(username: str, address: str) -> tuple[str, str]:
    return f"login-fail:user:{(username or '').lower()}", f"login-fail:addr:{address}"


def locked_message(request, username: str) -> str | None:
    """The Chinese refusal when this username or address failed too often, else None."""
    user_key, addr_key = _keys(username, client_address(request))
    counts = cache.get_many([user_key, addr_key])
    if (counts.get(user_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_USERNAME
            or counts.get(addr_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
        return LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_SECONDS // 60)
    return None


def record_failure(request, username: str) -> None:
    for key in _keys(username, client_address(request)):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def record_success(request, username: str) -> None:
    cache.delete(_keys(username, client_address(request))[0])
