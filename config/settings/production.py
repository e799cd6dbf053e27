"""Production: every secret from the environment; refuses to start when one is missing."""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import database_from_url, env_bool, env_list

if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured("生产环境不能开启 DEBUG（DJANGO_DEBUG 必须为空或 0）。")
DEBUG = False

_missing = [name for name in ("SECRET_KEY", "PERSONAL_DATA_KEY", "DATABASE_URL", "CELERY_BROKER_URL",
                                  "BASE_DOMAIN")
            if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured("生产环境缺少必需的环境变量：" + "、".join(_missing))

SECRET_KEY = os.environ["SECRET_KEY"]
PERSONAL_DATA_KEY = os.environ["PERSONAL_DATA_KEY"]
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [BASE_DOMAIN, f".{BASE_DOMAIN}"]  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", True)
