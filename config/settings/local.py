"""A developer's machine and the run command: embedded PostgreSQL unless DATABASE_URL is set."""
import os

from config.embedded_db import database_url

from .base import *  # noqa: F401,F403
from .base import database_from_url, env_bool

# `make run` serves people (colleagues on the campus network try it), so tracebacks stay off unless
# asked for with DJANGO_DEBUG=1.
DEBUG = env_bool("DJANGO_DEBUG", False)
DEMO_DATA_ALLOWED = True
# Static files straight from the apps' folders as well as STATIC_ROOT: a change to a stylesheet
# shows without re-running collectstatic, with DEBUG off too.
WHITENOISE_USE_FINDERS = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-development-only-not-a-secret"
DATABASES = {"default": database_from_url(database_url("pg", "eduunion"))}
# `make run` mails go to the console unless EMAIL_URL / EMAIL_HOST name a server; links point at
# http://<host>:PORT.
if not MAIL_ENABLED:  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    MAIL_ENABLED = True
SITE_SCHEME = os.environ.get("SITE_SCHEME", "http")
SITE_PORT = os.environ.get("SITE_PORT", os.environ.get("PORT", "8000"))
# `make run` is tried on one machine: a webhook receiver on localhost must be allowed there.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
# …and a campus IdP tried out on localhost (统一身份认证).
SSO_ALLOW_PRIVATE_TARGETS = env_bool("SSO_ALLOW_PRIVATE_TARGETS", True)
