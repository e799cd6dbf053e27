import hashlib

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, TokenAuthentication, get_authorization_header
from rest_framework.exceptions import APIException, AuthenticationFailed, Throttled

from tenants.accounts.login_guard import client_address


class SchoolTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, looked up in the current host's schema only.

    Each schema has its own token table, so a token issued on one school's host matches
    nothing on another host and answers 401 there.
    """

    def authenticate_credentials(self, key):
        try:
            return super().authenticate_credentials(key)
        except AuthenticationFailed:
            raise AuthenticationFailed("认证令牌无效或已撤销。")


class KeyThrottled(Throttled):
    """429 with `Retry-After` (DRF's handler sets it from ``wait``) and only our Chinese sentence."""

    def __init__(self, *, wait: int, detail: str):
        APIException.__init__(self, detail)
        self.wait = wait


def _first_refusal_this_minute(address: str, key, why: str) -> bool:
    """Whether to audit this refused key: once a minute per client address, key (or unknown key) and reason,
    so a script sending made-up keys in a loop cannot bury the 操作日志. The cache keys carry the
    host's schema (django-tenants' key function)."""
    from django.core.cache import cache

    reason = hashlib.sha1(why.encode()).hexdigest()[:12]  # cache keys stay ASCII without spaces
    return cache.add(f"apikey-refused:{address}:{key.pk if key else '-'}:{reason}", 1, timeout=60)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <API 密钥>`: a machine client's key of this host (tenants/apikeys).

    The key is looked up in the current host's schema only (a key of another school or of the
    province matches nothing: 401). A refused key is audited on this host, by its public prefix
    only. Each accepted request is counted against the key's per-minute limit (429 with
    Retry-After beyond it). The request then runs as the key's service user, with
    `request.auth` the ApiKey: the host bases (api/base.py) check its scopes for the view.
    """

    keyword = "bearer"

    def authenticate(self, request):
        from tenants.apikeys.services import KeyRefused, api_key_check, api_key_hit, audit_refusal

        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        try:
            raw = parts[1].decode("ascii") if len(parts) == 2 else ""
        except UnicodeDecodeError:
            raw = ""
        try:
            key = api_key_check(raw)
        except KeyRefused as refused:
            address = client_address(request)
            if _first_refusal_this_minute(address, refused.key, refused.why):
                audit_refusal(key=refused.key, why=refused.why, address=address, method=request.method,
                              path=request.path)
            raise AuthenticationFailed(refused.message)
        wait = api_key_hit(key, address=client_address(request))
        if wait:
            raise KeyThrottled(wait=wait, detail=f"请求过于频繁：该 API 密钥每分钟最多 {key.rate_limit} 次，"
                                              f"请 {wait} 秒后再试。")
        return key.user, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The published schema declares the key: `Authorization: Bearer <key>`."""

    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "eduk_<前缀>_<密钥>",
                "description": "本站点管理员创建的 API 密钥（按范围授权，只在创建它的站点有效）。"}
