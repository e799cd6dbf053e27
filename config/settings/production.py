"""Production: every secret from the environment; refuses to start when one is missing."""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import database_from_url, env_bool, env_list

if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured("生产环境不能开启 DEBUG（DJANGO_DEBUG 必须为空或 0）。")
DEBUG = False
DEMO_DATA_ALLOWED = False

_missing = [name for name in ("SECRET_KEY", "PERSONAL_DATA_KEY", "DATABASE_URL", "CELERY_BROKER_URL",
                                  "BASE_DOMAIN")
            if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured("生产环境缺少必需的环境变量：" + "、".join(_missing))

SECRET_KEY = os.environ["SECRET_KEY"]
PERSONAL_DATA_KEY = os.environ["PERSONAL_DATA_KEY"]
# During a rotation several keys are listed; the blind index must then be pinned, or dropping the
# old key later would silently stop every duplicate check on ID numbers from matching.
if "," in PERSONAL_DATA_KEY and not os.environ.get("PERSONAL_DATA_INDEX_KEY"):
    raise ImproperlyConfigured("PERSONAL_DATA_KEY 列出了多个密钥：请同时设置 PERSONAL_DATA_INDEX_KEY"
                               "（通常为最早的那个密钥），否则移除旧密钥后身份证号查重将失效。")
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [BASE_DOMAIN, f".{BASE_DOMAIN}"]  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# nginx terminates TLS (deploy/nginx.conf) and says so in X-Forwarded-Proto, which it always sets.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Container health checks call gunicorn directly over plain HTTP: a redirect would read as unhealthy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Schools live on subdomains of BASE_DOMAIN and are served by the same TLS certificate.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", True)
# E-mail is optional: without EMAIL_URL (or EMAIL_HOST) mail is off — notifications stay in-app, the
# preferences page says so, and every process logs it on start (tenants/mail/apps.py).
