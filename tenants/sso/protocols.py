"""The two campus protocols, each built from ONE school's settings row per request.

CAS: python-cas (the client django-cas-ng itself uses), which takes the server URL per instance —
django-cas-ng reads one global CAS_SERVER_URL, so it cannot serve a region of schools each with its
own campus server. OIDC: authlib (discovery, authorization code with PKCE, ID token verified against
the provider's published keys, issuer, audience, nonce and expiry).

Nothing here writes: it answers an `Identity` or raises `SsoRefused` with the Chinese reason and a
short code for the audit record.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token  # noqa: F401 (used by the CAS state too)
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import KeySet
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cas import CASClient
from django.conf import settings
from django.core.cache import cache

from tenants import outbound
from tenants.sso.models import SsoSettings

logger = logging.getLogger(__name__)

#: how long a started sign-in may take at the campus IdP before its state is refused
FLOW_SECONDS = 600


class SsoRefused(Exception):
    """A sign-in the platform refuses: `message` is shown (Chinese), `code` goes to the audit record."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Identity:
    """What the campus IdP vouched for (after verification)."""

    username: str
    employee_number: str
    name: str
    subject: str  # the CAS user or the OIDC `sub`


class _TimeoutSession(requests.Session):
    """python-cas calls the validator without a timeout; a campus server that hangs must not hang a
    worker. Redirects are never followed: a checked address must not lead on to an unchecked one."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.SSO_HTTP_TIMEOUT)
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def target_problem(url: str, what: str) -> str | None:
    """Why the platform may not send a request to ``url`` (Chinese), or None: http(s), no
    credentials, and unless SSO_ALLOW_PRIVATE_TARGETS only public addresses (no SSRF)."""
    return outbound.target_problem(url, allow_private=getattr(settings, "SSO_ALLOW_PRIVATE_TARGETS", False),
                                   what=what)


def _check_target(url: str, what: str, code: str) -> None:
    """Checked before every request to the campus IdP (the name may resolve elsewhere by now)."""
    if problem := target_problem(url, what):
        raise SsoRefused(f"已拒绝访问学校统一身份认证服务器：{problem}", code)


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value or "").strip()


def identity_from(conf: SsoSettings, *, subject: str, default_username: str, attributes: dict) -> Identity:
    username = _text(attributes.get(conf.username_attribute)) if conf.username_attribute else default_username
    number = (_text(attributes.get(conf.employee_number_attribute)) if conf.employee_number_attribute
              else username)
    return Identity(username=username.strip(), employee_number=number,
                    name=_text(attributes.get(conf.name_attribute)) if conf.name_attribute else "",
                    subject=subject)


# --- CAS 2.0 / 3.0 -------------------------------------------------------------------------------

def cas_client(conf: SsoSettings, service_url: str):
    server = conf.cas_server_url if conf.cas_server_url.endswith("/") else conf.cas_server_url + "/"
    return CASClient(version=3 if conf.protocol == SsoSettings.Protocol.CAS3 else 2, service_url=service_url,
                     server_url=server, session=_TimeoutSession())


def cas_login_url(conf: SsoSettings, service_url: str) -> str:
    return cas_client(conf, service_url).get_login_url()


def cas_verify(conf: SsoSettings, *, service_url: str, ticket: str) -> Identity:
    """Ask this school's CAS server whether ``ticket`` was issued for ``service_url`` (this host's)."""
    if not ticket or len(ticket) > 256:
        raise SsoRefused("统一身份认证未返回有效的票据（ticket），请重新登录。", "cas_no_ticket")
    client = cas_client(conf, service_url)
    _check_target(client.server_url, "CAS 服务器地址", "cas_target_refused")
    try:
        user, attributes, _ = client.verify_ticket(ticket)
    except requests.RequestException:
        raise SsoRefused("无法连接学校的统一身份认证服务器，请稍后再试。", "cas_unreachable") from None
    except Exception:  # XML the parser cannot read is no assertion at all
        raise SsoRefused("统一身份认证服务器的应答无法识别，请联系学校信息中心。", "cas_bad_response") from None
    if not user:
        raise SsoRefused("统一身份认证票据无效或已使用，请重新登录。", "cas_ticket_invalid")
    return identity_from(conf, subject=user, default_username=user, attributes=attributes or {})


# --- OpenID Connect -------------------------------------------------------------------------------

def _remembered(kind: str, url: str):
    """What was kept for `url` (this school's cache keys), or None. A cache that fails means asking
    the campus server again, not a failed sign-in."""
    try:
        return cache.get(_metadata_key(kind, url))
    except Exception:  # noqa: BLE001
        logger.warning("SSO: the cache could not be read; asking the campus server")
        return None


def _remember(kind: str, url: str, value) -> None:
    if settings.SSO_METADATA_SECONDS <= 0:
        return
    try:
        cache.set(_metadata_key(kind, url), value, settings.SSO_METADATA_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("SSO: the cache could not be written")


def _metadata_key(kind: str, url: str) -> str:
    # the address hashed: a long one would not fit the database cache's key column
    return f"sso:oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def forget_metadata(issuer: str) -> None:
    """Drop what this school keeps of `issuer` (saving the settings means: ask the server afresh)."""
    if not issuer:
        return
    url = _discovery_url(issuer)
    metadata = _remembered("discovery", url)
    try:
        if isinstance(metadata, dict) and isinstance(metadata.get("jwks_uri"), str):
            cache.delete(_metadata_key("jwks", metadata["jwks_uri"]))
        cache.delete(_metadata_key("discovery", url))
    except Exception:  # noqa: BLE001 - kept values still age out within SSO_METADATA_SECONDS
        logger.warning("SSO: the cache could not be cleared")


def _discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _discovery(conf: SsoSettings) -> dict:
    """The issuer's discovery document: remembered SSO_METADATA_SECONDS per school and issuer (the
    default cache's keys carry the schema), so starting and finishing one sign-in ask for it once."""
    url = _discovery_url(conf.oidc_issuer)
    _check_target(url, "OIDC 发现文档地址", "oidc_target_refused")
    metadata = _remembered("discovery", url)
    if metadata is not None:
        return metadata
    try:
        response = requests.get(url, timeout=settings.SSO_HTTP_TIMEOUT, allow_redirects=False)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError):
        raise SsoRefused("无法读取学校统一身份认证（OIDC）的发现文档，请稍后再试。", "oidc_discovery") from None
    for key_name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "issuer"):
        if not isinstance(metadata.get(key_name), str):
            raise SsoRefused("学校统一身份认证（OIDC）的发现文档不完整。", "oidc_discovery")
    _remember("discovery", url, metadata)
    return metadata


def _signing_keys(jwks_uri: str, *, fresh: bool) -> tuple[KeySet, bool]:
    """(the provider's published keys, whether they were just fetched)."""
    published = None if fresh else _remembered("jwks", jwks_uri)
    fetched = published is None
    try:
        if fetched:
            response = requests.get(jwks_uri, timeout=settings.SSO_HTTP_TIMEOUT, allow_redirects=False)
            response.raise_for_status()
            published = response.json()
        key_set = KeySet.import_key_set(published)
    except (requests.RequestException, ValueError, JoseError):
        raise SsoRefused("无法读取学校统一身份认证的签名公钥。", "oidc_jwks") from None
    if fetched:  # only a key set that could be read is kept
        _remember("jwks", jwks_uri, published)
    return key_set, fetched


def _verified_claims(id_token: str, key_set: KeySet):
    """The ID token's claims if one of ``key_set`` signed it, else None."""
    try:
        return jwt.decode(id_token, key_set, algorithms=["RS256", "ES256", "PS256"]).claims
    except (JoseError, ValueError):
        return None


def oidc_start(conf: SsoSettings, *, redirect_uri: str) -> tuple[str, dict]:
    """(the URL to send the browser to, what the session keeps for the callback)."""
    metadata = _discovery(conf)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(48)
    query = urlencode({
        "response_type": "code", "client_id": conf.oidc_client_id, "redirect_uri": redirect_uri,
        "scope": conf.oidc_scopes or "openid", "state": state, "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256",
    })
    sep = "&" if "?" in metadata["authorization_endpoint"] else "?"
    return metadata["authorization_endpoint"] + sep + query, {"state": state, "nonce": nonce,
                                                              "verifier": verifier}


def oidc_finish(conf: SsoSettings, client_secret: str, *, redirect_uri: str, code: str, flow: dict) -> Identity:
    """Exchange the code (with the PKCE verifier) and verify the ID token; raise SsoRefused otherwise."""
    if not code or len(code) > 2048:
        raise SsoRefused("统一身份认证未返回授权码，请重新登录。", "oidc_no_code")
    metadata = _discovery(conf)
    session = OAuth2Session(conf.oidc_client_id, client_secret, redirect_uri=redirect_uri,
                            token_endpoint_auth_method="client_secret_basic")
    _check_target(metadata["token_endpoint"], "OIDC 令牌端点（token_endpoint）", "oidc_target_refused")
    try:
        token = session.fetch_token(metadata["token_endpoint"], code=code, grant_type="authorization_code",
                                    code_verifier=flow["verifier"], timeout=settings.SSO_HTTP_TIMEOUT,
                                    allow_redirects=False)
    except requests.RequestException:
        raise SsoRefused("无法连接学校的统一身份认证服务器，请稍后再试。", "oidc_unreachable") from None
    except Exception:  # the provider refused the code (used, expired, another client's)
        raise SsoRefused("统一身份认证授权码无效或已使用，请重新登录。", "oidc_code_refused") from None
    id_token = token.get("id_token")
    if not id_token:
        raise SsoRefused("统一身份认证未返回身份令牌（ID Token）。", "oidc_no_id_token")
    _check_target(metadata["jwks_uri"], "OIDC 签名公钥地址（jwks_uri）", "oidc_target_refused")
    key_set, fetched = _signing_keys(metadata["jwks_uri"], fresh=False)
    issuer = metadata["issuer"]
    if issuer.rstrip("/") != conf.oidc_issuer.rstrip("/"):
        # the discovery document must name the issuer the school configured (OIDC Discovery §4.3)
        raise SsoRefused("统一身份认证的签发者与本校设置不符，已拒绝登录。", "oidc_wrong_issuer")
    claims = _verified_claims(id_token, key_set)
    if claims is None and not fetched:
        # the remembered keys do not verify it: the provider may have rotated its keys since
        claims = _verified_claims(id_token, _signing_keys(metadata["jwks_uri"], fresh=True)[0])
    if claims is None:
        raise SsoRefused("统一身份认证的身份令牌签名无效，已拒绝登录。", "oidc_bad_signature")
    try:
        jwt.JWTClaimsRegistry(
            leeway=60, iss={"essential": True, "value": issuer}, aud={"essential": True, "value": conf.oidc_client_id},
            sub={"essential": True}, exp={"essential": True}, nonce={"essential": True, "value": flow["nonce"]},
        ).validate(claims)
    except JoseError as exc:
        claim = exc.claim if isinstance(exc, ClaimError) else ""
        code = {"iss": "oidc_wrong_issuer", "aud": "oidc_wrong_audience", "nonce": "oidc_bad_nonce"}.get(
            claim, "oidc_invalid_claims")
        message = {"oidc_wrong_issuer": "统一身份认证的身份令牌签发者不符，已拒绝登录。",
                   "oidc_wrong_audience": "统一身份认证的身份令牌不是签发给本校的，已拒绝登录。",
                   "oidc_bad_nonce": "统一身份认证的身份令牌与本次登录不符，已拒绝登录。"}.get(
            code, "统一身份认证的身份令牌无效或已过期，已拒绝登录。")
        raise SsoRefused(message, code) from None
    default_username = str(claims.get("preferred_username") or claims["sub"])
    return identity_from(conf, subject=str(claims["sub"]), default_username=default_username,
                         attributes=dict(claims))
