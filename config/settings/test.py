"""The test suite: the same embedded PostgreSQL (separate data dir) unless DATABASE_URL is set."""
import os
import tempfile
from pathlib import Path

from config.embedded_db import database_url, make_disposable

from .base import *  # noqa: F401,F403
from .base import MIDDLEWARE, database_from_url

DEBUG = False
DEMO_DATA_ALLOWED = True
SECRET_KEY = "test-only-not-a-secret"
_TEST_DATABASE_URL = database_url("pg-test", "eduunion")
if not os.environ.get("DATABASE_URL"):  # the embedded test cluster only, never a server someone else runs
    make_disposable(_TEST_DATABASE_URL)
DATABASES = {"default": database_from_url(_TEST_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# A test worker's one connection holds every test's transaction and is shared with the in-process
# server of tests/clients/; recycling it after 100 schools (which a long session passes) closed it
# under a running test. tests/tenants/test_connections.py sets the limit it tests.
DB_MAX_SCHOOLS_PER_CONNECTION = 0
# Hashing cost is not what the suite tests; a fast hasher keeps it inside its time budget.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads of one test run go to a fresh folder (the tenant storage caches its location, so tests
# read settings.MEDIA_ROOT rather than overriding it).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="eduunion-test-media-"))
# Backups of one test run likewise (tests/backups).
BACKUP_DIR = Path(tempfile.mkdtemp(prefix="eduunion-test-backups-"))
# No collected static files in tests: WhiteNoise would warn about the missing folder on every request.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# The host→school cache is off by default here: tests that compare the queries of two requests
# would otherwise see the first one pay the lookup. tests/tenants/test_host_cache.py turns it on;
# SCHOOL_HOST_CACHE_SECONDS=5 in the environment runs any test with it.
SCHOOL_HOST_CACHE_SECONDS = float(os.environ.get("SCHOOL_HOST_CACHE_SECONDS", "0"))
# Mail is on in tests (pytest-django swaps in the locmem backend); tests/mail points it at a real
# local SMTP server. Links: http://<host>/…
MAIL_ENABLED = True
SITE_SCHEME = "http"
SITE_PORT = ""
# The suite's webhook receiver listens on 127.0.0.1 (tests/webhooks/); production refuses such targets.
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
# The suite's OIDC provider and CAS server listen on 127.0.0.1 too (tests/sso/).
SSO_ALLOW_PRIVATE_TARGETS = True
