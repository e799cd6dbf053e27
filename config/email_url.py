"""EMAIL_URL → Django's EMAIL_* settings (README, 配置).

    smtp://user:pass@host:587/?tls=1     SMTP, STARTTLS after connecting (port 25 when omitted)
    smtp+tls://user:pass@host            the same, port 587 when omitted
    smtps://user:pass@host               SMTP over TLS from the start (port 465 when omitted)
    console://                           print mails to the console (what `make run` does)
    dummy://                             accept and drop every mail

User name and password are percent-decoded (an @ in a user name is written %40). Query options:
tls=1, ssl=1, timeout=<seconds>.
"""
from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "submission": 587, "smtps": 465}
TRUE = {"1", "true", "yes", "on"}


class EmailUrlError(ValueError):
    pass


def email_settings(url: str) -> dict:
    """The EMAIL_* settings an EMAIL_URL stands for; EmailUrlError (Chinese) for one it cannot read."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in BACKENDS:
        return {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme not in DEFAULT_PORTS:
        raise EmailUrlError(f"EMAIL_URL 的协议“{scheme or '（空）'}”不受支持：请用 smtp://、smtps://、smtp+tls:// 或 console://。")
    if not parts.hostname:
        raise EmailUrlError("EMAIL_URL 缺少邮件服务器地址，例如 smtp://user:pass@smtp.example.edu.cn:587/?tls=1。")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise EmailUrlError("EMAIL_URL 的端口不是有效数字。") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = scheme == "smtps" or query.get("ssl", "").lower() in TRUE
    use_tls = not use_ssl and (scheme in ("smtp+tls", "submission") or query.get("tls", "").lower() in TRUE)
    config = {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    if query.get("timeout"):
        try:
            config["EMAIL_TIMEOUT"] = float(query["timeout"])
        except ValueError:
            raise EmailUrlError("EMAIL_URL 的 timeout 不是有效数字。") from None
    return config
