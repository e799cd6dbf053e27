"""Where the platform may send a request of its own (server-side request forgery): a webhook's
receiver, a school's CAS or OIDC server. Both take an address someone typed, so both go through this
one check, on save and again before every request (a name may resolve elsewhere later)."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

# IPv6 ranges that carry an IPv4 address or are deprecated, which Python's is_global lets through:
# IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16, checked by
# its IPv4), Teredo (2001::/32) and site-local (fec0::/10).
_EMBEDDING_OR_DEPRECATED_V6 = [ipaddress.ip_network(net) for net in (
    "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2001::/32", "fec0::/10")]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif any(ip in net for net in _EMBEDDING_OR_DEPRECATED_V6):
            return False
    return ip.is_global and not ip.is_multicast


def target_problem(url: str, *, allow_private: bool, what: str) -> str | None:
    """Why a request may not go to ``url`` (Chinese, naming the address as ``what``), or None.

    http(s) with a host name and no credentials; unless ``allow_private`` (local and test settings),
    every address the name resolves to must be a public one.
    """
    scheme_problem = f"{what}必须以 http:// 或 https:// 开头，并包含主机名。"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return scheme_problem
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return scheme_problem
    if parts.username or parts.password:
        return f"{what}不能包含用户名或密码；请用签名密钥验证来源。"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return f"无法解析{what}的主机名 {parts.hostname}。"
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(_is_public(address) for address in addresses):
        return f"{what}指向内网、本机或链路本地地址，出于安全考虑（防止服务端请求伪造）不允许。"
    return None
